/**
 * RECIST reports from a timepoints document: CSV (lesion table and response
 * per timepoint), JSON, SVG plots and a PDF (response table, lesion table,
 * spider plot, sum-of-diameters curve and key images with their calipers).
 * Plots come from common/recist/plots (the same paths the app draws); the PDF
 * is written with pdf-lib; key images are grey PNGs encoded here with zlib.
 */
import { deflateSync } from 'node:zlib';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { VoxaError } from '../../../common/contract';
import type { LesionMeasurement } from '../../../common/geometry/recistAxes';
import { inPlaneAxes } from '../../../common/geometry/sliceHulls';
import { lesionSeries, plotToSvg, SERIES_COLOURS, spiderPlot, sumCurvePlot, type LesionSeries, type Plot } from '../../../common/recist/plots';
import { evaluateResponse, parseTimepoints, type ResponseReport } from '../../../common/recist/response';
import type { Volume } from '../../../common/volume';
import { writeFileAtomic } from '../io/atomicWrite';

export interface RecistReportData {
  response: ResponseReport;
  series: LesionSeries;
  /** One row per lesion per timepoint. */
  lesionRows: LesionRow[];
}

export interface LesionRow {
  timepointId: string;
  date: string;
  lesionId: string;
  role: string;
  organ: string;
  isNode: boolean;
  status: string;
  longAxisMm: number | null;
  shortAxisMm: number | null;
  /** The diameter that enters the sum (targets only). */
  sumDiameterMm: number | null;
  manual: boolean;
}

/** Validates the document and gathers everything a report shows. */
export function buildReportData(doc: unknown): RecistReportData {
  const response = evaluateResponse(doc);
  const series = lesionSeries(doc);
  const { baseline, followUps } = parseTimepoints(doc);
  const base = new Map(baseline.lesions.map((l) => [l.id, l]));
  const lesionRows: LesionRow[] = [];
  for (const tp of [baseline, ...followUps]) {
    for (const l of tp.lesions) {
      const b = base.get(l.id);
      const role = b?.role ?? l.role ?? 'new';
      const isNode = b?.isNode ?? l.isNode ?? false;
      const d = l.status === 'absent' ? 0 : l.status === 'notEvaluable' ? null : ((isNode ? l.shortAxisMm : l.longAxisMm) ?? null);
      lesionRows.push({
        timepointId: tp.id,
        date: tp.date,
        lesionId: l.id,
        role,
        organ: b?.organ ?? l.organ ?? '',
        isNode,
        status: l.status,
        longAxisMm: l.longAxisMm ?? null,
        shortAxisMm: l.shortAxisMm ?? null,
        sumDiameterMm: role === 'target' ? d : null,
        manual: l.manual ?? false,
      });
    }
  }
  return { response, series, lesionRows };
}

const r2 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 100) / 100 + 0);

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csv = (rows: unknown[][]) => `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

/** Lesion table: one row per lesion per timepoint (mm, unrounded). */
export function lesionCsv(data: RecistReportData): string {
  const head = ['timepoint', 'date', 'lesion', 'role', 'organ', 'lymph_node', 'status', 'long_axis_mm', 'short_axis_mm', 'sum_diameter_mm', 'manual'];
  return csv([head, ...data.lesionRows.map((r) => [r.timepointId, r.date, r.lesionId, r.role, r.organ, r.isNode, r.status, r.longAxisMm, r.shortAxisMm, r.sumDiameterMm, r.manual])]);
}

/** Response per timepoint: sum, change vs baseline and nadir, target/non-target/overall response. */
export function responseCsv(data: RecistReportData): string {
  const b = data.response.baseline;
  const head = ['timepoint', 'date', 'sum_mm', 'sum_complete', 'change_from_baseline_mm', 'change_from_baseline_pct', 'nadir_mm', 'nadir_timepoint', 'change_from_nadir_mm', 'change_from_nadir_pct', 'target_response', 'non_target_response', 'new_lesions', 'overall'];
  const rows: unknown[][] = [[b.timepointId, b.date, b.sumMm, true, '', '', '', '', '', '', 'baseline', '', '', 'baseline']];
  for (const f of data.response.followUps) {
    rows.push([f.timepointId, f.date, f.sumMm, f.sumComplete, f.changeFromBaselineMm, f.changeFromBaselinePct, f.nadirMm, f.nadirTimepointId, f.changeFromNadirMm, f.changeFromNadirPct, f.targetResponse ?? '', f.nonTargetResponse ?? '', f.newLesions.join(' '), f.overall]);
  }
  return csv([head, ...rows]);
}

export function reportJson(data: RecistReportData) {
  return { convention: 'diameters in mm; node targets enter the sum by short axis, others by long axis', response: data.response, series: data.series, lesions: data.lesionRows };
}

// ---------------------------------------------------------------- key images

export interface KeyImage {
  title: string;
  /** Grey pixels, row-major, `width` × `height`. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Physical pixel size (mm) along x and y, so the image keeps its aspect. */
  pixelMm: [number, number];
  /** Calipers in pixel coordinates (pixel centres at integer + 0.5). */
  calipers: { from: [number, number]; to: [number, number]; label: string; colour: [number, number, number] }[];
}

/**
 * The slice a lesion was measured on, windowed to 8 bits (the window given,
 * else a soft-tissue window W400/L40 for CT, else the 1st–99th percentile of
 * the slice), with its long and short axis as calipers.
 */
export function keyImageOf(image: Volume, m: LesionMeasurement, title: string, window?: { center: number; width: number }): KeyImage {
  const [a, b] = inPlaneAxes(m.sliceAxis);
  const dims = image.geometry.dimensions;
  const w = dims[a];
  const h = dims[b];
  const stride = [1, dims[0], dims[0] * dims[1]];
  const base = m.longAxis.sliceIndex * (stride[m.sliceAxis] as number);
  const values = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values[y * w + x] = image.voxels[base + x * (stride[a] as number) + y * (stride[b] as number)] as number;
  let lo: number;
  let hi: number;
  const win = window ?? (image.meta.modality === 'CT' ? { center: 40, width: 400 } : undefined);
  if (win) {
    lo = win.center - win.width / 2;
    hi = win.center + win.width / 2;
  } else {
    const sorted = Float64Array.from(values).sort();
    lo = sorted[Math.floor(0.01 * (sorted.length - 1))] as number;
    hi = sorted[Math.floor(0.99 * (sorted.length - 1))] as number;
    if (!(hi > lo)) hi = lo + 1;
  }
  const pixels = new Uint8Array(w * h);
  for (let n = 0; n < values.length; n++) pixels[n] = Math.max(0, Math.min(255, Math.round((255 * ((values[n] as number) - lo)) / (hi - lo))));
  const px = (ijk: readonly number[]): [number, number] => [(ijk[a] as number) + 0.5, (ijk[b] as number) + 0.5];
  return {
    title,
    pixels,
    width: w,
    height: h,
    pixelMm: [image.geometry.spacingMm[a], image.geometry.spacingMm[b]],
    calipers: [
      { from: px(m.longAxis.startIjk), to: px(m.longAxis.endIjk), label: `long ${m.longAxis.lengthMm.toFixed(1)} mm`, colour: [1, 0.8, 0] },
      ...(m.shortAxis.lengthMm > 0 ? [{ from: px(m.shortAxis.startIjk), to: px(m.shortAxis.endIjk), label: `short ${m.shortAxis.lengthMm.toFixed(1)} mm`, colour: [0, 0.8, 1] as [number, number, number] }] : []),
    ],
  };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let n = 0; n < bytes.length; n++) c = (CRC_TABLE[(c ^ (bytes[n] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An 8-bit greyscale PNG. */
export function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

// ---------------------------------------------------------------- PDF

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;

function hexColour(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/** Characters WinAnsi (the standard fonts' encoding) holds beyond Latin-1: dashes, quotes, bullet, ellipsis, euro... */
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
/** Standard fonts encode WinAnsi only: keep what it has (dashes included), spell out the rest. */
export const pdfText = (s: string) =>
  s
    .replace(/−/g, '-')
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, (c) => (WIN_ANSI_EXTRA.includes(c) ? c : '?'));

class Writer {
  page: PDFPage;
  y: number;
  constructor(
    private doc: PDFDocument,
    private font: PDFFont,
    private bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }
  need(h: number) {
    if (this.y - h < MARGIN) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN;
    }
  }
  text(s: string, size = 10, bold = false, x = MARGIN) {
    this.need(size + 4);
    this.page.drawText(pdfText(s), { x, y: this.y - size, size, font: bold ? this.bold : this.font });
    this.y -= size + 4;
  }
  table(head: string[], rows: string[][], widths: number[], size = 8) {
    const row = (cells: string[], bold: boolean) => {
      this.need(size + 4);
      let x = MARGIN;
      cells.forEach((cell, n) => {
        this.page.drawText(pdfText(cell), { x, y: this.y - size, size, font: bold ? this.bold : this.font });
        x += widths[n] as number;
      });
      this.y -= size + 4;
    };
    row(head, true);
    for (const r of rows) row(r, false);
    this.y -= 6;
  }
  plot(p: Plot) {
    this.need(p.height + 8);
    const top = this.y;
    const { page } = this;
    const at = (x: number, y: number) => ({ x: MARGIN + x, y: top - y });
    const a = p.area;
    page.drawText(pdfText(p.title), { ...at(a.left, 14), size: 10, font: this.bold });
    page.drawSvgPath(`M ${a.left} ${a.top} L ${a.left} ${a.bottom} L ${a.right} ${a.bottom}`, { x: MARGIN, y: top, borderColor: rgb(0.3, 0.3, 0.3), borderWidth: 1 });
    for (const t of p.yTicks) page.drawText(pdfText(t.label), { ...at(a.left - 4 - this.font.widthOfTextAtSize(pdfText(t.label), 7), t.y + 2), size: 7, font: this.font });
    for (const t of p.xTicks) page.drawText(pdfText(t.label), { ...at(t.x - this.font.widthOfTextAtSize(t.label, 7) / 2, a.bottom + 10), size: 7, font: this.font });
    page.drawText(pdfText(p.xLabel), { ...at((a.left + a.right) / 2 - 30, p.height - 4), size: 7, font: this.font });
    for (const g of p.guides) {
      page.drawSvgPath(g.path, { x: MARGIN, y: top, borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.5, borderDashArray: [3, 2] });
      page.drawText(pdfText(g.label), { ...at(a.right - this.font.widthOfTextAtSize(pdfText(g.label), 6), g.y - 2), size: 6, font: this.font, color: rgb(0.4, 0.4, 0.4) });
    }
    p.series.forEach((s, n) => {
      const col = hexColour(SERIES_COLOURS[n % SERIES_COLOURS.length] as string);
      if (s.path) page.drawSvgPath(s.path, { x: MARGIN, y: top, borderColor: col, borderWidth: 1.5 });
      for (const pt of s.points) page.drawCircle({ ...at(pt.x, pt.y), size: 2, color: col });
    });
    // Legend.
    p.series.forEach((s, n) => {
      if (p.series.length < 2) return;
      const col = hexColour(SERIES_COLOURS[n % SERIES_COLOURS.length] as string);
      page.drawText(pdfText(s.id), { ...at(p.width + 6, a.top + 10 * n + 6), size: 7, font: this.font, color: col });
    });
    this.y -= p.height + 8;
  }
  async image(k: KeyImage, maxW: number) {
    const mmW = k.width * k.pixelMm[0];
    const mmH = k.height * k.pixelMm[1];
    const scale = Math.min(maxW / mmW, 260 / mmH);
    const w = mmW * scale;
    const h = mmH * scale;
    this.need(h + 20);
    this.text(k.title, 9, true);
    const png = await this.doc.embedPng(encodeGreyPng(k.pixels, k.width, k.height));
    const x0 = MARGIN;
    const y0 = this.y - h;
    this.page.drawImage(png, { x: x0, y: y0, width: w, height: h });
    const sx = w / k.width;
    const sy = h / k.height;
    const pt = (p: [number, number]) => ({ x: x0 + p[0] * sx, y: y0 + h - p[1] * sy });
    for (const c of k.calipers) {
      const colour = rgb(...c.colour);
      this.page.drawLine({ start: pt(c.from), end: pt(c.to), thickness: 1, color: colour });
      for (const e of [c.from, c.to]) this.page.drawCircle({ ...pt(e), size: 1.5, color: colour });
      this.page.drawText(pdfText(c.label), { x: x0 + w + 6, y: y0 + h - 10 - 10 * k.calipers.indexOf(c), size: 8, font: this.font, color: colour });
    }
    this.y = y0 - 10;
  }
}

const fmt = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '-' : `${r2(v)}${unit}`);
const signed = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '-' : `${v > 0 ? '+' : ''}${r2(v)}${unit}`);

/** The PDF report. */
export async function reportPdf(data: RecistReportData, options: { title?: string; keyImages?: KeyImage[]; created?: Date } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(options.title ?? 'RECIST 1.1 report');
  doc.setProducer('Voxa');
  doc.setCreator('Voxa workstation');
  const created = options.created ?? new Date();
  doc.setCreationDate(created);
  doc.setModificationDate(created);
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  const r = data.response;
  w.text(options.title ?? 'RECIST 1.1 report', 16, true);
  w.text(`Baseline ${r.baseline.timepointId} (${r.baseline.date}): sum of diameters ${fmt(r.baseline.sumMm, ' mm')}, ${r.baseline.targets.length} target(s), ${r.baseline.nonTargets.length} non-target(s)`, 9);
  for (const warn of r.baseline.warnings) w.text(`Warning: ${warn}`, 8);
  w.y -= 4;
  w.text('Response', 12, true);
  w.table(
    ['Timepoint', 'Date', 'Sum (mm)', 'vs baseline', 'vs nadir', 'Target', 'Non-target', 'New', 'Overall'],
    // The baseline first, as in response.csv: the row every change is measured against.
    [
      [r.baseline.timepointId, r.baseline.date.slice(0, 10), fmt(r.baseline.sumMm), '-', '-', '-', '-', '-', 'baseline'],
      ...r.followUps.map((f) => [f.timepointId, f.date.slice(0, 10), `${fmt(f.sumMm)}${f.sumComplete ? '' : '*'}`, signed(f.changeFromBaselinePct, ' %'), `${signed(f.changeFromNadirMm, ' mm')} / ${signed(f.changeFromNadirPct, ' %')}`, f.targetResponse ?? '-', f.nonTargetResponse ?? '-', f.newLesions.join(' ') || '-', f.overall]),
    ],
    [62, 54, 46, 54, 100, 38, 72, 44, 45],
  );
  for (const f of r.followUps) for (const reason of f.reasons) w.text(`${f.timepointId}: ${reason}`, 7);
  w.y -= 4;
  w.text('Lesions', 12, true);
  w.table(
    ['Timepoint', 'Lesion', 'Role', 'Organ', 'Node', 'Status', 'Long (mm)', 'Short (mm)', 'In sum (mm)'],
    data.lesionRows.map((l) => [l.timepointId, l.lesionId, l.role, l.organ || '-', l.isNode ? 'yes' : '', l.status, `${fmt(l.longAxisMm)}${l.manual ? ' (manual)' : ''}`, fmt(l.shortAxisMm), fmt(l.sumDiameterMm)]),
    [58, 58, 50, 66, 30, 72, 70, 56, 55],
  );
  const size = { width: 420, height: 180 };
  w.plot(spiderPlot(data.series, size));
  w.plot(sumCurvePlot(data.series, size));
  if (options.keyImages?.length) {
    w.need(300); // keep the heading with the first image
    w.text('Key images', 12, true);
    for (const k of options.keyImages) await w.image(k, 300);
  }
  return doc.save();
}

/** The files {@link writeReport} writes. */
export function reportFileNames(pdf: boolean): string[] {
  return ['lesions.csv', 'response.csv', 'report.json', 'spider.svg', 'sum.svg', ...(pdf ? ['report.pdf'] : [])];
}

/** Writes lesions.csv, response.csv, report.json, spider.svg, sum.svg (and report.pdf) into `dir`; returns the files. */
export async function writeReport(dir: string, data: RecistReportData, options: { pdf?: boolean; keyImages?: KeyImage[]; title?: string } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new VoxaError('FORBIDDEN', `cannot create ${path.basename(dir)}: ${(e as Error).message}`);
  });
  const files: [string, Uint8Array | string][] = [
    ['lesions.csv', lesionCsv(data)],
    ['response.csv', responseCsv(data)],
    ['report.json', `${JSON.stringify(reportJson(data), null, 2)}\n`],
    ['spider.svg', plotToSvg(spiderPlot(data.series, { width: 480, height: 240 }))],
    ['sum.svg', plotToSvg(sumCurvePlot(data.series, { width: 480, height: 240 }))],
  ];
  if (options.pdf) files.push(['report.pdf', await reportPdf(data, options)]);
  const out: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, content);
    out.push(file);
  }
  return out;
}
