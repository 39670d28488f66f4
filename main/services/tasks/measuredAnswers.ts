/**
 * Questions about what Voxa itself measured — size, volume, change since
 * baseline, RECIST category — are answered from stored measurements and
 * marked `source: "measured"`; they never reach a model (a model would guess a
 * number that Voxa knows). When no measurement exists the answer says so.
 *
 * `MeasurementSource` is the narrow interface to wherever measurements live
 * (the study database, a mask measured on the fly, a timepoints file); see
 * `measurementsFromMask` and `responseFromTimepoints` for the two the CLI uses.
 */
import { measureLesion } from '../../../common/geometry/recistAxes';
import { evaluateResponse } from '../../../common/recist/response';
import type { VolumeGeometry } from '../../../common/volume';

export interface LesionRecord {
  lesion: number;
  name?: string;
  longAxisMm: number;
  shortAxisMm: number;
  volumeMl: number;
  longest3dMm?: number;
  /** Slice (along the axial grid axis) of the long axis. */
  sliceIndex?: number;
}

export interface ResponseRecord {
  timepointId: string;
  sumMm: number;
  baselineSumMm: number;
  changeFromBaselinePct: number | null;
  changeFromNadirPct: number | null;
  category: string;
  reasons: string[];
}

export interface MeasurementSource {
  lesions(): LesionRecord[];
  /** The latest follow-up's assessment, when timepoints are known. */
  response(): ResponseRecord | null;
}

export type MeasuredIntent = 'size' | 'volume' | 'change' | 'recist';

/** Which measured quantity a question asks about, or null when it is a question for the model. */
export function measuredIntent(question: string): MeasuredIntent | null {
  const q = question.toLowerCase();
  if (/\brecist\b|\bresponse (category|status)\b|\b(progressive|stable) disease\b|\bpartial response\b|\bcomplete response\b/.test(q)) return 'recist';
  if (/\b(change|changed|grown|grow|grew|shrunk|shrink|shrank|increase|decrease|compared (to|with))\b.*\b(baseline|nadir|last|previous|prior)\b|\bsince (the )?(baseline|last|previous|prior)\b/.test(q)) return 'change';
  if (/\bvolume\b|\bhow many (ml|millilit(re|er)s|cc)\b/.test(q)) return 'volume';
  if (/\b(size|diameter|long(est)? axis|short axis|how (big|large|long|wide)|measure(s|ment)?|mm)\b/.test(q)) return 'size';
  return null;
}

export interface MeasuredAnswer {
  source: 'measured';
  intent: MeasuredIntent;
  /** Null when Voxa has no measurement to answer with. */
  answer: string | null;
  values: Record<string, number | string | null>;
  message?: string;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export function answerMeasured(intent: MeasuredIntent, source: MeasurementSource | null, lesion?: number): MeasuredAnswer {
  const none = (message: string): MeasuredAnswer => ({ source: 'measured', intent, answer: null, values: {}, message });
  if (intent === 'change' || intent === 'recist') {
    const r = source?.response() ?? null;
    if (!r) return none('Voxa has no follow-up assessment for this patient: load the timepoints (baseline and follow-up measurements) first');
    const pct = r.changeFromBaselinePct;
    const values = { timepoint: r.timepointId, sumMm: r1(r.sumMm), baselineSumMm: r1(r.baselineSumMm), changeFromBaselinePct: pct === null ? null : r1(pct), category: r.category };
    if (intent === 'recist') return { source: 'measured', intent, answer: r.category, values, message: r.reasons.join('; ') };
    const change = pct === null ? 'not computable (baseline sum 0)' : `${pct >= 0 ? '+' : ''}${r1(pct)}%`;
    return { source: 'measured', intent, answer: `sum of diameters ${r1(r.sumMm)} mm vs ${r1(r.baselineSumMm)} mm at baseline (${change})`, values };
  }
  const all = source?.lesions() ?? [];
  if (all.length === 0) return none('Voxa has no measured lesion on this series: segment the lesion first');
  const rec = lesion === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((l) => l.lesion === lesion);
  if (!rec) {
    return none(lesion === undefined ? `several lesions are measured (${all.map((l) => l.lesion).join(', ')}): say which one (--lesion n)` : `no measurement for lesion ${lesion} (measured: ${all.map((l) => l.lesion).join(', ')})`);
  }
  if (intent === 'volume') return { source: 'measured', intent, answer: `${r1(rec.volumeMl * 100) / 100} mL`, values: { lesion: rec.lesion, volumeMl: rec.volumeMl } };
  return {
    source: 'measured',
    intent,
    answer: `long axis ${r1(rec.longAxisMm)} mm, short axis ${r1(rec.shortAxisMm)} mm`,
    values: { lesion: rec.lesion, longAxisMm: r1(rec.longAxisMm), shortAxisMm: r1(rec.shortAxisMm), longest3dMm: rec.longest3dMm === undefined ? null : r1(rec.longest3dMm), sliceIndex: rec.sliceIndex ?? null },
  };
}

/** Measures every label of a lesion mask (RECIST axes, volume) with common/geometry/recistAxes. */
export function measurementsFromMask(mask: { geometry: VolumeGeometry; voxels: ArrayLike<number> }): LesionRecord[] {
  const labels = new Set<number>();
  for (let n = 0; n < mask.voxels.length; n++) {
    const v = mask.voxels[n] as number;
    if (v !== 0 && Number.isFinite(v)) labels.add(v);
  }
  const out: LesionRecord[] = [];
  for (const label of [...labels].sort((a, b) => a - b)) {
    const m = measureLesion(mask, { label });
    if (!m) continue;
    out.push({ lesion: label, longAxisMm: m.longAxis.lengthMm, shortAxisMm: m.shortAxis.lengthMm, volumeMl: m.volumeMl, longest3dMm: m.longest3d.lengthMm, sliceIndex: m.longAxis.sliceIndex });
  }
  return out;
}

/** The latest follow-up of a timepoints document (common/recist), as a ResponseRecord. */
export function responseFromTimepoints(doc: unknown): ResponseRecord | null {
  const report = evaluateResponse(doc);
  const last = report.followUps[report.followUps.length - 1];
  if (!last) return null;
  return {
    timepointId: last.timepointId,
    sumMm: last.sumMm,
    baselineSumMm: report.baseline.sumMm,
    changeFromBaselinePct: last.changeFromBaselinePct,
    changeFromNadirPct: last.changeFromNadirPct,
    category: last.overall,
    reasons: last.reasons,
  };
}
