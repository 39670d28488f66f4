import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lpsToIjk } from '../../../common/geometry/affine';
import type { VolumeGeometry } from '../../../common/volume';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { hasPythonModules, PYTHON } from '../../testing/pythonReference';
import { readRtStruct, readRtStructFile, xorFillPolygon } from './rtStruct';
import { loadSourceSeries } from './sourceSeries';

interface ContourRef { roi: number; name: string; height: number; area: number; perimeter: number; contours: number }
const reference = (file: string, g: VolumeGeometry): ContourRef[] =>
  JSON.parse(
    execFileSync(PYTHON, [path.join(__dirname, 'reference', 'rtstruct_reference.py'), file, g.direction.slice(0, 3).join(','), g.direction.slice(3, 6).join(',')], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as ContourRef[];

/** Compares per-slice voxel areas with the shoelace areas; returns the summed relative error. */
function compare(result: Awaited<ReturnType<typeof readRtStructFile>>, refs: ContourRef[], g: VolumeGeometry): { checked: number; relError: number; worstMm2: number } {
  const [ni, nj, nk] = g.dimensions;
  const pxArea = g.spacingMm[0] * g.spacingMm[1];
  const pixel = Math.max(g.spacingMm[0], g.spacingMm[1]);
  let checked = 0;
  let sumDiff = 0;
  let sumArea = 0;
  let worst = 0;
  for (const r of refs) {
    const k = Math.round(lpsToIjk(g, [g.originLps[0], g.originLps[1], r.height])[2]);
    if (k < 0 || k >= nk) continue;
    const seg = result.segments[result.roiNumbers.indexOf(r.roi)];
    expect(seg, `ROI ${r.roi}`).toBeDefined();
    const slice = seg!.mask.subarray(k * ni * nj, (k + 1) * ni * nj);
    let count = 0;
    for (let v = 0; v < slice.length; v++) count += slice[v] as number;
    const diff = Math.abs(count * pxArea - r.area);
    // Voxel-centre rasterisation errs by at most about half a pixel along the outline.
    expect(diff, `${r.name} at ${r.height} mm`).toBeLessThanOrEqual(0.5 * r.perimeter * pixel + 2 * pxArea);
    worst = Math.max(worst, diff);
    sumDiff += diff;
    sumArea += r.area;
    checked++;
  }
  return { checked, relError: sumDiff / sumArea, worstMm2: worst };
}

describe('polygon fill', () => {
  it('fills an axis-aligned rectangle by voxel centres and cuts a nested hole', () => {
    const s = new Uint8Array(10 * 10);
    xorFillPolygon(s, 10, 10, [1.5, 6.5, 6.5, 1.5], [2.5, 2.5, 7.5, 7.5]); // centres 2..6 × 3..7
    expect(s.reduce((a, b) => a + b, 0)).toBe(25);
    xorFillPolygon(s, 10, 10, [2.5, 4.5, 4.5, 2.5], [3.5, 3.5, 5.5, 5.5]); // 2×2 hole
    expect(s.reduce((a, b) => a + b, 0)).toBe(21);
    expect(s[3 + 10 * 4]).toBe(0);
  });
});

describe.skipIf(!hasData || !hasPythonModules(['pydicom', 'numpy']))('RTSTRUCT rasterisation vs shoelace areas (pydicom)', () => {
  it('rt-utils phantom: ROI-1 (a square with an octagonal hole) on its 2-slice CT', async () => {
    const dir = dataPath('rtstruct_phantom_rtutils');
    const ct = await loadSourceSeries(path.join(dir, 'ct_1.dcm'));
    const result = await readRtStructFile(path.join(dir, 'rt.dcm'), ct.volume.geometry);
    expect(result.segments.map((s) => s.label)).toEqual(['ROI-1']);
    expect(result.segments[0]!.colorRgb).toEqual([162, 136, 95]);
    const stats = compare(result, reference(path.join(dir, 'rt.dcm'), ct.volume.geometry), ct.volume.geometry);
    expect(stats.checked).toBe(1);
    expect(stats.relError).toBeLessThan(0.05);
  });

  it('dicompyler breast: 10 ROIs on the referenced grid (98 × 3 mm slices) match within 0.5 % overall', () => {
    const dir = dataPath('rtstruct_breast_dicompyler');
    // The CT slice present (ct.0, z = 168.5593) is the top of the 98 referenced slices 3 mm apart.
    const g: VolumeGeometry = { dimensions: [512, 512, 98], spacingMm: [1.074219, 1.074219, 3], originLps: [-275, -524, 168.5593 - 97 * 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const file = path.join(dir, 'rtss.dcm');
    const result = readRtStruct(readFileSync(file), 'rtss.dcm', g);
    expect(result.segments.map((s) => s.label)).toEqual(['BODY', 'Areola', 'Borders', 'Breast', 'Heart', 'Lt Lung', 'Nodes', 'Scar', 'Tumor Bed', 'Tumor Bed Block']);
    const stats = compare(result, reference(file, g), g);
    expect(stats.checked).toBeGreaterThan(300);
    expect(stats.relError).toBeLessThan(0.005);
    console.log(`dicompyler breast: ${stats.checked} ROI-slices, summed |area error| ${(100 * stats.relError).toFixed(2)} %, worst ${stats.worstMm2.toFixed(1)} mm²`);
  });

  it('on the single CT slice that is present, only BODY lands and the rest is reported', async () => {
    const dir = dataPath('rtstruct_breast_dicompyler');
    const ct = await loadSourceSeries(path.join(dir, 'ct.0.dcm'));
    const result = await readRtStructFile(path.join(dir, 'rtss.dcm'), ct.volume.geometry);
    const nonEmpty = result.segments.filter((s) => s.mask.some((v) => v !== 0)).map((s) => s.label);
    expect(nonEmpty).toEqual(['BODY']);
    expect(result.warnings.join(' ')).toMatch(/contours lie on slices outside this image/);
  });

  it('refuses a CT image and the preamble-less tiny RTSTRUCT with typed errors', () => {
    const g: VolumeGeometry = { dimensions: [4, 4, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    expect(() => readRtStruct(readFileSync(dataPath('rtstruct_breast_dicompyler', 'ct.0.dcm')), 'ct.0.dcm', g)).toThrow(/not an RT Structure Set/);
    expect(() => readRtStruct(readFileSync(dataPath('rtstruct_breast_dicompyler', 'pydicom_rtstruct_tiny.dcm')), 'tiny.dcm', g)).toThrow(/not a readable DICOM/);
  });
});
