/**
 * The segmentation of one open volume, held in main: the labelmap on the
 * image grid is authoritative here, the renderer keeps a copy updated by the
 * deltas each call returns. Every change goes through the edit journal
 * (`EditJournal.record`), so the live state and a restored one are the same
 * events replayed (common/editing/editSession.ts).
 *
 * Prompts are kept per segment (the "prompt book", the session's
 * `PromptState`): refining a segment re-runs the model with its earlier
 * prompts plus the new ones and the segment becomes the result; undoing a
 * click takes the click back out of the book.
 *
 * Beside it: the prompt book's schema (promptBook.ts), correction clicks
 * (promptCorrections.ts), a segment as a slice-mask prompt
 * (sliceMaskPrompt.ts) and the editing tools' deltas (editOps.ts).
 */
import { VoxaError } from '../../../common/contract';
import type { EditOp, SegmentChange, SegmentStats } from '../../../common/contract/channels/segment';
import { labelBox, readBox } from '../../../common/labelmap/voxelBox';
import { buildEditDelta, emptyEditDelta, invertEdit, labelCountChanges, lockTable, type EditDelta } from '../../../common/labelmap/editDelta';
import { encodeEditDelta } from '../../../common/labelmap/editDeltaCodec';
import type { EditTarget } from '../../../common/editing/editTarget';
import { historyView, redoStep, STEP_NAMES, undoStep, type HistoryStep, type SegmentMeta } from '../../../common/editing/history';
import { editFromMask } from '../../../common/editing/maskEdit';
import { lpsToIjk } from '../../../common/geometry/affine';
import { applyNegativeClicks } from '../../../common/segmentation/negativeClicks';
import { deltaFromMask } from '../../../common/labelmap/labelmapDelta';
import { unionDeltas } from '../../../common/segmentation/unionDeltas';
import type { PlaneName, SliceMask } from '../../../common/segmentation/slicePlane';
import type { Vec3, Volume } from '../../../common/volume';
import { CLASSICAL_MODEL_ID } from '../inference/registry';
import type { SegmentationService } from '../inference/segmentService';
import type { Prompt2dProgress } from '../inference/prompt2d';
import { editOpDelta, masksDelta } from './editOps';
import { parsePromptBook, type PromptBook, type PromptRecord } from './promptBook';
import { correctIn3d, correctSliceBySlice, segmentMask, type Correction } from './promptCorrections';
import { maskSeed, segmentSliceMask } from './sliceMaskPrompt';
import type { EditJournal } from '../journal/editJournal';
import { DEFAULT_COLOURS } from '../masks/segmentCodes';

export type PointInput = { lps: Vec3; positive: boolean } | { ijk: Vec3; positive: boolean };
export type CornerInput = { lps: Vec3 } | { ijk: Vec3 };

export interface PromptInput {
  target: { kind: 'new'; name?: string } | { kind: 'refine'; label: number };
  modelId: string;
  plane: PlaneName;
  points: PointInput[];
  box?: { a: CornerInput; b: CornerInput };
  /** Refine from the segment's current mask on one slice (a rough stroke): see `segment:prompt`. */
  useMask?: boolean;
}

export interface PromptOutcome extends SegmentChange {
  label: number;
  provider: string;
  totalMs: number;
}

const MAX_SEGMENTS = 255;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

export class SegmentSession {
  private readonly counts = new Map<number, number>();
  private readonly spans = new Map<number, [number, number] | null>();
  private readonly voxelMl: number;

  constructor(
    readonly volumeId: string,
    readonly volume: Volume,
    readonly journal: EditJournal,
    private readonly segmenter: () => SegmentationService,
    /** Corrections of a model's segment act locally (localCorrection.ts); false re-runs the whole prompt list (the older behaviour, kept for A/B benchmarks). */
    private readonly localCorrections = true,
  ) {
    const sp = volume.geometry.spacingMm;
    this.voxelMl = (sp[0] * sp[1] * sp[2]) / 1000;
    const labels = journal.state.labels;
    for (let n = 0; n < labels.length; n++) {
      const l = labels[n] as number;
      if (l !== 0) this.counts.set(l, (this.counts.get(l) ?? 0) + 1);
    }
  }

  get state() {
    return this.journal.state;
  }

  get dims(): Vec3 {
    return this.state.dims;
  }

  segments(): SegmentMeta[] {
    return this.state.segments;
  }

  /** The prompt book; anything else in the journal (an older format) reads as empty. */
  prompts(): PromptBook {
    return parsePromptBook(this.state.prompts);
  }

  history() {
    return historyView(this.state.history);
  }

  stats(): SegmentStats[] {
    return this.segments().map((s) => {
      const voxels = this.counts.get(s.label) ?? 0;
      let span = this.spans.get(s.label);
      if (span === undefined) {
        const b = labelBox(this.state.labels, this.dims, s.label);
        span = b.max[2] < b.min[2] ? null : [b.min[2], b.max[2]];
        this.spans.set(s.label, span);
      }
      return { label: s.label, voxels, volumeMl: voxels * this.voxelMl, sliceSpan: voxels > 0 ? span : null };
    });
  }

  /** Voxels per label now in the labelmap (independent count, for tests and stats checks). */
  voxelCount(label: number): number {
    return this.counts.get(label) ?? 0;
  }

  private target(): EditTarget {
    return { labels: this.state.labels, geometry: this.volume.geometry, locked: this.segments().filter((s) => s.locked).map((s) => s.label) };
  }

  private noteDelta(d: EditDelta): void {
    for (const [label, n] of labelCountChanges(d)) {
      if (label === 0) continue;
      this.counts.set(label, (this.counts.get(label) ?? 0) + n);
      this.spans.delete(label);
    }
  }

  private change(d: EditDelta): SegmentChange {
    this.noteDelta(d);
    return { volumeId: this.volumeId, delta: toArrayBuffer(encodeEditDelta(d)), changed: d.changed, segments: this.segments(), history: this.history(), stats: this.stats() };
  }

  private segment(label: number): SegmentMeta {
    const s = this.segments().find((x) => x.label === label);
    if (!s) throw new VoxaError('NOT_FOUND', `segment ${label} does not exist`);
    return s;
  }

  private freeLabel(): number {
    const used = new Set(this.segments().map((s) => s.label));
    for (let l = 1; l <= MAX_SEGMENTS; l++) if (!used.has(l)) return l;
    throw new VoxaError('TOO_LARGE', `at most ${MAX_SEGMENTS} segments`);
  }

  private newMeta(label: number, name?: string, colour?: [number, number, number]): SegmentMeta {
    return { label, name: name ?? `Segment ${label}`, colour: colour ?? ([...(DEFAULT_COLOURS[(label - 1) % DEFAULT_COLOURS.length] as [number, number, number])] as [number, number, number]), visible: true, locked: false, opacity: 1 };
  }

  /** Records a history step; a step that changes nothing at all is not recorded. */
  private step(step: Omit<HistoryStep, 'at'>): SegmentChange {
    if (step.delta.changed === 0 && !step.segments && !step.prompts) return this.change(step.delta);
    this.journal.record({ kind: 'step', step: { ...step, at: Date.now() } });
    return this.change(step.delta);
  }

  private toIjk(p: { lps: Vec3 } | { ijk: Vec3 }): Vec3 {
    const ijk = 'ijk' in p ? p.ijk : lpsToIjk(this.volume.geometry, p.lps);
    const d = this.dims;
    if (ijk.some((v, a) => !Number.isFinite(v) || v < -0.5 || v > (d[a] as number) - 0.5)) throw new VoxaError('BAD_REQUEST', 'the prompt lies outside the image');
    return ijk;
  }

  // ---- prompts ----

  async prompt(input: PromptInput, opts: { signal?: AbortSignal; onProgress?: (p: Prompt2dProgress) => void } = {}): Promise<PromptOutcome> {
    const book = this.prompts();
    const isNew = input.target.kind === 'new';
    let label: number;
    let earlier: PromptRecord | undefined;
    if (input.target.kind === 'new') label = this.freeLabel();
    else {
      label = input.target.label;
      const s = this.segment(label);
      if (s.locked) throw new VoxaError('BAD_REQUEST', `segment "${s.name}" is locked; unlock it to refine it`);
      earlier = book[String(label)];
    }
    const added = input.points.map((p) => ({ ijk: this.toIjk(p), positive: p.positive }));
    const box = input.box ? { a: this.toIjk(input.box.a), b: this.toIjk(input.box.b) } : earlier?.box;
    let points = [...(earlier?.points ?? []), ...added];
    let maskPrompt: { slice: number; mask: SliceMask } | undefined;
    if (input.useMask) {
      if (isNew) throw new VoxaError('BAD_REQUEST', 'a mask prompt refines a segment: select the segment that holds the stroke');
      maskPrompt = segmentSliceMask(this.state.labels, this.dims, this.volume.geometry, label, input.plane, added[0]?.ijk);
      // The mask replaces the earlier prompts: it is the user's statement of the lesion now.
      points = added;
      if (input.modelId === CLASSICAL_MODEL_ID && !points.some((p) => p.positive)) {
        points = [{ ijk: maskSeed(this.volume.geometry, maskPrompt, input.plane), positive: true }, ...points];
        maskPrompt = undefined;
      }
    } else if (!points.some((p) => p.positive) && !box) throw new VoxaError('BAD_REQUEST', 'a prompt needs a positive point or a box');
    // A click that corrects a segment acts where it is placed (localCorrection.ts for 2D packs; correction3d.ts for 3D packs and classical).
    const addedClick = added[0];
    if (!isNew && addedClick && added.length === 1 && !input.useMask && !input.box && this.hasVoxels(label)) {
      const correct = (how: 'slices' | '3d') => this.correct(how, label, input, addedClick, earlier, book, opts);
      if (this.localCorrections && input.modelId === CLASSICAL_MODEL_ID) return correct('3d');
      if (input.modelId !== CLASSICAL_MODEL_ID && (await this.segmenter().registry.resolve(input.modelId)).manifest.task === 'segment.prompt3d') return correct('3d');
      if (this.localCorrections && input.modelId !== CLASSICAL_MODEL_ID) return correct('slices');
    }
    const run = (pts: PromptRecord['points']) =>
      this.segmenter().segment(
        this.volume,
        {
          modelId: input.modelId,
          plane: input.plane,
          points: pts.map((p) => ({ ijk: p.ijk, positive: p.positive })),
          ...(box && !maskPrompt ? { box: { a: { ijk: box.a }, b: { ijk: box.b } } } : {}),
          ...(maskPrompt ? { mask: maskPrompt } : {}),
          label,
        },
        { key: this.volumeId, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) },
      );
    const positivePoints = points.filter((p) => p.positive);
    const negativePoints = points.filter((p) => !p.positive);
    let result: Awaited<ReturnType<typeof run>>;
    let raw;
    let totalMs = 0;
    if (input.modelId === CLASSICAL_MODEL_ID && positivePoints.length > 1) {
      // Region growing grows from one seed: one region per positive click, united.
      const parts: Awaited<ReturnType<typeof run>>[] = [];
      for (const p of positivePoints) parts.push(await run([p, ...negativePoints]));
      result = parts[parts.length - 1] as Awaited<ReturnType<typeof run>>;
      raw = unionDeltas(parts.map((r) => r.delta), this.dims, label);
      totalMs = parts.reduce((t, r) => t + r.timings.totalMs, 0);
    } else {
      result = await run(points);
      raw = result.delta;
      totalMs = result.timings.totalMs;
    }
    // The labelmap may have changed while the model ran: everything below reads it now.
    const positives = positivePoints.map((p) => p.ijk);
    if (maskPrompt && positives.length === 0) positives.push(maskSeed(this.volume.geometry, maskPrompt, input.plane));
    if (positives.length === 0 && box) positives.push([0, 1, 2].map((a) => ((box.a[a] as number) + (box.b[a] as number)) / 2) as Vec3);
    const mask = applyNegativeClicks(raw, this.volume.geometry, positives, negativePoints.map((p) => p.ijk));
    const before = this.segments();
    if (!isNew && !before.some((s) => s.label === label)) throw new VoxaError('NOT_FOUND', `segment ${label} was deleted while the model ran`);
    const after = isNew ? [...before, this.newMeta(label, input.target.kind === 'new' ? input.target.name : undefined)] : before;
    const delta = editFromMask(this.target(), mask, { label, mode: isNew ? 'add' : 'replace' });
    if (isNew && delta.changed === 0) {
      // Nothing to add: say why instead of making an empty segment.
      const at = positives[0];
      const under = at ? this.state.labels[Math.round(at[0]) + this.dims[0] * (Math.round(at[1]) + this.dims[1] * Math.round(at[2]))] : 0;
      const owner = under ? before.find((x) => x.label === under) : undefined;
      throw new VoxaError(
        'BAD_REQUEST',
        owner
          ? `the click lies inside "${owner.name}": select it and choose "Refine selected" to change it, or click outside it for a new lesion`
          : mask.voxelCount > 0
            ? 'everything the model found here already belongs to other segments (new lesions do not overwrite them)'
            : 'the model found no lesion at this click; try the centre of the lesion, a box, or another model',
      );
    }
    const record: PromptRecord = { modelId: input.modelId, plane: input.plane, points, ...(box && !input.useMask ? { box } : {}) };
    const name = input.useMask ? STEP_NAMES.maskPrompt : input.box ? STEP_NAMES.box : added.some((p) => !p.positive) ? STEP_NAMES.clickNegative : STEP_NAMES.clickPositive;
    const change = this.step({ name, delta, ...(isNew ? { segments: { before, after } } : {}), prompts: { before: book, after: { ...book, [String(label)]: record } } });
    return { ...change, label, provider: result.provider, totalMs };
  }

  private hasVoxels(label: number): boolean {
    return this.state.labels.includes(label);
  }

  /** A correction click on a segment with voxels (promptCorrections.ts), as one history step. */
  private async correct(
    how: 'slices' | '3d',
    label: number,
    input: PromptInput,
    click: { ijk: Vec3; positive: boolean },
    earlier: PromptRecord | undefined,
    book: PromptBook,
    opts: { signal?: AbortSignal; onProgress?: (p: Prompt2dProgress) => void },
  ): Promise<PromptOutcome> {
    const t0 = performance.now();
    const c: Correction = {
      volume: this.volume,
      dims: this.dims,
      key: this.volumeId,
      segmenter: this.segmenter(),
      current: segmentMask(this.state.labels, label),
      label,
      modelId: input.modelId,
      plane: input.plane,
      click,
      earlier,
      signal: opts.signal,
      // The 3D path reports no slice steps.
      onProgress: how === 'slices' ? opts.onProgress : undefined,
    };
    const { mask, provider } = how === 'slices' ? await correctSliceBySlice(c) : await correctIn3d(c, this.localCorrections);
    if (!this.segments().some((s) => s.label === label)) throw new VoxaError('NOT_FOUND', `segment ${label} was deleted while the model ran`);
    const delta = editFromMask(this.target(), deltaFromMask(mask, this.dims, label), { label, mode: 'replace' });
    const record: PromptRecord = { modelId: input.modelId, plane: input.plane, points: [...(earlier?.points ?? []), click], ...(earlier?.box ? { box: earlier.box } : {}) };
    const change = this.step({ name: click.positive ? STEP_NAMES.clickPositive : STEP_NAMES.clickNegative, delta, prompts: { before: book, after: { ...book, [String(label)]: record } } });
    return { ...change, label, provider, totalMs: performance.now() - t0 };
  }

  // ---- editing tools ----

  edit(op: EditOp): SegmentChange {
    if (op.tool !== 'brush' || op.mode === 'paint') this.segment(op.label);
    else if (op.label !== 0) this.segment(op.label);
    return this.step(editOpDelta(this.target(), this.volume.voxels, this.dims, op));
  }

  // ---- history ----

  undo(): SegmentChange {
    const u = undoStep(this.state.history);
    if (!u) return this.change(emptyEditDelta(this.dims));
    this.journal.record({ kind: 'undo' });
    return this.change(invertEdit(u.entry.delta));
  }

  redo(): SegmentChange {
    const r = redoStep(this.state.history);
    if (!r) return this.change(emptyEditDelta(this.dims));
    this.journal.record({ kind: 'redo' });
    return this.change(r.entry.delta);
  }

  // ---- segments ----

  create(name?: string, colour?: [number, number, number]): SegmentChange & { label: number } {
    const label = this.freeLabel();
    const before = this.segments();
    const change = this.step({ name: STEP_NAMES.newSegment, delta: emptyEditDelta(this.dims), segments: { before, after: [...before, this.newMeta(label, name, colour)] } });
    return { ...change, label };
  }

  update(label: number, patch: Partial<Omit<SegmentMeta, 'label'>>): SegmentChange {
    this.segment(label);
    const segments = this.segments().map((s) => (s.label === label ? { ...s, ...patch, label } : s));
    this.journal.record({ kind: 'segments', segments });
    return this.change(emptyEditDelta(this.dims));
  }

  delete(label: number): SegmentChange {
    const s = this.segment(label);
    if (s.locked) throw new VoxaError('BAD_REQUEST', `segment "${s.name}" is locked; unlock it to delete it`);
    const box = labelBox(this.state.labels, this.dims, label);
    let delta = emptyEditDelta(this.dims);
    if (box.max[0] >= 0) {
      const proposed = readBox(this.state.labels, this.dims, box);
      for (let q = 0; q < proposed.length; q++) if (proposed[q] === label) proposed[q] = 0;
      delta = buildEditDelta(this.state.labels, this.dims, box, proposed, lockTable());
    }
    const before = this.segments();
    const book = this.prompts();
    const { [String(label)]: _dropped, ...rest } = book;
    return this.step({ name: STEP_NAMES.deleteSegment, delta, segments: { before, after: before.filter((x) => x.label !== label) }, prompts: { before: book, after: rest } });
  }

  /**
   * Adds segments from masks on this grid (one 0/1 mask per segment): each
   * keeps its number when that label is free, else takes the lowest free
   * one; masks only paint background and never touch locked segments.
   */
  addMasks(masks: { number: number; name: string; colour?: [number, number, number]; mask: Uint8Array }[]): SegmentChange & { added: number[] } {
    const dims = this.dims;
    const n = dims[0] * dims[1] * dims[2];
    const before = this.segments();
    const used = new Set(before.map((s) => s.label));
    const metas: SegmentMeta[] = [];
    const labelOf: number[] = [];
    for (const m of masks) {
      if (m.mask.length !== n) throw new VoxaError('BAD_REQUEST', 'an imported mask is not on the image grid');
      let label = Number.isInteger(m.number) && m.number >= 1 && m.number <= MAX_SEGMENTS && !used.has(m.number) ? m.number : 0;
      for (let l = 1; label === 0 && l <= MAX_SEGMENTS; l++) if (!used.has(l)) label = l;
      if (label === 0) throw new VoxaError('TOO_LARGE', `at most ${MAX_SEGMENTS} segments`);
      used.add(label);
      labelOf.push(label);
      metas.push(this.newMeta(label, m.name || undefined, m.colour));
    }
    const delta = masksDelta(this.state.labels, dims, masks.map((m) => m.mask), labelOf, before.filter((x) => x.locked).map((x) => x.label));
    const change = this.step({ name: STEP_NAMES.importMask, delta, segments: { before, after: [...before, ...metas].sort((a, b) => a.label - b.label) } });
    return { ...change, added: labelOf };
  }
}
