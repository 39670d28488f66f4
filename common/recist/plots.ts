/**
 * RECIST plots as pure data: the spider plot (each target's % change from
 * baseline over time) and the sum-of-diameters curve, laid out in a box of
 * the caller's size as SVG path strings and labelled points. The app draws
 * them as SVG; the PDF report draws the same paths (pdf-lib drawSvgPath), so
 * both show identical plots. Coordinates: SVG user units, y downwards.
 */
import { evaluateResponse, parseTimepoints } from './response';
import type { TimepointsFileInput } from './timepoints';

const DAY_MS = 86_400_000;

/** Per-target diameters over time (node: short axis; else long axis; absent = 0; not evaluable = null). */
export interface LesionSeries {
  timepoints: { id: string; date: string; day: number }[];
  lesions: { id: string; organ: string | undefined; isNode: boolean; diameters: (number | null)[]; manual: boolean[] }[];
  /** Sum of diameters per timepoint; null when a target was not evaluable. */
  sums: (number | null)[];
}

/** Target diameters at every timepoint (baseline first, by date). Validates like `evaluateResponse`. */
export function lesionSeries(input: TimepointsFileInput | unknown): LesionSeries {
  const report = evaluateResponse(input); // throws on an invalid document
  const { baseline, followUps } = parseTimepoints(input);
  const tps = [baseline, ...followUps];
  const t0 = Date.parse(baseline.date.slice(0, 10));
  const lesions = report.baseline.targets.map((t) => {
    const diameters: (number | null)[] = [];
    const manual: boolean[] = [];
    for (const tp of tps) {
      const o = tp.lesions.find((l) => l.id === t.id);
      manual.push(o?.manual ?? false);
      if (!o || o.status === 'notEvaluable') diameters.push(null);
      else if (o.status === 'absent') diameters.push(0);
      else diameters.push((t.isNode ? o.shortAxisMm : o.longAxisMm) ?? null);
    }
    return { id: t.id, organ: t.organ, isNode: t.isNode, diameters, manual };
  });
  const sums = tps.map((_, n) => (lesions.some((l) => l.diameters[n] === null) ? null : lesions.reduce((s, l) => s + (l.diameters[n] as number), 0)));
  return { timepoints: tps.map((tp) => ({ id: tp.id, date: tp.date, day: Math.round((Date.parse(tp.date.slice(0, 10)) - t0) / DAY_MS) })), lesions, sums };
}

export interface PlotPoint {
  x: number;
  y: number;
  value: number;
  label: string;
}

export interface PlotSeries {
  id: string;
  /** SVG path ("M x y L x y ..."); a gap (null value) starts a new "M". */
  path: string;
  points: PlotPoint[];
}

export interface Plot {
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Plot area inside the margins. */
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** Horizontal reference lines (e.g. +20 % and −30 %), as paths with a label. */
  guides: { y: number; path: string; label: string }[];
  series: PlotSeries[];
}

export interface PlotSize {
  width: number;
  height: number;
}

const MARGIN = { left: 48, right: 12, top: 24, bottom: 34 };
const f1 = (v: number) => (Math.round(v * 10) / 10 + 0).toString();
const c = (v: number) => (Math.round(v * 100) / 100 + 0).toString();

/** "Nice" tick step for a range: 1, 2 or 5 × 10^k giving at most ~6 ticks. */
export function niceStep(range: number, maxTicks = 6): number {
  if (!(range > 0)) return 1;
  const raw = range / maxTicks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function frame(size: PlotSize, days: number[], yMin: number, yMax: number) {
  const area = { left: MARGIN.left, top: MARGIN.top, right: size.width - MARGIN.right, bottom: size.height - MARGIN.bottom };
  const lastDay = Math.max(1, ...days);
  const xOf = (day: number) => area.left + ((area.right - area.left) * day) / lastDay;
  const yOf = (v: number) => area.bottom - ((area.bottom - area.top) * (v - yMin)) / (yMax - yMin);
  return { area, xOf, yOf };
}

function yTicks(yMin: number, yMax: number, yOf: (v: number) => number, suffix: string) {
  const step = niceStep(yMax - yMin);
  const out: { y: number; label: string }[] = [];
  for (let v = Math.ceil(yMin / step) * step; v <= yMax + 1e-9; v += step) out.push({ y: yOf(v), label: `${f1(v)}${suffix}` });
  return out;
}

function seriesPath(points: (PlotPoint | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${pen ? ' L' : d ? ' M' : 'M'} ${c(p.x)} ${c(p.y)}`;
    pen = true;
  }
  return d;
}

/** Spider plot: each target's % change from its baseline diameter; guides at +20 % and −30 %. */
export function spiderPlot(data: LesionSeries, size: PlotSize): Plot {
  const pcts = data.lesions.map((l) => {
    const b = l.diameters[0] ?? null;
    return l.diameters.map((d) => (d === null || b === null || b <= 0 ? null : (100 * (d - b)) / b));
  });
  const all = pcts.flat().filter((v): v is number => v !== null);
  const yMin = Math.min(-40, ...all);
  const yMax = Math.max(30, ...all);
  const step = niceStep(yMax - yMin);
  const lo = Math.floor(yMin / step) * step;
  const hi = Math.ceil(yMax / step) * step;
  const { area, xOf, yOf } = frame(size, data.timepoints.map((t) => t.day), lo, hi);
  const guide = (v: number, label: string) => ({ y: yOf(v), path: `M ${c(area.left)} ${c(yOf(v))} L ${c(area.right)} ${c(yOf(v))}`, label });
  return {
    width: size.width,
    height: size.height,
    title: 'Change from baseline per target lesion',
    xLabel: 'days from baseline',
    yLabel: '% change',
    area,
    xTicks: data.timepoints.map((t) => ({ x: xOf(t.day), label: `${t.day}` })),
    yTicks: yTicks(lo, hi, yOf, '%'),
    guides: [guide(0, '0 %'), guide(20, '+20 % (PD)'), guide(-30, '−30 % (PR)')],
    series: data.lesions.map((l, n) => {
      const pts = (pcts[n] as (number | null)[]).map((v, k) => (v === null ? null : { x: xOf((data.timepoints[k] as { day: number }).day), y: yOf(v), value: v, label: `${l.id} ${data.timepoints[k]?.id}: ${f1(v)} %` }));
      return { id: l.id, path: seriesPath(pts), points: pts.filter((p): p is PlotPoint => p !== null) };
    }),
  };
}

/** Sum of target diameters (mm) over time, with the baseline as a guide. */
export function sumCurvePlot(data: LesionSeries, size: PlotSize): Plot {
  const sums = data.sums.filter((v): v is number => v !== null);
  const hi0 = Math.max(10, ...sums) * 1.1;
  const step = niceStep(hi0);
  const hi = Math.ceil(hi0 / step) * step;
  const { area, xOf, yOf } = frame(size, data.timepoints.map((t) => t.day), 0, hi);
  const pts = data.sums.map((v, k) => (v === null ? null : { x: xOf((data.timepoints[k] as { day: number }).day), y: yOf(v), value: v, label: `${data.timepoints[k]?.id}: ${f1(v)} mm` }));
  const b = data.sums[0];
  return {
    width: size.width,
    height: size.height,
    title: 'Sum of diameters',
    xLabel: 'days from baseline',
    yLabel: 'mm',
    area,
    xTicks: data.timepoints.map((t) => ({ x: xOf(t.day), label: `${t.day}` })),
    yTicks: yTicks(0, hi, yOf, ''),
    guides: b === null || b === undefined ? [] : [{ y: yOf(b), path: `M ${c(area.left)} ${c(yOf(b))} L ${c(area.right)} ${c(yOf(b))}`, label: 'baseline' }],
    series: [{ id: 'sum', path: seriesPath(pts), points: pts.filter((p): p is PlotPoint => p !== null) }],
  };
}

/** A distinct colour per series index (colour-blind-safe Okabe–Ito order). */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442'] as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A standalone SVG document of a plot. */
export function plotToSvg(p: Plot): string {
  const a = p.area;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${p.height}" viewBox="0 0 ${p.width} ${p.height}" font-family="sans-serif" font-size="10">`,
    `<text x="${a.left}" y="14" font-size="12" font-weight="bold">${esc(p.title)}</text>`,
    `<path d="M ${a.left} ${a.top} L ${a.left} ${a.bottom} L ${a.right} ${a.bottom}" stroke="#444" fill="none"/>`,
    ...p.yTicks.map((t) => `<text x="${a.left - 4}" y="${c(t.y + 3)}" text-anchor="end">${esc(t.label)}</text>`),
    ...p.xTicks.map((t) => `<text x="${c(t.x)}" y="${a.bottom + 12}" text-anchor="middle">${esc(t.label)}</text>`),
    `<text x="${c((a.left + a.right) / 2)}" y="${p.height - 4}" text-anchor="middle">${esc(p.xLabel)}</text>`,
    ...p.guides.map((g) => `<path d="${g.path}" stroke="#999" stroke-dasharray="4 3" fill="none"/><text x="${c(a.right)}" y="${c(g.y - 2)}" text-anchor="end" fill="#666">${esc(g.label)}</text>`),
    ...p.series.map((s, n) => {
      const col = SERIES_COLOURS[n % SERIES_COLOURS.length];
      return `<g data-series="${esc(s.id)}"><path d="${s.path}" stroke="${col}" stroke-width="2" fill="none"/>${s.points.map((pt) => `<circle cx="${c(pt.x)}" cy="${c(pt.y)}" r="3" fill="${col}"><title>${esc(pt.label)}</title></circle>`).join('')}</g>`;
    }),
    '</svg>',
  ];
  return parts.join('');
}
