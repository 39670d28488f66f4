/**
 * RECIST 1.1 response over time, from lesion observations per timepoint.
 * Units: millimetres; percentages are signed (−30 means a 30 % decrease).
 *
 * Rules (Eisenhauer et al. 2009, RECIST 1.1, tables 1 and 2):
 * - Sum of diameters: long axes of non-nodal targets + short axes of nodal
 *   targets; a disappeared target counts 0.
 * - Target response: CR when every non-nodal target has disappeared and every
 *   nodal target is < 10 mm short axis (the sum need not be 0); PD when the sum
 *   is ≥ 20 % above the nadir (the smallest sum of any earlier timepoint,
 *   baseline included) AND ≥ 5 mm above it; PR when the sum is ≥ 30 % below
 *   baseline; SD otherwise. When a target is not evaluable: PD if the evaluable
 *   targets alone already meet PD, else NE. CR is checked before PD: nodes all
 *   < 10 mm are normal whatever their change.
 * - Non-target response: PD on unequivocal progression; NE when one is not
 *   evaluable; CR when all have disappeared (nodes < 10 mm); else non-CR/non-PD.
 * - A new lesion (present, not equivocal) is PD.
 * - Overall: table 1 with targets, table 2 without.
 * Comparisons allow 1e-9 mm of floating-point slack, so "exactly −30 %" is PR
 * and "exactly +20 % and +5 mm" is PD.
 */
import { issueLines, VoxaError } from '../contract/errors';
import { assessMeasurability, type Measurability } from './measurability';
import { checkTargetSelection } from './targetSelection';
import { timepointsFileSchema, type LesionObservation, type Timepoint, type TimepointsFileInput } from './timepoints';

export type TargetResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';
export type NonTargetResponse = 'CR' | 'NON_CR_NON_PD' | 'PD' | 'NE';
export type OverallResponse = 'CR' | 'PR' | 'SD' | 'PD' | 'NE' | 'NON_CR_NON_PD';

export const PR_DECREASE = 0.3;
export const PD_INCREASE = 0.2;
export const PD_ABSOLUTE_MM = 5;
export const NODE_NORMAL_MM = 10;
const EPS = 1e-9;

export interface BaselineLesion {
  id: string;
  role: 'target' | 'nonTarget';
  organ: string | undefined;
  isNode: boolean;
  /** The diameter that enters the sum (targets): short axis for nodes, long axis otherwise. */
  diameterMm: number | undefined;
  measurability: Measurability;
}

export interface BaselineSummary {
  timepointId: string;
  date: string;
  sumMm: number;
  targets: BaselineLesion[];
  nonTargets: BaselineLesion[];
  /** Non-fatal problems: targets that are not measurable. */
  warnings: string[];
}

export interface FollowUpAssessment {
  timepointId: string;
  date: string;
  /** Sum over the evaluable targets (all targets when none is NE). */
  sumMm: number;
  /** False when a target was not evaluable (or missing) at this timepoint. */
  sumComplete: boolean;
  changeFromBaselineMm: number;
  changeFromBaselinePct: number | null;
  /** Smallest complete sum before this timepoint, baseline included. */
  nadirMm: number;
  nadirTimepointId: string;
  changeFromNadirMm: number;
  changeFromNadirPct: number | null;
  targetResponse: TargetResponse | null;
  nonTargetResponse: NonTargetResponse | null;
  newLesions: string[];
  overall: OverallResponse;
  /** Why, in the order the rules were applied. */
  reasons: string[];
}

export interface ResponseReport {
  baseline: BaselineSummary;
  followUps: FollowUpAssessment[];
}

/** Diameter that enters the sum for one observation of a target; undefined when not evaluable. */
function targetDiameter(obs: LesionObservation | undefined, isNode: boolean): number | undefined {
  if (!obs || obs.status === 'notEvaluable') return undefined;
  if (obs.status === 'absent') return 0;
  return isNode ? obs.shortAxisMm : obs.longAxisMm;
}

const pct = (delta: number, ref: number) => (ref > 0 ? (100 * delta) / ref : null);
const f = (v: number) => `${Math.round(v * 100) / 100}`;

function bad(message: string, details?: string[]): never {
  throw new VoxaError('BAD_REQUEST', message, details);
}

/** Parses and checks a timepoints document (zod, then RECIST consistency); throws VoxaError BAD_REQUEST. */
export function parseTimepoints(input: unknown): { baseline: Timepoint; followUps: Timepoint[] } {
  const parsed = timepointsFileSchema.safeParse(input);
  if (!parsed.success) {
    bad(
      'invalid timepoints document',
      issueLines(parsed.error, '(root)'),
    );
  }
  const doc = parsed.data;
  const ids = new Set<string>();
  for (const tp of doc.timepoints) {
    if (ids.has(tp.id)) bad(`timepoint id "${tp.id}" appears twice`);
    ids.add(tp.id);
    const lesionIds = new Set<string>();
    for (const l of tp.lesions) {
      if (lesionIds.has(l.id)) bad(`lesion "${l.id}" appears twice at timepoint "${tp.id}"`);
      lesionIds.add(l.id);
    }
  }
  const sorted = [...doc.timepoints].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const baseline = doc.baselineId ? sorted.find((t) => t.id === doc.baselineId) : sorted[0];
  if (!baseline) bad(`baselineId "${doc.baselineId}" is not one of the timepoints`);
  const followUps = sorted.filter((t) => t !== baseline && Date.parse(t.date) >= Date.parse(baseline.date));
  const before = sorted.filter((t) => t !== baseline && Date.parse(t.date) < Date.parse(baseline.date));
  if (before.length) bad(`timepoint(s) ${before.map((t) => t.id).join(', ')} are dated before the baseline "${baseline.id}"`);
  return { baseline, followUps };
}

/** Evaluates every follow-up of a timepoints document against its baseline. */
export function evaluateResponse(input: TimepointsFileInput | unknown): ResponseReport {
  const { baseline, followUps } = parseTimepoints(input);
  const problems: string[] = [];
  const lesions = new Map<string, BaselineLesion>();
  const warnings: string[] = [];
  for (const l of baseline.lesions) {
    if (l.role === undefined) problems.push(`baseline lesion ${l.id}: role is required (target or nonTarget)`);
    else if (l.role === 'new') problems.push(`baseline lesion ${l.id}: a lesion cannot be "new" at baseline`);
    if (l.status === 'unequivocalProgression' || l.status === 'absent' || l.status === 'notEvaluable') {
      problems.push(`baseline lesion ${l.id}: status "${l.status}" is meaningless at baseline`);
    }
    if (l.role !== 'target' && l.role !== 'nonTarget') continue;
    const isNode = l.isNode ?? false;
    const diameterMm = isNode ? l.shortAxisMm : l.longAxisMm;
    if (l.role === 'target' && diameterMm === undefined) problems.push(`baseline target ${l.id}: needs ${isNode ? 'shortAxisMm (lymph node)' : 'longAxisMm'}`);
    const measurability = assessMeasurability({ isNode, longAxisMm: l.longAxisMm, shortAxisMm: l.shortAxisMm }, baseline.sliceThicknessMm);
    if (l.role === 'target' && diameterMm !== undefined && !measurability.measurable) warnings.push(`target ${l.id} is not measurable: ${measurability.reason}`);
    lesions.set(l.id, { id: l.id, role: l.role, organ: l.organ, isNode, diameterMm, measurability });
  }
  const targets = [...lesions.values()].filter((l) => l.role === 'target');
  const nonTargets = [...lesions.values()].filter((l) => l.role === 'nonTarget');
  problems.push(...checkTargetSelection(targets));
  if (targets.length === 0 && nonTargets.length === 0) problems.push('baseline has no target or non-target lesion: nothing to follow');

  for (const tp of followUps) {
    for (const l of tp.lesions) {
      const base = lesions.get(l.id);
      const where = `lesion ${l.id} at ${tp.id}`;
      if (!base) {
        if (l.role !== 'new') problems.push(`${where}: not at baseline; mark it "role": "new" if it appeared`);
        if (l.status === 'unequivocalProgression' || l.status === 'absent') problems.push(`${where}: status "${l.status}" does not apply to a new lesion`);
        continue;
      }
      if (l.role !== undefined && l.role !== base.role) problems.push(`${where}: role "${l.role}" differs from baseline "${base.role}"`);
      if (l.isNode !== undefined && l.isNode !== base.isNode) problems.push(`${where}: isNode differs from baseline`);
      if (base.role === 'target') {
        if (l.status === 'unequivocalProgression') problems.push(`${where}: "unequivocalProgression" applies to non-targets; targets progress through their measurements`);
        if (l.status === 'present' && (base.isNode ? l.shortAxisMm : l.longAxisMm) === undefined) {
          problems.push(`${where}: target needs ${base.isNode ? 'shortAxisMm' : 'longAxisMm'} (or status "absent" / "notEvaluable")`);
        }
      }
    }
  }
  if (problems.length) bad(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems in the timepoints document`, problems);

  const baselineSum = targets.reduce((s, t) => s + (t.diameterMm as number), 0);
  const history: { id: string; sum: number }[] = [{ id: baseline.id, sum: baselineSum }];
  const assessments: FollowUpAssessment[] = [];
  for (const tp of followUps) {
    const obs = new Map(tp.lesions.map((l) => [l.id, l]));
    const reasons: string[] = [];
    // Targets.
    let sum = 0;
    const notEvaluable: string[] = [];
    let allGone = true;
    for (const t of targets) {
      const o = obs.get(t.id);
      const d = targetDiameter(o, t.isNode);
      if (d === undefined) {
        notEvaluable.push(t.id);
        allGone = false;
        continue;
      }
      sum += d;
      if (t.isNode ? d >= NODE_NORMAL_MM - EPS : d > 0) allGone = false;
    }
    const nadir = history.reduce((m, h) => (h.sum < m.sum ? h : m));
    const fromNadir = sum - nadir.sum;
    const meetsPd = fromNadir >= PD_ABSOLUTE_MM - EPS && sum >= nadir.sum * (1 + PD_INCREASE) - EPS;
    let targetResponse: TargetResponse | null = null;
    if (targets.length) {
      if (notEvaluable.length) {
        if (meetsPd) {
          targetResponse = 'PD';
          reasons.push(`targets: PD on the evaluable targets alone (+${f(fromNadir)} mm, +${f(pct(fromNadir, nadir.sum) ?? 0)} % vs nadir) although ${notEvaluable.join(', ')} not evaluable`);
        } else {
          targetResponse = 'NE';
          reasons.push(`targets: NE — ${notEvaluable.join(', ')} not evaluable`);
        }
      } else if (allGone) {
        targetResponse = 'CR';
        reasons.push(`targets: CR — non-nodal targets gone${targets.some((t) => t.isNode) ? `, nodal targets < ${NODE_NORMAL_MM} mm short axis` : ''}`);
      } else if (meetsPd) {
        targetResponse = 'PD';
        reasons.push(`targets: PD — sum ${f(sum)} mm is +${f(fromNadir)} mm (+${f(pct(fromNadir, nadir.sum) ?? Infinity)} %) over the nadir ${f(nadir.sum)} mm (${nadir.id})`);
      } else if (sum <= baselineSum * (1 - PR_DECREASE) + EPS) {
        targetResponse = 'PR';
        reasons.push(`targets: PR — sum ${f(sum)} mm is ${f(pct(sum - baselineSum, baselineSum) ?? 0)} % vs baseline ${f(baselineSum)} mm`);
      } else {
        targetResponse = 'SD';
        const why = fromNadir >= PD_ABSOLUTE_MM - EPS ? '' : fromNadir > 0 && sum >= nadir.sum * (1 + PD_INCREASE) - EPS ? ` (≥ 20 % over nadir but only +${f(fromNadir)} mm < ${PD_ABSOLUTE_MM} mm)` : '';
        reasons.push(`targets: SD — sum ${f(sum)} mm, ${f(pct(sum - baselineSum, baselineSum) ?? 0)} % vs baseline, ${fromNadir >= 0 ? '+' : ''}${f(fromNadir)} mm vs nadir${why}`);
      }
    }
    // Non-targets.
    let nonTargetResponse: NonTargetResponse | null = null;
    if (nonTargets.length) {
      const states = nonTargets.map((n) => ({ n, o: obs.get(n.id) }));
      const progressed = states.filter((s) => s.o?.status === 'unequivocalProgression').map((s) => s.n.id);
      const unknown = states.filter((s) => !s.o || s.o.status === 'notEvaluable').map((s) => s.n.id);
      const gone = states.every((s) => s.o && (s.o.status === 'absent' || (s.n.isNode && s.o.status === 'present' && s.o.shortAxisMm !== undefined && s.o.shortAxisMm < NODE_NORMAL_MM)));
      if (progressed.length) {
        nonTargetResponse = 'PD';
        reasons.push(`non-targets: PD — unequivocal progression of ${progressed.join(', ')}`);
      } else if (unknown.length) {
        nonTargetResponse = 'NE';
        reasons.push(`non-targets: NE — ${unknown.join(', ')} not evaluable`);
      } else if (gone) {
        nonTargetResponse = 'CR';
        reasons.push('non-targets: CR — all gone (nodes < 10 mm)');
      } else {
        nonTargetResponse = 'NON_CR_NON_PD';
        reasons.push('non-targets: non-CR/non-PD');
      }
    }
    // New lesions: present and not equivocal.
    const newLesions = tp.lesions.filter((l) => !lesions.has(l.id) && l.status === 'present').map((l) => l.id);
    const equivocal = tp.lesions.filter((l) => !lesions.has(l.id) && l.status === 'notEvaluable').map((l) => l.id);
    if (newLesions.length) reasons.push(`new lesion(s): ${newLesions.join(', ')} → PD`);
    if (equivocal.length) reasons.push(`equivocal new lesion(s) ${equivocal.join(', ')}: not PD until confirmed`);

    const overall = overallResponse(targetResponse, nonTargetResponse, newLesions.length > 0);
    assessments.push({
      timepointId: tp.id,
      date: tp.date,
      sumMm: sum,
      sumComplete: notEvaluable.length === 0,
      changeFromBaselineMm: sum - baselineSum,
      changeFromBaselinePct: pct(sum - baselineSum, baselineSum),
      nadirMm: nadir.sum,
      nadirTimepointId: nadir.id,
      changeFromNadirMm: fromNadir,
      changeFromNadirPct: pct(fromNadir, nadir.sum),
      targetResponse,
      nonTargetResponse,
      newLesions,
      overall,
      reasons,
    });
    // Only complete sums can become the nadir.
    if (notEvaluable.length === 0) history.push({ id: tp.id, sum });
  }
  return {
    baseline: { timepointId: baseline.id, date: baseline.date, sumMm: baselineSum, targets, nonTargets, warnings },
    followUps: assessments,
  };
}

/** RECIST 1.1 overall response: table 1 (with targets) or table 2 (non-targets only). */
export function overallResponse(target: TargetResponse | null, nonTarget: NonTargetResponse | null, newLesion: boolean): OverallResponse {
  if (newLesion || target === 'PD' || nonTarget === 'PD') return 'PD';
  if (target === null) {
    // Table 2: non-target disease only.
    if (nonTarget === null) return 'NE';
    return nonTarget;
  }
  if (target === 'CR') {
    if (nonTarget === null || nonTarget === 'CR') return 'CR';
    return 'PR'; // non-CR/non-PD or NE
  }
  if (target === 'PR') return 'PR';
  if (target === 'SD') return 'SD';
  return 'NE';
}
