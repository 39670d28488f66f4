import { describe, expect, it } from 'vitest';
import { VoxaError, type ChannelName, type ChannelRequest, type ChannelResponse, type VolumeHeader } from '../../../common/contract';
import type { SegmentChange } from '../../../common/contract/channels/segment';
import { buildEditDelta, emptyEditDelta, lockTable } from '../../../common/labelmap/editDelta';
import { encodeEditDelta } from '../../../common/labelmap/editDeltaCodec';
import type { Vec3 } from '../../../common/volume';
import type { VoxaClient } from '../client/voxaClient';
import { createEditToolStore } from '../tools/toolStore';
import { createSegmentationStore } from '../state/segmentationStore';
import { createViewerStore } from '../state/viewerStore';
import { testHeader } from '../testing/volumeHeader';
import { normalGridAxis, restoredNotice, SegmentEditor } from './segmentEditing';

const dims: Vec3 = [4, 3, 2];
const header = (direction = [1, 0, 0, 0, 1, 0, 0, 0, 1]): VolumeHeader =>
  testHeader({ dimensions: dims, spacingMm: [1, 1, 2], originLps: [10, 20, 30], direction: direction as VolumeHeader['geometry']['direction'] });
const meta = (label: number) => ({ label, name: `S${label}`, colour: [1, 2, 3] as [number, number, number], visible: true, locked: false });

type Calls = { channel: ChannelName; request: unknown }[];
function fakeClient(answer: (channel: ChannelName, request: unknown) => unknown): { client: VoxaClient; calls: Calls } {
  const calls: Calls = [];
  const client = {
    transport: 'websocket' as const,
    invoke: <C extends ChannelName>(channel: C, request: ChannelRequest<C>) => {
      calls.push({ channel, request });
      try {
        return Promise.resolve(answer(channel, request) as ChannelResponse<C>);
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    on: () => () => undefined,
  };
  return { client, calls };
}

function setup(answer: (channel: ChannelName, request: unknown) => unknown, direction?: number[]) {
  const { client, calls } = fakeClient(answer);
  const store = createViewerStore();
  store.getState().setVolume({ header: header(direction), voxels: new Int16Array(24) });
  const segStore = createSegmentationStore();
  const tools = createEditToolStore();
  return { editor: new SegmentEditor(client, store, segStore, tools), store, segStore, tools, calls };
}

const server = new Uint8Array(24);
server[5] = 1;
const stateReply = () => ({
  volumeId: 'v1',
  dimensions: dims,
  labels: server.slice().buffer,
  segments: [meta(1)],
  history: { items: [], position: 0 },
  stats: [{ label: 1, voxels: 1, volumeMl: 0.002, sliceSpan: [0, 0] }],
  restored: { existed: true, eventsReplayed: 3, warnings: [] },
});
/** A change painting voxels 0..2 of row 0 with label 1, computed on `from`. */
function paintChange(from: Uint8Array): SegmentChange {
  const d = buildEditDelta(from, dims, { min: [0, 0, 0], max: [2, 0, 0] }, [1, 1, 1], lockTable());
  return { volumeId: 'v1', delta: encodeEditDelta(d).slice().buffer, changed: d.changed, segments: [meta(1)], history: { items: [{ id: 1, name: 'Brush', applied: true }], position: 1 }, stats: [{ label: 1, voxels: 4, volumeMl: 0.008, sliceSpan: [0, 0] }] };
}

describe('SegmentEditor', () => {
  it('opens the services\' labelmap, then follows it by deltas only', async () => {
    const { editor, segStore, tools } = setup((c) => (c === 'segment:state' ? stateReply() : null));
    await editor.open('v1');
    expect([...segStore.getState().segmentation!.labels!]).toEqual([...server]);
    expect(segStore.getState().segmentation!.segments.map((s) => s.name)).toEqual(['S1']);
    editor.apply(paintChange(server));
    expect([...segStore.getState().segmentation!.labels!.slice(0, 6)]).toEqual([1, 1, 1, 0, 0, 1]);
    expect(tools.getState().history.items.map((i) => i.name)).toEqual(['Brush']);
    expect(tools.getState().stats[0]?.voxels).toBe(4);
  });

  it('the after-runs set the whole box (a stale copy converges there); a delta off its grid makes it reload the labelmap', async () => {
    const { editor, segStore, calls } = setup((c) => (c === 'segment:state' ? stateReply() : null));
    await editor.open('v1');
    editor.apply(paintChange(new Uint8Array(24).fill(2))); // computed on another state: the box still ends up [1, 1, 1]
    expect([...segStore.getState().segmentation!.labels!.slice(0, 3)]).toEqual([1, 1, 1]);
    const wide = buildEditDelta(new Uint8Array(48), [8, 3, 2], { min: [5, 0, 0], max: [6, 0, 0] }, [1, 1], lockTable());
    editor.apply({ ...paintChange(server), delta: encodeEditDelta(wide).slice().buffer });
    await Promise.resolve();
    await Promise.resolve();
    expect(calls.filter((c) => c.channel === 'segment:state')).toHaveLength(2);
    expect([...segStore.getState().segmentation!.labels!]).toEqual([...server]);
  });

  it('a negative click needs a selected segment; a click on a new lesion selects it and switches to refine', async () => {
    const { editor, tools, calls } = setup((c) => (c === 'segment:state' ? stateReply() : { ...paintChange(server), label: 1, provider: 'cpu', totalMs: 5 }));
    await editor.open('v1');
    await editor.prompt('axial', { points: [{ lps: [11, 20, 30], positive: false }] });
    expect(tools.getState().error).toMatch(/Select the segment/);
    expect(calls.some((c) => c.channel === 'segment:prompt')).toBe(false);
    await editor.prompt('axial', { points: [{ lps: [11, 20, 30], positive: true }] });
    expect(calls.at(-1)).toMatchObject({ channel: 'segment:prompt', request: { target: { kind: 'new' }, plane: 'axial', modelId: 'classical' } });
    expect(tools.getState()).toMatchObject({ selected: 1, target: 'refine' });
    await editor.prompt('coronal', { points: [{ lps: [11, 20, 30], positive: false }] });
    expect(calls.at(-1)).toMatchObject({ request: { target: { kind: 'refine', label: 1 }, plane: 'coronal' } });
    tools.getState().setTarget('new');
    await editor.refineFromMask();
    expect(calls.at(-1)).toMatchObject({ request: { target: { kind: 'refine', label: 1 }, plane: 'axial', useMask: true, points: [] } });
  });

  it('a stroke goes to the services in voxel indices, with the slice axis of the view', async () => {
    // A sagittal acquisition: grid i runs along LPS y, j along z, k along x.
    const { editor, tools, calls } = setup(() => ({ ...paintChange(new Uint8Array(24)), delta: encodeEditDelta(emptyEditDelta(dims)).slice().buffer, changed: 0 }), [0, 1, 0, 0, 0, 1, 1, 0, 0]);
    tools.getState().select(1);
    tools.getState().setBrushRadius(3);
    await editor.stroke('sagittal', [[12, 21, 32]], 'paint');
    const req = calls.at(-1)?.request as { op: { points: Vec3[]; planeAxis: number; radiusMm: number; label: number } };
    expect(req.op.planeAxis).toBe(2);
    expect(req.op.points[0]).toEqual([1, 2, 1]); // i: (y 21 − 20)/1, j: (z 32 − 30)/1, k: (x 12 − 10)/2
    expect(req.op).toMatchObject({ radiusMm: 3, label: 1 });
    expect(normalGridAxis({ direction: [0, 1, 0, 0, 0, 1, 1, 0, 0] }, 'axial')).toBe(1);
    expect(normalGridAxis({ direction: [0, 1, 0, 0, 0, 1, 1, 0, 0] }, 'coronal')).toBe(0);
  });
});

describe('SegmentEditor, empty session', () => {
  it('a volume with nothing segmented: the services omit the zeros and the renderer allocates none either', async () => {
    const { editor, segStore } = setup((c) => (c === 'segment:state' ? { ...stateReply(), labels: new ArrayBuffer(0), emptyLabels: true, segments: [], stats: [] } : null));
    await editor.open('v1');
    expect(segStore.getState().segmentation).toMatchObject({ volumeId: 'v1', labels: null, segments: [] });
    // A jump to a segment with no voxels does nothing (and reads no labelmap).
    editor.jumpTo(1);
  });
});

describe('SegmentEditor export', () => {
  const exportReply = { path: '/u/exports/a.nii.gz', segments: 1, bytes: 2048 };
  it('a path from the native Save dialog is written over at once: EXISTS is never met, nothing asked twice', async () => {
    const { editor, calls } = setup((c, r) => {
      if (c !== 'segment:export') return null;
      if (!(r as { overwrite: boolean }).overwrite) throw new VoxaError('EXISTS', 'a.nii.gz already exists');
      return exportReply;
    });
    // No window here: a second question (window.confirm) would throw.
    expect(await editor.exportTo('/u/exports/a.nii.gz', 'nifti', false, true)).toMatch(/^Saved 1 segment to/);
    expect(calls.filter((c) => c.channel === 'segment:export').map((c) => (c.request as { overwrite: boolean }).overwrite)).toEqual([true]);
  });
  it('a typed path never overwrites without asking', async () => {
    const { editor, calls, tools } = setup((c) => {
      if (c === 'segment:export') throw new VoxaError('EXISTS', 'a.nii.gz already exists');
      return null;
    });
    const confirm = (globalThis as { window?: unknown }).window;
    (globalThis as { window?: unknown }).window = { confirm: () => false };
    try {
      expect(await editor.exportTo('/u/exports/a.nii.gz', 'nifti', false)).toBeNull();
    } finally {
      (globalThis as { window?: unknown }).window = confirm;
    }
    expect(calls.filter((c) => c.channel === 'segment:export').map((c) => (c.request as { overwrite: boolean }).overwrite)).toEqual([false]);
    expect(tools.getState().error).toMatch(/already exists/);
  });
});

describe('restored session notice', () => {
  it('says what came back from the journal and when; nothing for a new session', () => {
    const at = Date.UTC(2026, 10, 30, 14, 5);
    const line = restoredNotice({ existed: true, lastEditAt: at }, 2, 5) ?? '';
    expect(line).toMatch(/^Restored 2 segments and 5 steps of history from the journal \(last edit /);
    expect(line).toContain(new Date(at).toLocaleString());
    expect(restoredNotice({ existed: true, lastEditAt: at }, 1, 1)).toMatch(/1 segment and 1 step/);
    expect(restoredNotice({ existed: false, lastEditAt: null }, 0, 0)).toBeNull();
    expect(restoredNotice({ existed: true, lastEditAt: at }, 0, 0)).toBeNull();
  });
});
