/**
 * One click → 3D mask, for the CLI, the benchmark and (later) the IPC layer.
 *
 * `segment()` resolves the model (a verified pack, or the classical fallback),
 * loads its sessions into the inference worker once, maps the prompts from
 * LPS millimetres (or voxel indices) to the grid, runs RadSAM propagation and
 * returns a labelmap delta with timings and the execution provider.
 *
 * Calls that share a `key` (e.g. one segment being edited) supersede each
 * other: a newer prompt aborts the stale one, which rejects with CANCELLED
 * (main/services/jobs/jobRunner.ts).
 */
import { lpsToIjk } from '../../../common/geometry/affine';
import { VoxaError } from '../../../common/contract';
import { isSamLayout, prompt2dConfig, prompt3dConfig, samConfig } from '../../../common/models/manifest';
import { deltaOverlap, type LabelmapDelta } from '../../../common/labelmap/labelmapDelta';
import type { StopReason } from '../../../common/segmentation/propagation';
import type { PlaneName, SliceMask } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import { classicalSegment } from './classical';
import { runPrompt2d, type Prompt2dProgress, type Prompt2dResult, type SliceStep } from './prompt2d';
import { runPrompt3d, type Prompt3dRun } from './prompt3d';
import { CLASSICAL_MODEL_ID, ModelRegistry } from './registry';
import { EmbeddingCache, SamEngine } from './sam/samEngine';
import { runSam2d } from './sam/samPropagate';
import { sharedInferenceClient, type InferenceClient } from './worker/inferenceClient';
import { SUPERSEDED, throwIfCancelled } from '../jobs/cancelled';
import { JobRunner } from '../jobs/jobRunner';

/** A point in patient LPS millimetres or in (continuous) voxel indices. */
export type PromptPoint = { lps: Vec3; positive: boolean } | { ijk: Vec3; positive: boolean };

export interface SegmentRequest {
  modelId: string;
  plane?: PlaneName;
  points: PromptPoint[];
  box?: { a: { lps: Vec3 } | { ijk: Vec3 }; b: { lps: Vec3 } | { ijk: Vec3 } };
  /** Mask prompt on one slice of the plane (segment.prompt2d packs; see Prompt2dInput.mask). */
  mask?: { slice: number; mask: SliceMask };
  label?: number;
  /** At most this many slices (1: the prompted slice alone, no propagation; local corrections step slice by slice). */
  maxSlices?: number;
  /** The segment being corrected (1 inside, the volume's grid): the prior of segment.prompt3d packs. */
  prior?: Uint8Array;
}

export interface SegmentResult {
  modelId: string;
  delta: LabelmapDelta;
  voxelCount: number;
  volumeMl: number;
  /** Slices (along the plane's normal) the mask spans. */
  slicesSpanned: number;
  provider: string;
  /** The session existed before this call (warm). */
  warm: boolean;
  timings: { loadMs: number; preprocessMs: number; modelMs: number; postprocessMs: number; totalMs: number };
  /** Mean model time per slice step (0 for the classical fallback). */
  perSliceModelMs: number;
  steps: SliceStep[];
  stops: { minus: StopReason | null; plus: StopReason | null };
  /** segment.prompt3d packs: one entry per crop the model ran on (the field-of-view ladder). */
  crops?: Prompt3dRun[];
  /**
   * segment.prompt3d packs with `classicalFusion` on a first click: the 3D Dice between the model's mask and the
   * classical region for the same click, and which of the two is the result.
   */
  fusion?: { agreement: number; used: 'model' | 'classical' };
}

export interface SegmentOptions {
  signal?: AbortSignal;
  onProgress?: (p: Prompt2dProgress) => void;
  /** Calls with the same key supersede each other. */
  key?: string;
}

const toIjk = (volume: Volume, p: { lps: Vec3 } | { ijk: Vec3 }): Vec3 => ('ijk' in p ? p.ijk : lpsToIjk(volume.geometry, p.lps));

export class SegmentationService {
  readonly registry: ModelRegistry;
  private readonly client: InferenceClient;
  /** Calls with the same key supersede each other. */
  private readonly jobs = new JobRunner();
  /** Image embeddings of SAM-family packs, per (volume, plane, slice, pack). */
  readonly embeddings: EmbeddingCache;

  constructor(opts: { registry?: ModelRegistry; client?: InferenceClient; embeddingCacheBytes?: number } = {}) {
    this.registry = opts.registry ?? new ModelRegistry();
    this.client = opts.client ?? sharedInferenceClient();
    this.embeddings = new EmbeddingCache(opts.embeddingCacheBytes);
  }

  /**
   * The slice engine of a SAM-layout pack (encoder and decoder loaded as two
   * sessions in the worker), for propagation and for equality tests.
   */
  async samEngine(modelId: string): Promise<{ engine: SamEngine; provider: string; warm: boolean }> {
    const pack = await this.registry.resolve(modelId);
    if (pack.manifest.task !== 'segment.prompt2d' || !isSamLayout(pack.manifest)) throw new VoxaError('UNSUPPORTED', `model ${modelId} is not a SAM-layout segment.prompt2d pack`);
    const enc = pack.onnxFiles.find((f) => f.role === 'encoder');
    const dec = pack.onnxFiles.find((f) => f.role === 'decoder');
    if (!enc || !dec) throw new VoxaError('CORRUPT_INPUT', `model ${modelId} lacks its encoder or decoder file`);
    const encKey = `${pack.dir}#encoder`;
    const decKey = `${pack.dir}#decoder`;
    const a = await this.client.load(encKey, [enc.path]);
    const b = await this.client.load(decKey, [dec.path]);
    const engine = new SamEngine(
      `${pack.manifest.id}@${pack.manifest.version}`,
      samConfig(pack.manifest),
      (feeds, s) => this.client.run(encKey, feeds, s),
      (feeds, s) => this.client.run(decKey, feeds, s),
      this.embeddings,
    );
    return { engine, provider: a.provider === b.provider ? a.provider : `${a.provider} + ${b.provider}`, warm: a.cached && b.cached };
  }

  async segment(volume: Volume, req: SegmentRequest, opts: SegmentOptions = {}): Promise<SegmentResult> {
    return this.jobs.start(opts.key ?? 'default', (signal) => this.run(volume, req, signal, opts.onProgress), { signal: opts.signal, cancelled: SUPERSEDED });
  }

  /** The plane's normal grid axis: the axis whose direction is most along the plane normal. */
  private normalAxis(volume: Volume, plane: PlaneName): 0 | 1 | 2 {
    const normal = plane === 'axial' ? 2 : plane === 'coronal' ? 1 : 0;
    const d = volume.geometry.direction;
    let axis: 0 | 1 | 2 = 0;
    for (const a of [1, 2] as const) if (Math.abs(d[a * 3 + normal]!) > Math.abs(d[axis * 3 + normal]!)) axis = a;
    return axis;
  }

  private async run(volume: Volume, req: SegmentRequest, signal: AbortSignal, onProgress?: (p: Prompt2dProgress) => void): Promise<SegmentResult> {
    const t0 = performance.now();
    const plane = req.plane ?? 'axial';
    if (req.points.length === 0 && !req.box && !req.mask) throw new VoxaError('BAD_REQUEST', 'give at least one point, a box or a mask');
    const points = req.points.map((p) => ({ ijk: toIjk(volume, p), positive: p.positive }));
    const box = req.box ? { a: toIjk(volume, req.box.a), b: toIjk(volume, req.box.b) } : undefined;
    for (const p of [...points.map((q) => q.ijk), ...(box ? [box.a, box.b] : [])]) {
      if (p.some((v, a) => !Number.isFinite(v) || v < -0.5 || v > volume.geometry.dimensions[a]! - 0.5)) {
        throw new VoxaError('BAD_REQUEST', `prompt (${p.map((v) => v.toFixed(1)).join(', ')}) in voxel indices lies outside the image`);
      }
    }
    const sp = volume.geometry.spacingMm;
    const voxelMl = (sp[0] * sp[1] * sp[2]) / 1000;
    const finish = (base: Omit<SegmentResult, 'voxelCount' | 'volumeMl' | 'slicesSpanned' | 'timings'> & { timings: Omit<SegmentResult['timings'], 'totalMs'> }): SegmentResult => {
      const axis = this.normalAxis(volume, plane);
      const delta = base.delta;
      return {
        ...base,
        voxelCount: delta.voxelCount,
        volumeMl: delta.voxelCount * voxelMl,
        slicesSpanned: delta.voxelCount ? delta.box.max[axis]! - delta.box.min[axis]! + 1 : 0,
        timings: { ...base.timings, totalMs: performance.now() - t0 },
      };
    };

    if (req.modelId === CLASSICAL_MODEL_ID) {
      if (req.mask) throw new VoxaError('UNSUPPORTED', 'the classical tool takes points and boxes, not a mask prompt');
      const t = performance.now();
      const r = classicalSegment(volume, { points, box }, { label: req.label });
      throwIfCancelled(signal, SUPERSEDED);
      return finish({
        modelId: req.modelId,
        delta: r.delta,
        provider: 'none (classical)',
        warm: true,
        timings: { loadMs: 0, preprocessMs: 0, modelMs: 0, postprocessMs: performance.now() - t },
        perSliceModelMs: 0,
        steps: [],
        stops: { minus: null, plus: null },
      });
    }

    const pack = await this.registry.resolve(req.modelId);
    if (pack.manifest.task === 'segment.prompt3d') {
      if (req.mask) throw new VoxaError('UNSUPPORTED', `model ${req.modelId} is a 3D model: it corrects a segment from its whole mask (prior), not a slice mask`);
      const loaded = await this.client.load(pack.dir, pack.onnxFiles.map((f) => f.path));
      const loadMs = performance.now() - t0;
      const config = prompt3dConfig(pack.manifest);
      // A first click (one positive point, nothing else) may be fused with the classical region grown from it.
      const firstClick = !box && !req.prior && points.length === 1 && points[0]!.positive;
      const wantsClassical = firstClick && (!!config.post.classicalFusion || config.pre.leakCheck?.confirmDice !== undefined);
      // The classical region is grown on this thread in the next turn of the event loop, while the model's first
      // pass (posted to the inference worker before runPrompt3d first waits) runs there.
      let classicalMs = 0;
      const growing = wantsClassical
        ? new Promise<LabelmapDelta>((resolve, reject) =>
            setImmediate(() => {
              const tc = performance.now();
              try {
                resolve(classicalSegment(volume, { points }, { label: req.label }).delta);
              } catch (e) {
                reject(e);
              } finally {
                classicalMs = performance.now() - tc;
              }
            }),
          )
        : null;
      growing?.catch(() => undefined); // awaited below; a failure is reported there, not as an unhandled rejection
      const r = await runPrompt3d(
        volume,
        config,
        { points, ...(box ? { box, boxAxis: this.normalAxis(volume, plane) } : {}), ...(req.prior ? { prior: req.prior } : {}), ...(growing ? { classical: growing } : {}) },
        (feeds, sig) => this.client.run(pack.dir, feeds, sig),
        { signal, ...(req.label ? { label: req.label } : {}) },
      );
      const classical = growing ? await growing : null;
      let delta = r.delta;
      let fusion: SegmentResult['fusion'];
      if (classical && config.post.classicalFusion) {
        const n = r.delta.voxelCount + classical.voxelCount;
        const agreement = n ? (2 * deltaOverlap(r.delta, classical)) / n : 0;
        const used = agreement >= config.post.classicalFusion.agreeFrom ? 'classical' : 'model';
        if (used === 'classical') delta = classical;
        fusion = { agreement, used };
      }
      return finish({
        modelId: req.modelId,
        delta,
        ...(fusion ? { fusion } : {}),
        provider: loaded.provider,
        warm: loaded.cached,
        timings: { loadMs, ...r.timings, preprocessMs: r.timings.preprocessMs + classicalMs },
        perSliceModelMs: 0,
        steps: [],
        stops: { minus: null, plus: null },
        crops: r.runs,
      });
    }
    if (pack.manifest.task !== 'segment.prompt2d') throw new VoxaError('UNSUPPORTED', `model ${req.modelId} is a ${pack.manifest.task} model; segment needs segment.prompt2d or segment.prompt3d`);
    const input = { plane, points, box, ...(req.mask ? { mask: req.mask } : {}) };
    const runOpts = { signal, onProgress, label: req.label, ...(req.maxSlices ? { maxSlices: req.maxSlices } : {}) };
    // The same propagation over either layout: a SAM encoder + decoder pack on whole slices, or a crop-layout pack.
    let session: { provider: string; warm: boolean };
    let r: Prompt2dResult;
    let loadMs: number;
    if (isSamLayout(pack.manifest)) {
      const { engine, ...loaded } = await this.samEngine(req.modelId);
      session = loaded;
      loadMs = performance.now() - t0;
      r = await runSam2d(volume, engine.config, input, engine, runOpts);
    } else {
      const loaded = await this.client.load(pack.dir, pack.onnxFiles.map((f) => f.path));
      session = { provider: loaded.provider, warm: loaded.cached };
      loadMs = performance.now() - t0;
      r = await runPrompt2d(volume, prompt2dConfig(pack.manifest), input, (feeds, sig) => this.client.run(pack.dir, feeds, sig), runOpts);
    }
    return finish({
      modelId: req.modelId,
      delta: r.delta,
      ...session,
      timings: { loadMs, ...r.timings },
      perSliceModelMs: r.steps.length ? r.timings.modelMs / r.steps.length : 0,
      steps: r.steps,
      stops: r.stops,
    });
  }
}
