import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import { applyEdit } from '../../../common/labelmap/editDelta';
import { decodeEditDelta } from '../../../common/labelmap/editDeltaCodec';
import { lpsToIjk } from '../../../common/geometry/affine';
import { labelDice as dice } from '../../../common/segmentation/dice';
import type { Vec3, Volume } from '../../../common/volume';
import { loadVolume } from '../io/volumeLoader';
import { writePhantomStudy } from '../phantom/phantomStudy';
import { DEFAULT_LESIONS, generateTorsoPhantom, type Lesion } from '../phantom/torsoPhantom';
import { VolumeStore } from '../volumeStore';
import { exportSegmentation, importSegmentation } from './segmentFiles';
import { SegmentSessions } from './segmentSessions';

const dir = mkdtempSync(path.join(os.tmpdir(), 'voxa-segsession-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dataNo = 0;
const newDataDir = () => path.join(dir, `data${++dataNo}`);

const count = (labels: ArrayLike<number>, label: number) => {
  let c = 0;
  for (let n = 0; n < labels.length; n++) if (labels[n] === label) c++;
  return c;
};

/** Voxels of an axis-aligned grid whose centres lie within r mm of a voxel centre: brute force over the grid. */
function ballVoxels(dims: Vec3, sp: Vec3, c: Vec3, r: number): number {
  let n = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) if (((i - c[0]) * sp[0]) ** 2 + ((j - c[1]) * sp[1]) ** 2 + ((k - c[2]) * sp[2]) ** 2 <= r * r) n++;
  return n;
}

// The default torso phantom (192×160×120, 2×2×2.5 mm): three lesions of known extent, noise 12 HU.
const torso = generateTorsoPhantom({ seed: 3 });
function openTorso(dataDir: string, volume: Volume = torso.volume, source = '/phantom/torso.nii.gz') {
  const volumes = new VolumeStore();
  const header = volumes.add(volume, source);
  const sessions = new SegmentSessions({ volumes, dataDir });
  return { volumes, sessions, volumeId: header.volumeId, session: sessions.open(header.volumeId) };
}

describe('segmentation session', () => {
  it('one click on each phantom lesion gives a 3D mask with Dice ≥ 0.9 against the generator\'s labels; the returned delta rebuilds the labelmap', async () => {
    const { session, sessions } = openTorso(newDataDir());
    const mirror = new Uint8Array(session.state.labels.length);
    for (let n = 0; n < torso.lesions.length; n++) {
      const lesion = torso.lesions[n] as Lesion;
      const r = await session.prompt({ target: { kind: 'new', name: lesion.name }, modelId: 'classical', plane: 'axial', points: [{ lps: lesion.centreLps, positive: true }] });
      expect(r.label).toBe(n + 1);
      expect(r.history.items.at(-1)?.name).toBe('Click +');
      applyEdit(mirror, decodeEditDelta(new Uint8Array(r.delta)));
      const d = dice(session.state.labels, r.label, torso.labels, n + 1);
      expect(d, lesion.name).toBeGreaterThanOrEqual(0.9);
      const stat = r.stats.find((s) => s.label === r.label);
      expect(stat?.voxels).toBe(count(session.state.labels, r.label));
      expect(stat?.volumeMl).toBeCloseTo((count(session.state.labels, r.label) * 2 * 2 * 2.5) / 1000, 6);
    }
    expect(Buffer.from(mirror).equals(Buffer.from(session.state.labels))).toBe(true);
    sessions.closeAll();
  });

  it('refining a classical segment with a second positive click adds the region grown from it', async () => {
    const { session, sessions } = openTorso(newDataDir());
    const [l1, , l3] = torso.lesions as Lesion[];
    const r = await session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ lps: (l1 as Lesion).centreLps, positive: true }] });
    const only1 = count(session.state.labels, r.label);
    await session.prompt({ target: { kind: 'refine', label: r.label }, modelId: 'classical', plane: 'axial', points: [{ lps: (l3 as Lesion).centreLps, positive: true }] });
    const both = Uint8Array.from(torso.labels, (v) => (v === 1 || v === 3 ? 1 : 0));
    expect(count(session.state.labels, r.label)).toBeGreaterThan(only1);
    expect(dice(session.state.labels, r.label, both, 1)).toBeGreaterThanOrEqual(0.9);
    expect(session.history().items.map((i) => i.name)).toEqual(['Click +', 'Click +']);
    sessions.closeAll();
  });

  it('a rough brush stroke, then "refine from mask", gives the lesion (classical: grown from the stroke\'s centre)', async () => {
    const { session, sessions } = openTorso(newDataDir());
    const lesion = torso.lesions[1] as Lesion;
    const c = lpsToIjk(torso.volume.geometry, lesion.centreLps).map((v) => Math.round(v)) as Vec3;
    const label = session.create('Stroke').label;
    session.edit({ tool: 'brush', mode: 'paint', label, points: [[c[0] - 3, c[1], c[2]], [c[0] + 3, c[1] + 1, c[2]]], radiusMm: 4, shape: 'disc', planeAxis: 2 });
    expect(dice(session.state.labels, label, torso.labels, 2)).toBeLessThan(0.5);
    await expect(session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [], useMask: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const r = await session.prompt({ target: { kind: 'refine', label }, modelId: 'classical', plane: 'axial', points: [], useMask: true });
    expect(r.history.items.at(-1)?.name).toBe('Mask prompt');
    expect(dice(session.state.labels, label, torso.labels, 2)).toBeGreaterThanOrEqual(0.9);
    sessions.closeAll();
  });

  it('a negative click removes a leak into a touching structure of the same density', async () => {
    // Two overlapping 30 HU spheres in the left lung: a click on the first leaks into the second.
    const a: Lesion = { ...(DEFAULT_LESIONS[0] as Lesion), name: 'A', centreLps: [70, -10, 30], radiiMm: [12, 12, 12] };
    const b: Lesion = { ...a, name: 'B', centreLps: [70, 6, 30], radiiMm: [10, 10, 10] };
    const p = generateTorsoPhantom({ seed: 5, lesions: [a, b] });
    const { session, sessions } = openTorso(newDataDir(), p.volume, '/phantom/leak.nii.gz');
    const first = await session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ lps: a.centreLps, positive: true }] });
    const leak = dice(session.state.labels, first.label, p.labels, 2);
    const bVoxels = count(p.labels, 2);
    let inB = 0;
    for (let n = 0; n < p.labels.length; n++) if (p.labels[n] === 2 && session.state.labels[n] === first.label) inB++;
    expect(inB / bVoxels, 'the positive click alone leaks into B').toBeGreaterThan(0.5);
    expect(leak).toBeGreaterThan(0);
    const before = dice(session.state.labels, first.label, p.labels, 1);
    expect(before).toBeLessThan(0.9);
    const second = await session.prompt({ target: { kind: 'refine', label: first.label }, modelId: 'classical', plane: 'axial', points: [{ lps: b.centreLps, positive: false }] });
    expect(second.history.items.map((i) => i.name)).toEqual(['Click +', 'Click −']);
    expect(dice(session.state.labels, first.label, p.labels, 1)).toBeGreaterThanOrEqual(0.9);
    inB = 0;
    for (let n = 0; n < p.labels.length; n++) if (p.labels[n] === 2 && session.state.labels[n] === first.label) inB++;
    expect(inB / bVoxels).toBeLessThan(0.1);
    // Undo takes the negative click back out of the prompt book too.
    session.undo();
    expect(session.prompts()[String(first.label)]?.points).toHaveLength(1);
    sessions.closeAll();
  });

  it('brush and eraser change exactly the voxels of a ball in mm; undo/redo restore exact counts; locked segments never change', () => {
    const { session, sessions } = openTorso(newDataDir());
    const dims = torso.volume.geometry.dimensions;
    const sp = torso.volume.geometry.spacingMm;
    const s1 = session.create('One').label;
    const s2 = session.create('Two').label;
    const c: Vec3 = [60, 50, 40];
    const painted = session.edit({ tool: 'brush', mode: 'paint', label: s1, points: [c], radiusMm: 7, shape: 'sphere' });
    const ball7 = ballVoxels(dims, sp, c, 7);
    expect(ball7).toBeGreaterThan(100);
    expect(painted.changed).toBe(ball7);
    expect(session.voxelCount(s1)).toBe(ball7);
    const erased = session.edit({ tool: 'brush', mode: 'erase', label: s1, points: [c], radiusMm: 4, shape: 'sphere' });
    const ball4 = ballVoxels(dims, sp, c, 4);
    expect(erased.changed).toBe(ball4);
    expect(count(session.state.labels, s1)).toBe(ball7 - ball4);
    expect(session.history().items.map((i) => i.name)).toEqual(['New segment', 'New segment', 'Brush', 'Erase']);
    session.undo();
    expect(count(session.state.labels, s1)).toBe(ball7);
    session.undo();
    expect(count(session.state.labels, s1)).toBe(0);
    session.redo();
    session.redo();
    expect(count(session.state.labels, s1)).toBe(ball7 - ball4);
    expect(session.redo().changed).toBe(0);
    // Lock segment 1: painting segment 2 over it, erasing it, refining or deleting it change nothing of it.
    session.update(s1, { locked: true });
    const over = session.edit({ tool: 'brush', mode: 'paint', label: s2, points: [c], radiusMm: 10, shape: 'sphere' });
    expect(count(session.state.labels, s1)).toBe(ball7 - ball4);
    expect(over.changed).toBe(ballVoxels(dims, sp, c, 10) - (ball7 - ball4));
    session.edit({ tool: 'brush', mode: 'erase', label: 0, points: [c], radiusMm: 10, shape: 'sphere' });
    expect(count(session.state.labels, s1)).toBe(ball7 - ball4);
    expect(count(session.state.labels, s2)).toBe(0);
    expect(() => session.delete(s1)).toThrow(VoxaError);
    // A 2D disc on an anisotropic grid: 5 mm on 2 × 2 mm pixels in one axial slice.
    session.update(s1, { locked: false });
    const disc = session.edit({ tool: 'brush', mode: 'paint', label: s2, points: [[100, 100, 10]], radiusMm: 5, shape: 'disc', planeAxis: 2 });
    let discRef = 0;
    for (let j = -3; j <= 3; j++) for (let i = -3; i <= 3; i++) if ((2 * i) ** 2 + (2 * j) ** 2 <= 25) discRef++;
    expect(disc.changed).toBe(discRef);
    sessions.closeAll();
  });

  it('reopening the same path restores labelmap, segments, prompts and history position from the journal', async () => {
    const dataDir = newDataDir();
    const first = openTorso(dataDir);
    const lesion = torso.lesions[1] as Lesion;
    const r = await first.session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ lps: lesion.centreLps, positive: true }] });
    first.session.edit({ tool: 'brush', mode: 'paint', label: r.label, points: [[20, 20, 20]], radiusMm: 6, shape: 'sphere' });
    first.session.update(r.label, { name: 'Liver lesion', colour: [1, 2, 3], opacity: 0.4 });
    first.session.undo();
    const labels = Buffer.from(first.session.state.labels);
    const segments = first.session.segments();
    const prompts = first.session.prompts();
    const history = first.session.history();
    first.sessions.closeAll();

    const again = openTorso(dataDir);
    expect(again.session.journal.restore.existed).toBe(true);
    expect(Buffer.from(again.session.state.labels).equals(labels)).toBe(true);
    expect(again.session.segments()).toEqual(segments);
    expect(again.session.prompts()).toEqual(prompts);
    expect(again.session.history()).toEqual(history);
    expect(history.position).toBe(1);
    expect(again.session.redo().changed).toBe(ballVoxels(torso.volume.geometry.dimensions, torso.volume.geometry.spacingMm, [20, 20, 20], 6));
    expect(again.session.stats()[0]?.voxels).toBe(count(again.session.state.labels, r.label));
    again.sessions.closeAll();

    // Another path is another journal.
    const other = openTorso(dataDir, torso.volume, '/phantom/other.nii.gz');
    expect(other.session.journal.restore.existed).toBe(false);
    expect(other.session.segments()).toEqual([]);
    other.sessions.closeAll();
  });

  it('DICOM SEG and NIfTI exports re-import to the identical labelmap', async () => {
    const study = await writePhantomStudy(path.join(dir, 'study'), { seed: 2, spacingMm: [4, 4, 5], lesionCount: 2 });
    const volume = await loadVolume(study.dicomDir);
    const volumes = new VolumeStore();
    const { volumeId } = volumes.add(volume, study.dicomDir);
    const sessions = new SegmentSessions({ volumes, dataDir: newDataDir() });
    const s = sessions.open(volumeId);
    const a = s.create('A').label;
    const b = s.create('B').label;
    s.edit({ tool: 'brush', mode: 'paint', label: a, points: [[30, 30, 20]], radiusMm: 12, shape: 'sphere' });
    s.edit({ tool: 'brush', mode: 'paint', label: b, points: [[60, 40, 30], [62, 44, 30]], radiusMm: 8, shape: 'disc', planeAxis: 2 });
    const original = Buffer.from(s.state.labels);
    for (const format of ['dicom-seg', 'nifti'] as const) {
      const file = path.join(dir, format === 'nifti' ? 'out.nii.gz' : 'out.seg.dcm');
      const out = await exportSegmentation(s, study.dicomDir, file, format, format === 'dicom-seg');
      expect(out.segments).toBe(2);
      s.delete(a);
      s.delete(b);
      expect(count(s.state.labels, a) + count(s.state.labels, b)).toBe(0);
      const imported = await importSegmentation(s, study.dicomDir, file);
      expect(imported.added).toEqual([a, b]);
      expect(Buffer.from(s.state.labels).equals(original), format).toBe(true);
      expect(s.segments().map((x) => x.name)).toEqual(['A', 'B']);
    }
    await expect(exportSegmentation(s, null, path.join(dir, 'x.seg.dcm'), 'dicom-seg', false)).rejects.toThrow(/DICOM/);
    sessions.closeAll();
  });

  it('refuses bad prompts and edits with typed errors', async () => {
    const { session, sessions } = openTorso(newDataDir());
    await expect(session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ ijk: [-5, 0, 0], positive: true }] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(session.prompt({ target: { kind: 'refine', label: 9 }, modelId: 'classical', plane: 'axial', points: [{ ijk: [5, 5, 5], positive: true }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => session.edit({ tool: 'brush', mode: 'paint', label: 4, points: [[1, 1, 1]], radiusMm: 2, shape: 'sphere' })).toThrow(/segment 4 does not exist/);
    expect(session.history().items).toEqual([]);
    const ijk = lpsToIjk(torso.volume.geometry, (torso.lesions[0] as Lesion).centreLps);
    expect(ijk.every((v, a) => v >= 0 && v < (torso.volume.geometry.dimensions[a] as number))).toBe(true);
    sessions.closeAll();
  });

  it('a "new lesion" click inside an existing segment says so and makes no empty segment', async () => {
    const { session, sessions } = openTorso(newDataDir());
    const lesion = torso.lesions[0] as Lesion;
    await session.prompt({ target: { kind: 'new', name: 'Lung nodule' }, modelId: 'classical', plane: 'axial', points: [{ lps: lesion.centreLps, positive: true }] });
    const steps = session.history().items.length;
    await expect(session.prompt({ target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ lps: lesion.centreLps, positive: true }] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/inside "Lung nodule".*Refine selected/),
    });
    expect(session.segments().map((s) => s.name)).toEqual(['Lung nodule']);
    expect(session.history().items.length).toBe(steps);
    sessions.closeAll();
  });
});
