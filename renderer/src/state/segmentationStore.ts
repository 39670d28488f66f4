/**
 * Segmentation state, apart from display (no React, no vtk.js): a labelmap on
 * the image grid plus per-segment metadata. The labelmap changes only through
 * `applyEdit`: the edit delta main sent (common/labelmap/editDelta.ts), whose
 * `after` side is written over its box with common's run-length code. How segments are drawn
 * (opacity, fill/outline, 3D surfaces) is a separate, per-viewer
 * representation, as in Cornerstone3D.
 *
 * An empty labelmap is not allocated (`labels: null`): a 512²×1000 volume's
 * would be 262 MB of zeros held for nothing while the reader only looks. The
 * array is made by the first change that writes a label.
 */
import { createStore } from 'zustand/vanilla';
import { editSide, type EditDelta } from '../../../common/labelmap/editDelta';
import { validateBoxRuns, writeBoxRuns, type LabelRuns } from '../../../common/labelmap/runLength';
import type { VoxelBox } from '../../../common/labelmap/voxelBox';
import type { Vec3 } from '../../../common/volume';

const writesOnlyZeros = (runs: LabelRuns) => runs.every((v, n) => n % 2 === 0 || v === 0);

export type Rgb = [number, number, number];

export interface Segment {
  /** Label value in the labelmap (1..255). */
  label: number;
  name: string;
  colour: Rgb;
  visible: boolean;
  locked: boolean;
  /** This segment's opacity (0..1), multiplied by the representation's; default 1. */
  opacity?: number;
  /** SNOMED CT code where known. */
  snomedCode?: string;
}

export interface Segmentation {
  /** The image volume whose grid this labelmap shares. */
  volumeId: string;
  dimensions: Vec3;
  /** Label per voxel (i fastest); null while every voxel is 0 (nothing allocated yet). */
  labels: Uint8Array | null;
  segments: Segment[];
  /** Bumped on every labelmap change. */
  version: number;
  /** Voxels touched by the latest change (null = everything). */
  lastChange: VoxelBox | null;
}

export interface SegmentationRepresentation {
  opacity: number;
  mode: 'fill' | 'outline';
  show3d: boolean;
}

export interface SegmentationState {
  segmentation: Segmentation | null;
  representation: SegmentationRepresentation;
}

export interface SegmentationActions {
  /** Starts an empty labelmap on a volume's grid (nothing allocated until a label is written). */
  create(volumeId: string, dimensions: Vec3): void;
  /** Adopts a whole labelmap (e.g. one opened from a file), or an empty one (null); one segment per label present. */
  load(volumeId: string, dimensions: Vec3, labels: Uint8Array | null, names?: Record<number, string>): void;
  clear(): void;
  /** Adds a segment with the lowest free label; returns it. */
  addSegment(meta?: Partial<Omit<Segment, 'label'>>): Segment;
  updateSegment(label: number, patch: Partial<Omit<Segment, 'label'>>): void;
  /** Removes a segment and erases its voxels. */
  removeSegment(label: number): void;
  /** Replaces the segment list (the services own it while editing). */
  setSegments(segments: Segment[]): void;
  /**
   * Writes an edit delta's new content over its box (whatever the copy held
   * there); throws RangeError for a delta that does not fit the labelmap.
   * An empty delta (nothing changed) is refused too: callers skip it.
   */
  applyEdit(delta: EditDelta): void;
  setRepresentation(patch: Partial<SegmentationRepresentation>): void;
}

export type SegmentationStore = ReturnType<typeof createSegmentationStore>;

/** Distinct default colours (Slicer's generic anatomy colours, first entries). */
export const SEGMENT_COLOURS: Rgb[] = [
  [241, 214, 145],
  [216, 101, 79],
  [128, 174, 128],
  [111, 184, 210],
  [221, 130, 101],
  [144, 238, 144],
  [192, 104, 88],
  [220, 245, 20],
  [78, 63, 0],
  [255, 250, 220],
];

export function defaultSegment(label: number, meta: Partial<Omit<Segment, 'label'>> = {}): Segment {
  return {
    label,
    name: meta.name ?? `Segment ${label}`,
    colour: meta.colour ?? SEGMENT_COLOURS[(label - 1) % SEGMENT_COLOURS.length]!,
    visible: meta.visible ?? true,
    locked: meta.locked ?? false,
    ...(meta.opacity !== undefined ? { opacity: meta.opacity } : {}),
    ...(meta.snomedCode ? { snomedCode: meta.snomedCode } : {}),
  };
}

/** RGBA table (256 × 4) for drawing: hidden segments and label 0 transparent; alpha = opacity × the segment's own. */
export function colourTable(segments: Segment[], opacity: number): Uint8Array {
  const t = new Uint8Array(256 * 4);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  for (const s of segments) {
    if (!s.visible || s.label <= 0 || s.label > 255) continue;
    t.set([s.colour[0], s.colour[1], s.colour[2], Math.round(clamp(opacity) * clamp(s.opacity ?? 1) * 255)], s.label * 4);
  }
  return t;
}

export function createSegmentationStore() {
  return createStore<SegmentationState & SegmentationActions>()((set, get) => ({
    segmentation: null,
    representation: { opacity: 0.5, mode: 'fill', show3d: true },

    create(volumeId, dimensions) {
      set({ segmentation: { volumeId, dimensions, labels: null, segments: [], version: 0, lastChange: null } });
    },
    load(volumeId, dimensions, labels, names = {}) {
      if (labels && labels.length !== dimensions[0] * dimensions[1] * dimensions[2]) throw new RangeError('labelmap size does not match its dimensions');
      const present = new Uint8Array(256);
      if (labels) for (let n = 0; n < labels.length; n++) present[labels[n]!] = 1;
      const segments: Segment[] = [];
      for (let l = 1; l < 256; l++) if (present[l]) segments.push(defaultSegment(l, names[l] ? { name: names[l] } : {}));
      set({ segmentation: { volumeId, dimensions, labels, segments, version: (get().segmentation?.version ?? 0) + 1, lastChange: null } });
    },
    clear() {
      set({ segmentation: null });
    },
    addSegment(meta = {}) {
      const seg = get().segmentation;
      if (!seg) throw new RangeError('no segmentation');
      const used = new Set(seg.segments.map((s) => s.label));
      let label = 1;
      while (used.has(label)) label++;
      if (label > 255) throw new RangeError('at most 255 segments');
      const s = defaultSegment(label, meta);
      set({ segmentation: { ...seg, segments: [...seg.segments, s].sort((a, b) => a.label - b.label) } });
      return s;
    },
    updateSegment(label, patch) {
      const seg = get().segmentation;
      if (!seg) return;
      set({ segmentation: { ...seg, segments: seg.segments.map((s) => (s.label === label ? { ...s, ...patch } : s)) } });
    },
    removeSegment(label) {
      const seg = get().segmentation;
      if (!seg) return;
      let changed = false;
      const labels = seg.labels ?? new Uint8Array(0);
      for (let n = 0; n < labels.length; n++)
        if (labels[n] === label) {
          labels[n] = 0;
          changed = true;
        }
      set({
        segmentation: {
          ...seg,
          segments: seg.segments.filter((s) => s.label !== label),
          version: changed ? seg.version + 1 : seg.version,
          lastChange: changed ? null : seg.lastChange,
        },
      });
    },
    setSegments(segments) {
      const seg = get().segmentation;
      if (!seg) return;
      set({ segmentation: { ...seg, segments: [...segments].sort((a, b) => a.label - b.label) } });
    },
    applyEdit(delta) {
      const seg = get().segmentation;
      if (!seg) throw new RangeError('no segmentation');
      const runs = editSide(delta, 'after');
      const problem = delta.dimensions.some((v, a) => v !== seg.dimensions[a]) ? 'delta grid is not the labelmap grid' : validateBoxRuns(delta.box, runs, seg.dimensions, 255);
      if (problem) throw new RangeError(`bad labelmap delta: ${problem}`);
      if (!seg.labels && writesOnlyZeros(runs)) {
        // Zeros into an empty labelmap change nothing, and nothing is allocated.
        set({ segmentation: { ...seg, version: seg.version + 1, lastChange: delta.box } });
        return;
      }
      const labels = seg.labels ?? new Uint8Array(seg.dimensions[0] * seg.dimensions[1] * seg.dimensions[2]);
      writeBoxRuns(labels, seg.dimensions, delta.box, runs);
      set({ segmentation: { ...seg, labels, version: seg.version + 1, lastChange: delta.box } });
    },
    setRepresentation(patch) {
      const r = { ...get().representation, ...patch };
      r.opacity = Math.min(1, Math.max(0, r.opacity));
      set({ representation: r });
    },
  }));
}
