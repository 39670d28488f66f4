/**
 * The renderer side of segmentation editing: calls the segment channels and
 * applies what they return. The labelmap is authoritative in main; the
 * renderer's copy (segmentationStore) changes only by the delta each
 * response carries (the edit delta, written by common's run-length code), and is reloaded whole
 * (`segment:state`) only when a volume opens or the copy is found out of step.
 */
import { VoxaError } from '../../../common/contract';
import type { EditOp, SegmentChange } from '../../../common/contract/channels/segment';
import { decodeEditDelta } from '../../../common/labelmap/editDeltaCodec';
import type { SegmentMeta } from '../../../common/editing/history';
import { ijkToLps, lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import type { VoxaClient } from '../client/voxaClient';
import type { EditToolStore } from '../tools/toolStore';
import type { Segment, SegmentationStore } from '../state/segmentationStore';
import type { ViewerStore } from '../state/viewerStore';
import { PLANE_AXES, type MprView } from '../geometry/mprGeometry';
import { exportAsking } from './exportAsking';

/** The grid axis most parallel to a view's slice normal (the axis a 2D brush or fill works across). */
export function normalGridAxis(g: Pick<VolumeGeometry, 'direction'>, view: MprView): 0 | 1 | 2 {
  const n = PLANE_AXES[view].normal;
  let best: 0 | 1 | 2 = 0;
  let bestDot = -1;
  for (const a of [0, 1, 2] as const) {
    const d = Math.abs(g.direction[a * 3]! * n[0] + g.direction[a * 3 + 1]! * n[1] + g.direction[a * 3 + 2]! * n[2]);
    if (d > bestDot) {
      bestDot = d;
      best = a;
    }
  }
  return best;
}

const toSegment = (m: SegmentMeta): Segment => ({
  label: m.label,
  name: m.name,
  colour: m.colour,
  visible: m.visible,
  locked: m.locked,
  ...(m.opacity !== undefined ? { opacity: m.opacity } : {}),
  ...(m.snomedCode ? { snomedCode: m.snomedCode } : {}),
});

export interface PromptInput {
  points?: { lps: Vec3; positive: boolean }[];
  box?: { a: Vec3; b: Vec3 };
  /** Refine the selected segment from its current mask (a rough stroke) on one slice. */
  useMask?: boolean;
}

export class SegmentEditor {
  private promptSeq = 0;

  constructor(
    private readonly client: VoxaClient,
    private readonly store: ViewerStore,
    private readonly segStore: SegmentationStore,
    readonly tools: EditToolStore,
  ) {}

  private volumeId(): string | null {
    return this.store.getState().volume?.header.volumeId ?? null;
  }

  /** Prompts and strokes wait for every voxel: they are placed on what the views show, which is incomplete while the volume streams. */
  private refuseWhileStreaming(): boolean {
    if (this.store.getState().streaming === null) return false;
    this.tools.getState().setError('Wait until the volume has finished loading.');
    return true;
  }

  private fail(e: unknown, what: string): void {
    if (e instanceof VoxaError && e.code === 'CANCELLED') return;
    this.tools.getState().setError(e instanceof VoxaError ? e.message : `${what} failed.`);
  }

  /** Loads the segmentation of the volume on screen (restored from the journal when there is one). */
  async open(volumeId: string): Promise<void> {
    // Another study: messages about the previous one go.
    this.tools.getState().setError(null);
    this.tools.getState().setNotice(null);
    try {
      // Nothing segmented yet: the zeros are made here, not sent (250 MB in one frame for a 512²×1000 volume).
      const st = await this.client.invoke('segment:state', { volumeId, omitEmptyLabels: true });
      if (this.volumeId() !== volumeId) return;
      // An empty labelmap stays unallocated here too (segmentationStore: labels null).
      this.segStore.getState().load(volumeId, st.dimensions, st.emptyLabels ? null : new Uint8Array(st.labels));
      this.segStore.getState().setSegments(st.segments.map(toSegment));
      this.tools.getState().setSession(volumeId, st.history, st.stats);
      const notice = restoredNotice(st.restored, st.segments.length, st.history.items.length);
      if (notice) this.tools.getState().setNotice(notice);
      if (st.restored.warnings.length > 0) this.tools.getState().setError(`Edits restored with warnings: ${st.restored.warnings.join('; ')}`);
    } catch (e) {
      this.fail(e, 'Opening the segmentation');
    }
  }

  /** Applies a change from the services to the renderer's copy. */
  apply(change: SegmentChange): void {
    const seg = this.segStore.getState().segmentation;
    if (!seg || seg.volumeId !== change.volumeId) return;
    const d = decodeEditDelta(new Uint8Array(change.delta));
    try {
      if (d.changed > 0) this.segStore.getState().applyEdit(d);
    } catch {
      // Out of step (should not happen): take the whole labelmap again.
      void this.open(change.volumeId);
      return;
    }
    this.segStore.getState().setSegments(change.segments.map(toSegment));
    this.tools.getState().setSession(change.volumeId, change.history, change.stats);
  }

  private async run<T extends SegmentChange>(what: string, call: (volumeId: string) => Promise<T>): Promise<T | null> {
    const volumeId = this.volumeId();
    if (!volumeId) return null;
    this.tools.getState().setError(null);
    this.tools.getState().setNotice(null);
    try {
      const r = await call(volumeId);
      this.apply(r);
      return r;
    } catch (e) {
      this.fail(e, what);
      return null;
    }
  }

  /** A point or box prompt on `view`: a new lesion, or a refinement of the selected segment (always, for a negative point). */
  async prompt(view: MprView, input: PromptInput): Promise<void> {
    if (this.refuseWhileStreaming()) return;
    const t = this.tools.getState();
    const negative = input.points?.some((p) => !p.positive) ?? false;
    const refine = t.selected !== null && (t.target === 'refine' || negative || input.useMask === true);
    if ((negative || input.useMask) && !refine) {
      t.setError(input.useMask ? 'Select the segment that holds the stroke.' : 'Select the segment to correct before a negative click.');
      return;
    }
    const seq = ++this.promptSeq;
    const jobId = `prompt-${seq}`;
    this.store.getState().setBusy({ label: 'Segmenting', fraction: null });
    const off = this.client.on('job:progress', (p) => {
      if (p.jobId === jobId && !p.done && seq === this.promptSeq) this.store.getState().setBusy({ label: p.label, fraction: p.fraction });
    });
    try {
      const r = await this.run('Segmentation', (volumeId) =>
        this.client.invoke('segment:prompt', {
          volumeId,
          jobId,
          target: refine && t.selected !== null ? { kind: 'refine', label: t.selected } : { kind: 'new' },
          modelId: t.modelId,
          plane: view,
          points: input.points ?? [],
          ...(input.box ? { box: { a: { lps: input.box.a }, b: { lps: input.box.b } } } : {}),
          ...(input.useMask ? { useMask: true } : {}),
        }),
      );
      if (r) {
        this.tools.getState().select(r.label);
        this.tools.getState().setTarget('refine');
      }
    } finally {
      off();
      if (seq === this.promptSeq) this.store.getState().setBusy(null);
    }
  }

  /** "Refine from mask": the selected segment's rough stroke, on the active view's plane, as a mask prompt. */
  refineFromMask(): Promise<void> {
    const view = this.store.getState().activeView;
    return this.prompt(view === '3d' ? 'axial' : view, { useMask: true });
  }

  /** A brush or eraser stroke through LPS points on `view`. Painting without a selected segment starts one. */
  async stroke(view: MprView, lps: Vec3[], mode: 'paint' | 'erase'): Promise<void> {
    const volume = this.store.getState().volume;
    if (!volume || lps.length === 0 || this.refuseWhileStreaming()) return;
    const g = volume.header.geometry;
    const t = this.tools.getState();
    let label = t.selected;
    if (mode === 'paint' && label === null) {
      const created = await this.create();
      if (!created) return;
      label = created;
    }
    const op: EditOp = {
      tool: 'brush',
      mode,
      label: label ?? 0,
      points: lps.map((p) => lpsToIjk(g, p)),
      radiusMm: t.brushRadiusMm,
      shape: t.brushShape,
      planeAxis: normalGridAxis(g, view),
      ...(mode === 'paint' && t.brushToleranceHu !== null ? { threshold: { toleranceHu: t.brushToleranceHu } } : {}),
    };
    await this.edit(op);
  }

  edit(op: EditOp): Promise<SegmentChange | null> {
    return this.run('The edit', (volumeId) => this.client.invoke('segment:edit', { volumeId, op }));
  }

  undo(): Promise<SegmentChange | null> {
    return this.run('Undo', (volumeId) => this.client.invoke('segment:undo', { volumeId }));
  }

  redo(): Promise<SegmentChange | null> {
    return this.run('Redo', (volumeId) => this.client.invoke('segment:redo', { volumeId }));
  }

  /** A new empty segment, selected; returns its label. */
  async create(name?: string): Promise<number | null> {
    const r = await this.run('New segment', (volumeId) => this.client.invoke('segment:create', { volumeId, ...(name ? { name } : {}) }));
    if (!r) return null;
    this.tools.getState().select(r.label);
    return r.label;
  }

  update(label: number, patch: Partial<Omit<SegmentMeta, 'label'>>): Promise<SegmentChange | null> {
    return this.run('Changing the segment', (volumeId) => this.client.invoke('segment:update', { volumeId, label, patch }));
  }

  remove(label: number): Promise<SegmentChange | null> {
    return this.run('Deleting the segment', (volumeId) => this.client.invoke('segment:delete', { volumeId, label }));
  }

  /** Writes the segmentation to `path` (a folder the services were granted). Returns a line for the user. */
  /** Exports to `path`; `confirmed`: the native Save dialog already agreed to replace it (no second question). */
  async exportTo(path: string, format: 'dicom-seg' | 'nifti', deidentify: boolean, confirmed = false): Promise<string | null> {
    const volumeId = this.volumeId();
    if (!volumeId) return null;
    this.tools.getState().setError(null);
    try {
      const r = await exportAsking((overwrite) => this.client.invoke('segment:export', { volumeId, path, format, deidentify, overwrite }), { confirmed });
      return `Saved ${r.segments} segment${r.segments === 1 ? '' : 's'} to ${r.path} (${Math.round(r.bytes / 1024)} KB)`;
    } catch (e) {
      this.fail(e, 'Export');
      return null;
    }
  }

  async importFrom(path: string): Promise<void> {
    await this.run('Import', (volumeId) => this.client.invoke('segment:import', { volumeId, path }));
  }

  /** Moves the crosshair to the centre of a segment's voxels. */
  jumpTo(label: number): void {
    const seg = this.segStore.getState().segmentation;
    const volume = this.store.getState().volume;
    if (!seg?.labels || !volume) return;
    const labels = seg.labels;
    const [ni, nj] = seg.dimensions;
    let n = 0;
    const sum: Vec3 = [0, 0, 0];
    for (let v = 0; v < labels.length; v++) {
      if (labels[v] !== label) continue;
      n++;
      sum[0] += v % ni;
      sum[1] += Math.floor(v / ni) % nj;
      sum[2] += Math.floor(v / (ni * nj));
    }
    if (n === 0) return;
    this.store.getState().setCrosshair(ijkToLps(volume.header.geometry, [sum[0] / n, sum[1] / n, sum[2] / n]));
    this.tools.getState().select(label);
  }
}

/**
 * What the user is told when a study opens with segments from the journal: how many segments and
 * edits came back and when the last edit was made (local time), so nothing appears unannounced.
 */
export function restoredNotice(restored: { existed: boolean; lastEditAt?: number | null }, segments: number, edits: number): string | null {
  if (!restored.existed || (segments === 0 && edits === 0)) return null;
  const when = restored.lastEditAt ? new Date(restored.lastEditAt).toLocaleString() : 'an earlier session';
  return `Restored ${segments} segment${segments === 1 ? '' : 's'} and ${edits} step${edits === 1 ? '' : 's'} of history from the journal (last edit ${when}).`;
}
