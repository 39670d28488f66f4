/**
 * RECIST reports: CSV values equal hand-computed sums and responses, plot
 * points sit where the axes say, the PDF parses (pdf-lib) and Ghostscript's
 * text extraction finds the tables, and key images decode (Pillow) with the
 * calipers on the measured voxels.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import { measureLesion } from '../../../common/geometry/recistAxes';
import { spiderPlot, sumCurvePlot } from '../../../common/recist/plots';
import type { Volume } from '../../../common/volume';
import { hasPythonModules, PYTHON } from '../../testing/pythonReference';
import { STUDY } from './testing/sampleStudy';
import { buildReportData, encodeGreyPng, keyImageOf, lesionCsv, pdfText, reportPdf, responseCsv, writeReport } from './recistReport';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const hasGs = spawnSync('gs', ['--version'], { stdio: 'ignore' }).status === 0;

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\r\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries((head as string[]).map((h, n) => [h, r[n] ?? ''])));
}

describe('RECIST report data, CSV and plots', () => {
  const data = buildReportData(STUDY);

  it('response.csv: sums 60/42/47/54 mm, −30 % → PR, +5 mm over nadir → SD, +12 mm / +28.6 % → PD', () => {
    const rows = parseCsv(responseCsv(data));
    expect(rows.map((r) => Number(r.sum_mm))).toEqual([60, 42, 47, 54]);
    expect(rows.map((r) => r.overall)).toEqual(['baseline', 'PR', 'SD', 'PD']);
    expect(Number(rows[1]!.change_from_baseline_pct)).toBeCloseTo(-30, 9);
    expect(Number(rows[2]!.change_from_nadir_mm)).toBeCloseTo(5, 9);
    expect(rows[3]!.nadir_timepoint).toBe('fu1');
    expect(Number(rows[3]!.change_from_nadir_pct)).toBeCloseTo((100 * 12) / 42, 9);
  });

  it('lesions.csv: one row per lesion per timepoint, node targets enter the sum by short axis, manual values flagged', () => {
    const rows = parseCsv(lesionCsv(data));
    expect(rows).toHaveLength(12);
    const n1 = rows.filter((r) => r.lesion === 'N1').map((r) => Number(r.sum_diameter_mm));
    expect(n1).toEqual([20, 14, 14, 14]);
    expect(rows.find((r) => r.lesion === 'N1')!.organ).toBe('lymph nodes');
    expect(rows.filter((r) => r.manual === 'true').map((r) => `${r.timepoint}/${r.lesion}`)).toEqual(['fu2/T1']);
    expect(rows.filter((r) => r.lesion === 'NT1').every((r) => r.sum_diameter_mm === '')).toBe(true);
  });

  it('spider plot: T1 at fu1 (−30 %) on the −30 % guide, N1 at fu1 (−30 %) too, x proportional to days (56 of 168)', () => {
    const p = spiderPlot(data.series, { width: 400, height: 200 });
    const guide30 = p.guides.find((g) => g.label.includes('30'))!;
    const zero = p.guides.find((g) => g.label.startsWith('0'))!;
    const t1 = p.series.find((s) => s.id === 'T1')!;
    expect(t1.points).toHaveLength(4);
    expect(t1.points[1]!.value).toBeCloseTo(-30, 9);
    expect(t1.points[1]!.y).toBeCloseTo(guide30.y, 9);
    expect(t1.points[0]!.y).toBeCloseTo(zero.y, 9);
    // fu2: 33 mm = −17.5 %: linear between 0 and −30 %.
    expect(t1.points[2]!.y).toBeCloseTo(zero.y + ((guide30.y - zero.y) * 17.5) / 30, 9);
    const days = data.series.timepoints.map((t) => t.day);
    expect(days).toEqual([0, 56, 112, 168]);
    expect((t1.points[1]!.x - p.area.left) / (p.area.right - p.area.left)).toBeCloseTo(56 / 168, 9);
    expect(t1.path.match(/[ML]/g)).toHaveLength(4);
  });

  it('sum curve: points at 60, 42, 47, 54 mm on a linear axis from 0; a not-evaluable target leaves a gap', () => {
    const p = sumCurvePlot(data.series, { width: 400, height: 200 });
    const pts = p.series[0]!.points;
    expect(pts.map((x) => x.value)).toEqual([60, 42, 47, 54]);
    const slope = (pts[0]!.y - pts[1]!.y) / (60 - 42);
    expect((pts[2]!.y - pts[1]!.y) / (47 - 42)).toBeCloseTo(slope, 9);
    expect(p.area.bottom - pts[0]!.y).toBeCloseTo(-slope * 60, 9);
    const gap = buildReportData({ ...STUDY, timepoints: STUDY.timepoints.map((t) => (t.id === 'fu2' ? { ...t, lesions: [{ id: 'T1', status: 'notEvaluable' as const }, { id: 'N1', shortAxisMm: 14 }, { id: 'NT1' }] } : t)) });
    const g = sumCurvePlot(gap.series, { width: 400, height: 200 }).series[0]!;
    expect(g.points).toHaveLength(3);
    expect(g.path.match(/M/g)).toHaveLength(2);
  });

  it('an invalid document is refused with the RECIST message', () => {
    try {
      buildReportData({ timepoints: [{ id: 'b', date: '2026-01-01', lesions: [{ id: 'T1', role: 'target' }] }] });
      expect.unreachable();
    } catch (e) {
      expect(isVoxaError(e) && e.code).toBe('BAD_REQUEST');
    }
  });
});

function ellipseVolume(): { image: Volume; mask: Volume } {
  const dims: [number, number, number] = [64, 48, 5];
  const n = dims[0] * dims[1] * dims[2];
  const img = new Int16Array(n);
  const lab = new Uint8Array(n);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const v = i + dims[0] * (j + dims[1] * k);
        const inside = ((i - 30) / 20) ** 2 + ((j - 24) / 9) ** 2 <= 1 && k >= 1 && k <= 3;
        img[v] = inside ? 200 : -50 + ((i * 7 + j * 3) % 40);
        lab[v] = inside ? 1 : 0;
      }
  const geometry = { dimensions: dims, spacingMm: [0.8, 1.2, 3] as [number, number, number], originLps: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
  const meta = { modality: 'MR', sourceFormat: 'nifti' as const, description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] };
  return { image: { geometry, voxels: img, meta } as unknown as Volume, mask: { geometry, voxels: lab, meta } as unknown as Volume };
}

describe('key images and the PDF', () => {
  const { image, mask } = ellipseVolume();
  const m = measureLesion(mask, { label: 1 })!;
  const key = keyImageOf(image, m, 'T1 baseline');

  it('key image: the measured slice with calipers on the long-axis voxel centres; the PNG decodes (Pillow) to the same pixels', () => {
    expect([key.width, key.height]).toEqual([64, 48]);
    expect(key.calipers[0]!.from).toEqual([m.longAxis.startIjk[0] + 0.5, m.longAxis.startIjk[1] + 0.5]);
    expect(Math.abs(key.calipers[0]!.to[0] - key.calipers[0]!.from[0])).toBe(40); // i = 10 … 50
    // Lesion pixels are the brightest: 255 after the 1–99 % window.
    expect(key.pixels[24 * 64 + 30]).toBe(255);
    if (hasPythonModules(['PIL'])) {
      const file = path.join(tmp, 'key.png');
      writeFileSync(file, encodeGreyPng(key.pixels, key.width, key.height));
      const ref = JSON.parse(execFileSync(PYTHON, ['-c', 'import sys,json; from PIL import Image; im=Image.open(sys.argv[1]); print(json.dumps([im.mode, im.size, sum(im.getdata()), im.getpixel((30,24))]))', file], { encoding: 'utf8' })) as [string, [number, number], number, number];
      expect(ref[0]).toBe('L');
      expect(ref[1]).toEqual([64, 48]);
      expect(ref[2]).toBe(key.pixels.reduce((a, b) => a + b, 0));
      expect(ref[3]).toBe(255);
    }
  });

  it('PDF parses, and its text holds the response and lesion tables and the key image title', async () => {
    const bytes = await reportPdf(buildReportData(STUDY), { title: 'Report for phantom — RECIST 1.1', keyImages: [key], created: new Date('2026-07-01T00:00:00Z') });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getTitle()).toBe('Report for phantom — RECIST 1.1');
    expect(pdfText('RECIST 1.1 — P1 – 12×8 mm ≥ 10')).toBe('RECIST 1.1 — P1 – 12×8 mm >= 10');
    if (!hasGs) return;
    const file = path.join(tmp, 'r.pdf');
    writeFileSync(file, bytes);
    const text = execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=txtwrite', '-sOutputFile=-', file], { encoding: 'utf8' });
    // The dash is drawn as a dash, not "?"; the response table starts with the baseline row, as the CSV does.
    expect(text).toMatch(/Report for phantom — RECIST 1\.1/);
    expect(text).toMatch(/base\s+2026-01-05\s+60\s+-\s+-\s+-\s+-\s+-\s+baseline/);
    expect(text).toMatch(/fu1\s+2026-03-02\s+42\s+-30 %.*PR/);
    expect(text).toMatch(/fu3\s+2026-06-22\s+54\s+-10 %\s+\+12 mm \/ \+28\.57 %.*PD/);
    expect(text).toMatch(/fu2\s+T1\s+target\s+liver\s+present\s+33 \(manual\)/);
    expect(text).toMatch(/Change from baseline per target lesion/);
    expect(text).toMatch(/Sum of diameters/);
    expect(text).toMatch(/T1 baseline/);
    expect(text).toMatch(/long 32\.0 mm/);
  });

  it('writeReport writes the CSV, JSON, SVG and PDF files', async () => {
    const files = await writeReport(path.join(tmp, 'out'), buildReportData(STUDY), { pdf: true });
    expect(files.map((f) => path.basename(f))).toEqual(['lesions.csv', 'response.csv', 'report.json', 'spider.svg', 'sum.svg', 'report.pdf']);
    const json = JSON.parse(readFileSync(files[2]!, 'utf8')) as { response: { followUps: { overall: string }[] } };
    expect(json.response.followUps.map((f) => f.overall)).toEqual(['PR', 'SD', 'PD']);
    expect(readFileSync(files[3]!, 'utf8')).toMatch(/^<svg[^>]*>.*data-series="T1".*data-series="N1"/);
  });
});
