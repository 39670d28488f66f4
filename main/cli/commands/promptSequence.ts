/**
 * `voxa segment --prompts FILE`: a whole prompt sequence (clicks with their
 * slice, negatives, a box) replayed through the same segmentation session
 * the UI uses, so the CLI and the UI give the same mask for the same
 * sequence. The first step makes the segment; every later step refines it
 * (a single click is a local correction, as in the UI).
 *
 * File format (JSON):
 *   { "model": "lesion3d", "plane": "axial",
 *     "steps": [ { "voxel": [i, j, k] }, { "voxel": [i, j, k], "negative": true },
 *                { "point": [x, y, z] }, { "boxVoxel": [[i1, j1, k], [i2, j2, k]] }, { "box": [[x, y, z], [x, y, z]] } ] }
 * `voxel`/`boxVoxel` are voxel indices, `point`/`box` LPS millimetres.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { issueLines } from '../../../common/contract/errors';
import type { Vec3, Volume } from '../../../common/volume';
import type { SegmentationService } from '../../services/inference/segmentService';
import type { CornerInput, PointInput, PromptInput } from '../../services/segmentation/segmentSession';
import { SegmentSessions } from '../../services/segmentation/segmentSessions';
import { VolumeStore } from '../../services/volumeStore';
import { UsageError } from '../command';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const stepSchema = z
  .object({
    voxel: vec3.optional(),
    point: vec3.optional(),
    negative: z.boolean().optional(),
    boxVoxel: z.tuple([vec3, vec3]).optional(),
    box: z.tuple([vec3, vec3]).optional(),
  })
  .strict()
  .refine((s) => [s.voxel, s.point, s.boxVoxel, s.box].filter(Boolean).length === 1, { message: 'each step is exactly one of voxel, point, boxVoxel or box' })
  .refine((s) => !s.negative || s.voxel || s.point, { message: '"negative" goes with a click (voxel or point), not a box' });
export const promptSequenceSchema = z
  .object({
    model: z.string().optional(),
    plane: z.enum(['axial', 'coronal', 'sagittal']).default('axial'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type PromptSequence = z.infer<typeof promptSequenceSchema>;

export async function readPromptSequence(file: string): Promise<PromptSequence> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--prompts ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = promptSequenceSchema.safeParse(json);
  if (!r.success) throw new UsageError(`--prompts ${file}:\n  ${issueLines(r.error, '(root)').join('\n  ')}`);
  return r.data;
}

/** The session prompt of one step: the first makes the segment, the rest refine `label`. */
export function stepPrompt(step: PromptSequence['steps'][number], modelId: string, plane: PromptInput['plane'], label: number | null): PromptInput {
  const target: PromptInput['target'] = label === null ? { kind: 'new' } : { kind: 'refine', label };
  const corner = (v: Vec3, voxel: boolean): CornerInput => (voxel ? { ijk: v } : { lps: v });
  if (step.boxVoxel || step.box) {
    const [a, b] = (step.boxVoxel ?? step.box) as [Vec3, Vec3];
    return { target, modelId, plane, points: [], box: { a: corner(a, !!step.boxVoxel), b: corner(b, !!step.boxVoxel) } };
  }
  const p: PointInput = step.voxel ? { ijk: step.voxel as Vec3, positive: !step.negative } : { lps: step.point as Vec3, positive: !step.negative };
  return { target, modelId, plane, points: [p] };
}

/** Replays the sequence in an in-memory session; the segment's mask (1 inside) and each step's voxel count. */
export async function runPromptSequence(volume: Volume, seq: PromptSequence, modelId: string, service: SegmentationService): Promise<{ mask: Uint8Array; steps: { voxels: number; ms: number }[]; provider: string }> {
  const volumes = new VolumeStore();
  const volumeId = volumes.add(volume, null).volumeId;
  const sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: service });
  try {
    const s = sessions.open(volumeId);
    let label: number | null = null;
    let provider = '';
    const steps: { voxels: number; ms: number }[] = [];
    for (const step of seq.steps) {
      const r = await s.prompt(stepPrompt(step, modelId, seq.plane, label));
      label = r.label;
      provider = r.provider;
      steps.push({ voxels: s.voxelCount(label), ms: r.totalMs });
    }
    const mask = Uint8Array.from(s.state.labels, (v) => (v === label ? 1 : 0));
    return { mask, steps, provider };
  } finally {
    sessions.closeAll();
  }
}
