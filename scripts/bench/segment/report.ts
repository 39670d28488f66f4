/** Text tables of a benchmark run: per case and protocol, then the summaries. */
import type { AxisErrorSummary, CaseInfo, GroupSummary, MethodResult } from './summary';

/** Columns padded to their widest cell; the first `left` columns left-aligned, the rest right-aligned. */
export function formatTable(rows: readonly string[][], left = 2): string[] {
  const widths = rows[0]?.map((_, n) => Math.max(...rows.map((r) => (r[n] ?? '').length))) ?? [];
  return rows.map((r) => r.map((v, n) => (n < left ? v.padEnd(widths[n]!) : v.padStart(widths[n]!))).join('  ').trimEnd());
}

/** `v` with `d` decimals, '-' for null. */
export const fmt = (v: number | null | undefined, d = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const pct = (v: number | null | undefined) => fmt(v, 1);
const ijk = (v: readonly number[]) => v.map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(1))).join(',');

export function caseTables(cases: readonly CaseInfo[], results: readonly MethodResult[], corrections: number): string[] {
  const out: string[] = [];
  const section = (title: string, rows: string[][], left = 2) => {
    if (rows.length > 1) out.push('', title, ...formatTable(rows, left));
  };
  section(
    'Cases (reference RECIST axes on the reference mask; clicks in voxel indices: the protocol click, then the consistency clicks):',
    [['case', 'group', 'voxels', 'ref slices', 'long mm', 'short mm', 'clicks'], ...cases.map((c) => [c.name, c.group, String(c.voxels), String(c.refSlices), fmt(c.reference.longMm), fmt(c.reference.shortMm), c.clicks.map(ijk).join('  ')])],
  );
  const click = results.filter((r) => r.click);
  section('Click at the deepest voxel (axis errors in % of the reference):', [
    ['case', 'method', 'Dice', 'long %', 'short %', 'slices', 'ms total', 'ms model', 'ms/slice', 'provider'],
    ...click.map((r) => {
      const c = r.click!;
      return [r.case, r.method, fmt(c.dice, 3), pct(c.recist.longPct), pct(c.recist.shortPct), String(c.slicesSpanned), fmt(c.totalMs), fmt(c.modelMs), fmt(c.perSliceModelMs, 2), c.coldTotalMs === null ? c.provider : `${c.provider} (cold ${fmt(c.coldTotalMs, 0)} ms)`];
    }),
  ]);
  section('Box (tight box of the reference on its largest axial slice):', [
    ['case', 'method', 'Dice', 'long %', 'short %', 'ms total'],
    ...results.filter((r) => r.box).map((r) => [r.case, r.method, fmt(r.box!.dice, 3), pct(r.box!.recist.longPct), pct(r.box!.recist.shortPct), fmt(r.box!.totalMs)]),
  ]);
  section(`Click + ${corrections} correction${corrections === 1 ? '' : 's'} (Dice after each step; axis errors after the last):`, [
    ['case', 'method', 'Dice by step', 'worst step', 'long %', 'short %', 'ms/correction'],
    ...results
      .filter((r) => r.corrections)
      .map((r) => {
        const c = r.corrections!;
        const last = c.steps.at(-1);
        return [r.case, r.method, c.steps.map((s) => fmt(s.dice, 3)).join(' → '), fmt(c.worstStep, 3), pct(last?.recist.longPct), pct(last?.recist.shortPct), fmt(c.msPerCorrection)];
      }),
  ]);
  section('Consistency (Dice between the masks of the three clicks):', [
    ['case', 'method', 'mean Dice', 'pairs'],
    ...results.filter((r) => r.consistency).map((r) => [r.case, r.method, fmt(r.consistency!.meanDice, 3), r.consistency!.pairs.map((d) => fmt(d, 3)).join(' ')]),
  ]);
  section('Errors:', [['case', 'method', 'message'], ...results.flatMap((r) => r.errors.map((e) => [r.case, r.method, e]))], 3);
  return out;
}

const axes = (a: AxisErrorSummary) => [`${pct(a.longMedianPct)} / ${pct(a.longMeanPct)}`, `${pct(a.shortMedianPct)} / ${pct(a.shortMeanPct)}`];

export function summaryTables(summary: readonly GroupSummary[], corrections: number): string[] {
  // "all" repeats the only group when there is one.
  const shown = new Set(summary.map((s) => s.group)).size > 2 ? summary : summary.filter((s) => s.group !== 'all');
  const label = (s: GroupSummary) => [s.group, s.method, s.failed ? `${s.cases} (${s.failed} failed)` : String(s.cases)];
  const ks = Array.from({ length: corrections }, (_, n) => `+${n + 1}`);
  return [
    '',
    `Summary: mean Dice (click; box; click + k corrections; worst single correction step and its case; consistency over three clicks):`,
    ...formatTable(
      [
        ['group', 'method', 'cases', 'click', 'box', ...ks, 'worst step', 'worst case', 'consistency'],
        ...shown.map((s) => [...label(s), fmt(s.clickDice, 3), fmt(s.boxDice, 3), ...s.correctedDice.map((d) => fmt(d, 3)), fmt(s.worstStep?.dice, 3), s.worstStep && s.worstStep.dice < 0 ? s.worstStep.case : '-', fmt(s.consistencyDice, 3)]),
      ],
      3,
    ),
    '',
    `Summary: RECIST axis error in %, median / mean (each mask measured on its own slice of largest long axis):`,
    ...formatTable(
      [
        ['group', 'method', 'cases', 'click long', 'click short', 'box long', 'box short', `+${corrections} long`, `+${corrections} short`],
        ...shown.map((s) => [...label(s), ...axes(s.recist.click), ...axes(s.recist.box), ...(corrections ? axes(s.recist.corrected) : ['-', '-'])]),
      ],
      3,
    ),
    '',
    'Summary: latency of click → 3D mask (warm; mean ms), the slowest case, and mean ms per correction:',
    ...formatTable(
      [
        ['group', 'method', 'cases', 'total ms', 'model ms', 'slowest ms', 'slowest case', 'ms/correction'],
        ...shown.map((s) => [...label(s), fmt(s.latency.meanTotalMs, 0), fmt(s.latency.meanModelMs, 0), fmt(s.latency.slowest?.totalMs, 0), s.latency.slowest?.case ?? '-', fmt(s.latency.meanMsPerCorrection, 0)]),
      ],
      3,
    ),
  ];
}
