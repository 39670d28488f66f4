/**
 * What one benchmark run measured (per case and method) and its summaries per
 * group (phantom, real, ibsi-val CT, ...) and over all cases. Plain data: the
 * runner fills it, report.ts prints it, --json writes it as it is.
 */
import type { Vec3 } from '../../../common/volume';
import type { RecistAxesMm, RecistAxisError } from './recistError';
import { mean, median } from './stats';

export interface CaseInfo {
  name: string;
  set: string;
  /** The summary line it counts in. */
  group: string;
  voxels: number;
  /** Axial slices holding reference voxels. */
  refSlices: number;
  reference: RecistAxesMm;
  /** The protocol's click (voxel indices), then the consistency clicks after it. */
  clicks: Vec3[];
}

export interface ClickResult {
  dice: number;
  recist: RecistAxisError;
  totalMs: number;
  modelMs: number;
  perSliceModelMs: number;
  slicesSpanned: number;
  provider: string;
  /** Total ms of the cold first call when this was the method's first case (the measured call is then the warm repeat). */
  coldTotalMs: number | null;
  /** segment.prompt3d: the crops the click ran, in order (the JSON report's record of how the engine chose). */
  crops?: { fovMm: number; voxels: number; touchesBorder: boolean; sharpness?: number }[];
  /** segment.prompt3d with classicalFusion: the model–classical agreement and which mask was used. */
  fusion?: { agreement: number; used: 'model' | 'classical' };
}

export interface BoxResult {
  dice: number;
  recist: RecistAxisError;
  totalMs: number;
}

export interface CorrectionStep {
  dice: number;
  recist: RecistAxisError;
  /** The simulated reader's click (null for step 0, the first click). */
  click: { ijk: Vec3; positive: boolean } | null;
  ms: number | null;
}

export interface CorrectionsResult {
  /** Step 0 is the first click; the reader stops early when the mask equals the reference. */
  steps: CorrectionStep[];
  /** The largest Dice drop of one correction (≤ 0). */
  worstStep: number;
  msPerCorrection: number | null;
}

export interface ConsistencyResult {
  clicks: Vec3[];
  /** Dice of each pair of the click masks. */
  pairs: number[];
  meanDice: number | null;
}

export interface MethodResult {
  case: string;
  group: string;
  /** classical, a model id, or "<id> (re-run)" (corrections only). */
  method: string;
  click?: ClickResult;
  box?: BoxResult;
  corrections?: CorrectionsResult;
  consistency?: ConsistencyResult;
  /** A protocol that threw, with its message. */
  errors: string[];
}

export interface AxisErrorSummary {
  longMedianPct: number | null;
  longMeanPct: number | null;
  shortMedianPct: number | null;
  shortMeanPct: number | null;
}

export interface GroupSummary {
  group: string;
  method: string;
  cases: number;
  /** Cases with at least one protocol error. */
  failed: number;
  clickDice: number | null;
  boxDice: number | null;
  /** Mean Dice after k corrections, k = 1..N (a reader who stopped early keeps the last mask). */
  correctedDice: (number | null)[];
  worstStep: { dice: number; case: string } | null;
  recist: { click: AxisErrorSummary; box: AxisErrorSummary; corrected: AxisErrorSummary };
  consistencyDice: number | null;
  latency: { meanTotalMs: number | null; meanModelMs: number | null; slowest: { totalMs: number; case: string } | null; meanMsPerCorrection: number | null };
}

/** The Dice after k corrections of one run (the last one reached when the reader stopped before k). */
export function diceAfter(c: CorrectionsResult, k: number): number | null {
  const step = c.steps[Math.min(k, c.steps.length - 1)];
  return step ? step.dice : null;
}

function axisSummary(errors: (RecistAxisError | undefined)[]): AxisErrorSummary {
  const long = errors.map((e) => e?.longPct);
  const short = errors.map((e) => e?.shortPct);
  return { longMedianPct: median(long), longMeanPct: mean(long), shortMedianPct: median(short), shortMeanPct: mean(short) };
}

function summariseOne(group: string, method: string, rs: MethodResult[], corrections: number): GroupSummary {
  const clicks = rs.filter((r) => r.click);
  const withCorr = rs.filter((r) => r.corrections);
  let worstStep: GroupSummary['worstStep'] = null;
  for (const r of withCorr) if (!worstStep || r.corrections!.worstStep < worstStep.dice) worstStep = { dice: r.corrections!.worstStep, case: r.case };
  let slowest: GroupSummary['latency']['slowest'] = null;
  for (const r of clicks) if (!slowest || r.click!.totalMs > slowest.totalMs) slowest = { totalMs: r.click!.totalMs, case: r.case };
  return {
    group,
    method,
    cases: rs.length,
    failed: rs.filter((r) => r.errors.length).length,
    clickDice: mean(clicks.map((r) => r.click!.dice)),
    boxDice: mean(rs.map((r) => r.box?.dice)),
    correctedDice: Array.from({ length: corrections }, (_, n) => mean(withCorr.map((r) => diceAfter(r.corrections!, n + 1)))),
    worstStep,
    recist: {
      click: axisSummary(rs.map((r) => r.click?.recist)),
      box: axisSummary(rs.map((r) => r.box?.recist)),
      corrected: axisSummary(withCorr.map((r) => r.corrections!.steps.at(-1)?.recist)),
    },
    consistencyDice: mean(rs.map((r) => r.consistency?.meanDice)),
    latency: {
      meanTotalMs: mean(clicks.map((r) => r.click!.totalMs)),
      meanModelMs: mean(clicks.map((r) => r.click!.modelMs)),
      slowest,
      meanMsPerCorrection: mean(withCorr.map((r) => r.corrections!.msPerCorrection)),
    },
  };
}

/** One summary per (group, method) in order of appearance, then one per method over every case (group "all", present even for a single group). */
export function summarise(results: readonly MethodResult[], corrections: number): GroupSummary[] {
  const groups = [...new Set(results.map((r) => r.group))];
  const methods = [...new Set(results.map((r) => r.method))];
  const out: GroupSummary[] = [];
  for (const g of groups)
    for (const m of methods) {
      const rs = results.filter((r) => r.group === g && r.method === m);
      if (rs.length) out.push(summariseOne(g, m, rs, corrections));
    }
  for (const m of methods) out.push(summariseOne('all', m, results.filter((r) => r.method === m), corrections));
  return out;
}
