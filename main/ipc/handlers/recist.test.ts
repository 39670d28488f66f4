/**
 * recist handlers: lesion tables saved per timepoint in the study database
 * (and still there after reopening it), manual calipers overriding automatic
 * values, target limits refused, measurability warned, response computed from
 * the effective values, reports exported only into granted folders.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError, type EventName } from '../../../common/contract';
import { measureLesion } from '../../../common/geometry/recistAxes';
import { autoFromMeasurement, timepointRecordSchema, type LesionRecordInput } from '../../../common/recist/lesionTable';
import type { Vec3 } from '../../../common/volume';
import type { CallContext } from '../router';
import { PathGrants } from '../../services/access/pathGrants';
import { VolumeStore } from '../../services/volumeStore';
import { createRecistHandlers } from './recist';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-recisth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const grants = new PathGrants();
const exportDir = path.join(tmp, 'exports');
mkdirSync(exportDir);
grants.grant(exportDir);
const deps = { grants, volumes: new VolumeStore(), shell: { info: () => ({ version: '0', mode: 'host' as const, platform: 'linux', nativeDialogs: false, demoPath: null }) }, dataDir: path.join(tmp, 'userdata') };

const events: { name: EventName; payload: unknown }[] = [];
const ctx = (): CallContext => ({ sender: { kind: 'internal' }, emit: (name, payload) => events.push({ name, payload }), signal: new AbortController().signal });

/** An axis-aligned ellipse (semi-axes a, b voxels) on slices 1–3 of a 1 × 1 × 2.5 mm grid. */
function ellipseAuto(a: number, b: number) {
  const dims: Vec3 = [80, 80, 5];
  const voxels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 1; k <= 3; k++) for (let j = 0; j < 80; j++) for (let i = 0; i < 80; i++) if (((i - 40) / a) ** 2 + ((j - 40) / b) ** 2 <= 1) voxels[i + 80 * (j + 80 * k)] = 1;
  const m = measureLesion({ geometry: { dimensions: dims, spacingMm: [1, 1, 2.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, voxels }, { label: 1 })!;
  return autoFromMeasurement(m);
}

const codeOf = async (f: () => unknown) => {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return isVoxaError(e) ? e.code : String(e);
  }
};

describe('recist handlers', () => {
  const h = createRecistHandlers(deps);
  const big = ellipseAuto(20, 12); // long axis 40 mm between voxel centres
  const node = ellipseAuto(10, 9); // nodal short axis 18 mm

  it('saves a baseline with automatic values, warns about a small target, lists it back', async () => {
    const lesions: LesionRecordInput[] = [
      { id: 'T1', role: 'target', organ: 'liver', auto: big, segmentNumber: 1 },
      { id: 'N1', role: 'target', isNode: true, organ: 'lymph nodes', auto: node },
      { id: 'T2', role: 'target', organ: 'lung', longAxisMm: 8 },
    ];
    const r = await h['recist:saveTimepoint']({ patientKey: 'P1', timepoint: timepointRecordSchema.parse({ id: 'base', date: '2026-01-10', lesions }), baseline: true }, ctx());
    expect(Object.keys(r.warnings)).toEqual(['T2']);
    expect(r.warnings.T2![0]).toMatch(/not measurable: long axis 8 mm < 10 mm/);
    expect(events.at(-1)).toEqual({ name: 'recist:changed', payload: { patientKey: 'P1' } });
    const list = await h['recist:timepoints']({ patientKey: 'P1' }, ctx());
    expect(list.baselineId).toBe('base');
    expect(list.timepoints[0]!.lesions.map((l) => l.id)).toEqual(['T1', 'N1', 'T2']);
    expect(list.timepoints[0]!.lesions[0]!.auto!.longAxis.lengthMm).toBe(40);
  });

  it('refuses a third target in one organ and a sixth target, with the RECIST messages', async () => {
    const three = ['A', 'B', 'C'].map((id) => ({ id, role: 'target' as const, organ: 'Liver', longAxisMm: 20 }));
    try {
      await h['recist:saveTimepoint']({ patientKey: 'P2', timepoint: timepointRecordSchema.parse({ id: 'b', date: '2026-01-01', lesions: three }) }, ctx());
      expect.unreachable();
    } catch (e) {
      expect(isVoxaError(e) && e.code).toBe('BAD_REQUEST');
      expect((e as Error).message).toMatch(/3 targets in liver \(A, B, C\).*at most 2 per organ/);
    }
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, role: 'target' as const, organ: `organ ${id}`, longAxisMm: 20 }));
    try {
      await h['recist:saveTimepoint']({ patientKey: 'P2', timepoint: timepointRecordSchema.parse({ id: 'b', date: '2026-01-01', lesions: six }) }, ctx());
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/6 target lesions selected.*at most 5/);
    }
    expect((await h['recist:timepoints']({ patientKey: 'P2' }, ctx())).timepoints).toEqual([]);
  });

  it('a manual caliper overrides the automatic value in the response and is labelled manual', async () => {
    const shrunk = ellipseAuto(14, 8); // 28 mm automatically
    const manualLongAxis = { lengthMm: 26, startLps: [27, 40, 5] as Vec3, endLps: [53, 40, 5] as Vec3, sliceIndex: 2 };
    await h['recist:saveTimepoint'](
      {
        patientKey: 'P1',
        timepoint: timepointRecordSchema.parse({
          id: 'fu1',
          date: '2026-03-10',
          lesions: [
            { id: 'T1', auto: shrunk, manualLongAxis },
            { id: 'N1', auto: ellipseAuto(5, 4) },
            { id: 'T2', longAxisMm: 8 },
          ],
        }),
      },
      ctx(),
    );
    const r = await h['recist:response']({ patientKey: 'P1' }, ctx());
    const baseSum = 40 + node.nodalShortAxis.lengthMm + 8;
    expect(r.baseline.sumMm).toBeCloseTo(baseSum, 9);
    const fuNode = ellipseAuto(5, 4).nodalShortAxis.lengthMm;
    expect(r.followUps[0]!.sumMm).toBeCloseTo(26 + fuNode + 8, 9);
    expect(r.series.lesions.find((l) => l.id === 'T1')!.manual).toEqual([false, true]);
    expect(r.series.lesions.find((l) => l.id === 'T1')!.diameters).toEqual([40, 26]);
    expect(r.followUps[0]!.changeFromBaselinePct).toBeCloseTo((100 * (26 + fuNode + 8 - baseSum)) / baseSum, 9);
    expect(r.followUps[0]!.overall).toBe('PR');
  });

  it('keeps the tables in the database file: a second service instance reads them back', async () => {
    const again = createRecistHandlers(deps);
    const list = await again['recist:timepoints']({ patientKey: 'P1' }, ctx());
    expect(list.timepoints.map((t) => t.id)).toEqual(['base', 'fu1']);
    expect(list.timepoints[1]!.lesions[0]!.manualLongAxis!.lengthMm).toBe(26);
  });

  it('exports the report into a granted folder only; deleting a timepoint removes it', async () => {
    const r = await h['recist:export']({ patientKey: 'P1', dir: exportDir, pdf: true }, ctx());
    expect(r.files.map((f) => path.basename(f))).toContain('report.pdf');
    expect(readFileSync(path.join(exportDir, 'lesions.csv'), 'utf8')).toMatch(/fu1,2026-03-10,T1,target,liver,false,present,26,/);
    expect(await codeOf(() => h['recist:export']({ patientKey: 'P1', dir: tmp }, ctx()))).toBe('NOT_FOUND');
    // a new folder directly inside a granted one is created; one deeper, or beside it, is not
    const fresh = await h['recist:export']({ patientKey: 'P1', dir: path.join(exportDir, 'recist-report') }, ctx());
    expect(fresh.files.map((f) => path.relative(exportDir, f))).toContain(path.join('recist-report', 'response.csv'));
    expect(await codeOf(() => h['recist:export']({ patientKey: 'P1', dir: path.join(exportDir, 'a', 'b') }, ctx()))).toBe('NOT_FOUND');
    expect(await codeOf(() => h['recist:export']({ patientKey: 'P1', dir: path.join(tmp, 'beside') }, ctx()))).toBe('NOT_FOUND');
    expect(existsSync(path.join(tmp, 'beside'))).toBe(false);
    expect(await codeOf(() => h['recist:response']({ patientKey: 'nobody' }, ctx()))).toBe('NOT_FOUND');
    expect((await h['recist:deleteTimepoint']({ patientKey: 'P1', timepointId: 'fu1' }, ctx())).deleted).toBe(true);
    expect((await h['recist:timepoints']({ patientKey: 'P1' }, ctx())).timepoints).toHaveLength(1);
    expect(existsSync(path.join(deps.dataDir, 'voxa.sqlite'))).toBe(true);
  });
});
