/**
 * Promptable segmentation, mask editing, history and the edit journal (issue: prompt, refine and edit).
 *
 * The labelmap of each open volume lives in main (on the image grid); every
 * change answers with a `change`: the labelmap delta (`encodeEditDelta` bytes,
 * common/labelmap/editDelta.ts — a voxel box plus runs, never the whole
 * volume), the segment list, the history and per-segment statistics. Only
 * `segment:state` sends the whole labelmap, once, when a volume is opened or
 * restored.
 */
import { z } from 'zod';
import { segmentMetaSchema } from '../../editing/history';
import { binary, vec3 } from '../schemas';
import { channel } from './define';

const volumeRef = z.object({ volumeId: z.string().min(1) });
const label = z.number().int().min(1).max(255);
const axis = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const planeName = z.enum(['axial', 'coronal', 'sagittal']);
const radiusMm = z.number().min(0).max(200);
const huRange = z.tuple([z.number(), z.number()]);

/** A prompt point in patient LPS mm or in continuous voxel indices. */
export const promptPointSchema = z.union([
  z.object({ lps: vec3, positive: z.boolean() }).strict(),
  z.object({ ijk: vec3, positive: z.boolean() }).strict(),
]);
const promptCorner = z.union([z.object({ lps: vec3 }).strict(), z.object({ ijk: vec3 }).strict()]);

/** One editing operation (common/editing/*); labels and voxel positions are on the image grid. */
export const editOpSchema = z.discriminatedUnion('tool', [
  z.object({
    tool: z.literal('brush'),
    mode: z.enum(['paint', 'erase']),
    /** Paint: the segment painted. Erase: the segment erased (0: any unlocked segment). */
    label: z.number().int().min(0).max(255),
    /** Brush centres along the stroke, continuous voxel indices. */
    points: z.array(vec3).min(1).max(100_000),
    radiusMm,
    shape: z.enum(['disc', 'sphere']),
    /** Grid axis normal to a disc brush's slice. */
    planeAxis: axis.optional(),
    /** Paint over other unlocked segments (default true). */
    overwrite: z.boolean().optional(),
    /** Threshold-limited brush: an HU range, or ± a tolerance around the value under the first point. */
    threshold: z.union([z.object({ rangeHu: huRange }).strict(), z.object({ toleranceHu: z.number().min(0) }).strict()]).optional(),
  }),
  z.object({
    tool: z.literal('fill'),
    seed: vec3,
    label,
    dimensionality: z.enum(['2d', '3d']),
    planeAxis: axis.optional(),
    connectivity: z.number().int().optional(),
    threshold: z.union([z.object({ rangeHu: huRange }).strict(), z.object({ toleranceHu: z.number().min(0) }).strict()]).optional(),
  }),
  z.object({ tool: z.literal('fillHoles'), label, dimensionality: z.enum(['2d', '3d']), planeAxis: axis.optional(), connectivity: z.number().int().optional() }),
  z.object({
    tool: z.literal('islands'),
    label,
    keep: z.union([z.object({ kind: z.literal('largest') }), z.object({ kind: z.literal('clicked'), seed: vec3 }), z.object({ kind: z.literal('minSize'), minVoxels: z.number().int().min(1) })]),
    connectivity: z.number().int().optional(),
  }),
  z.object({ tool: z.literal('interpolate'), label, axis, keySlices: z.tuple([z.number().int(), z.number().int()]).optional() }),
  z.object({ tool: z.literal('smooth'), label, method: z.enum(['open', 'close', 'median']), radiusMm, dimensionality: z.enum(['2d', '3d']), planeAxis: axis.optional() }),
]);
export type EditOp = z.infer<typeof editOpSchema>;

export const segmentStatsSchema = z.object({
  label,
  voxels: z.number().int().nonnegative(),
  volumeMl: z.number().nonnegative(),
  /** First and last slice index along the grid's k axis holding the segment; null when empty. */
  sliceSpan: z.tuple([z.number().int(), z.number().int()]).nullable(),
});
export type SegmentStats = z.infer<typeof segmentStatsSchema>;

export const historyViewSchema = z.object({
  items: z.array(z.object({ id: z.number().int(), name: z.string(), applied: z.boolean() })),
  position: z.number().int().nonnegative(),
});

/** What every labelmap-changing call returns. */
export const segmentChangeSchema = z.object({
  volumeId: z.string(),
  /** `encodeEditDelta` bytes: apply its `editSide` (common/labelmap) over its box; an empty delta changes nothing. */
  delta: binary,
  /** Voxels whose label changed. */
  changed: z.number().int().nonnegative(),
  segments: z.array(segmentMetaSchema),
  history: historyViewSchema,
  stats: z.array(segmentStatsSchema),
});
export type SegmentChange = z.infer<typeof segmentChangeSchema>;

export const segmentChannels = {
  /** Opens (or restores from the journal) the segmentation of an open volume: the whole labelmap, once. */
  'segment:state': channel(
    /** `omitEmptyLabels`: when nothing is segmented, `labels` comes back empty and `emptyLabels` is true (the client allocates the zeros; a 512²×1000 labelmap is 250 MB in one frame). */
    volumeRef.extend({ omitEmptyLabels: z.boolean().optional() }),
    z.object({
      volumeId: z.string(),
      dimensions: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
      /** The labelmap, one byte per voxel, i fastest (zero bytes when omitted, see emptyLabels). */
      labels: binary,
      /** True when every voxel is 0 and the labels were omitted on request. */
      emptyLabels: z.boolean().optional(),
      segments: z.array(segmentMetaSchema),
      history: historyViewSchema,
      stats: z.array(segmentStatsSchema),
      restored: z.object({ existed: z.boolean(), eventsReplayed: z.number().int(), warnings: z.array(z.string()), lastEditAt: z.number().nullable().optional() }),
    }),
  ),
  /** Segmentation models that take prompts (packs and the classical fallback). */
  'segment:models': channel(z.object({}), z.object({ models: z.array(z.object({ id: z.string(), name: z.string(), status: z.enum(['ok', 'invalid']) })) })),
  /**
   * Points (±) and/or a box on one plane → a 3D mask. `new`: a new segment from these prompts;
   * `refine`: the segment's earlier prompts plus these, re-run, and the segment becomes the result.
   * A newer prompt on the same volume cancels a running one (CANCELLED).
   */
  'segment:prompt': channel(
    volumeRef.extend({
      jobId: z.string().max(200).optional(),
      target: z.union([z.object({ kind: z.literal('new'), name: z.string().max(256).optional() }), z.object({ kind: z.literal('refine'), label })]),
      modelId: z.string().min(1).max(200),
      plane: planeName,
      points: z.array(promptPointSchema).max(256),
      box: z.object({ a: promptCorner, b: promptCorner }).optional(),
      /**
       * Mask prompt (refine only): the segment's current voxels on one slice of the plane (through the
       * first point, else its largest slice), e.g. a rough brush stroke. RadSAM-style packs take it as
       * mask_input; the classical tool grows from the stroke's central voxel.
       */
      useMask: z.boolean().optional(),
    }),
    segmentChangeSchema.extend({
      label,
      provider: z.string(),
      totalMs: z.number().nonnegative(),
    }),
  ),
  'segment:edit': channel(volumeRef.extend({ op: editOpSchema }), segmentChangeSchema),
  'segment:undo': channel(volumeRef, segmentChangeSchema),
  'segment:redo': channel(volumeRef, segmentChangeSchema),
  'segment:history': channel(volumeRef, historyViewSchema),
  /** A new empty segment (undoable: "New segment"). */
  'segment:create': channel(
    volumeRef.extend({ name: z.string().max(256).optional(), colour: segmentMetaSchema.shape.colour.optional() }),
    segmentChangeSchema.extend({ label }),
  ),
  /** Name, colour, visibility, lock, opacity (journalled; not an undo step). */
  'segment:update': channel(
    volumeRef.extend({ label, patch: segmentMetaSchema.omit({ label: true }).partial() }),
    segmentChangeSchema,
  ),
  /** Removes a segment and its voxels (undoable); a locked segment is refused. */
  'segment:delete': channel(volumeRef.extend({ label }), segmentChangeSchema),
  /**
   * Writes the segmentation (atomically) to a path inside a granted folder: DICOM SEG referencing
   * the source series (DICOM volumes only) or a NIfTI labelmap with its JSON sidecar.
   */
  'segment:export': channel(
    volumeRef.extend({ format: z.enum(['dicom-seg', 'nifti']), path: z.string().min(1).max(4096), deidentify: z.boolean().default(false), overwrite: z.boolean().optional() }),
    z.object({ path: z.string(), bytes: z.number().int().nonnegative(), segments: z.number().int() }),
  ),
  /** Adds the segments of a mask file (DICOM SEG, RTSTRUCT on a DICOM volume, NIfTI labelmap) on the volume's grid (undoable). */
  'segment:import': channel(volumeRef.extend({ path: z.string().min(1).max(4096) }), segmentChangeSchema.extend({ added: z.array(label) })),
  /** Flushes the journal and frees the session (the journal stays on disk). */
  'segment:close': channel(volumeRef, z.object({ closed: z.boolean() })),
} as const;

export const segmentEvents = {} as const;
