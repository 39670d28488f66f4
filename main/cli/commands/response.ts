/** `voxa response`: RECIST 1.1 response at each follow-up of a timepoints JSON file. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { evaluateResponse } from '../../../common/recist/response';
import { parseFlags, UsageError, type CliCommand } from '../command';

const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100 + 0);

export const responseCommand: CliCommand = {
  name: 'response',
  usage: ['response <timepoints.json> [--json]   RECIST 1.1 sum of diameters, change vs baseline and nadir, and response (CR/PR/SD/PD/NE) per follow-up'],
  async run(args, io) {
    const { positional, has } = parseFlags(args, ['json']);
    const file = positional[0];
    if (!file) throw new UsageError('missing <timepoints.json>');
    let text: string;
    try {
      text = await readFile(path.resolve(file), 'utf8');
    } catch {
      throw new VoxaError('NOT_FOUND', `no such file: ${path.basename(file)}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new VoxaError('CORRUPT_INPUT', `${path.basename(file)} is not valid JSON: ${(e as Error).message}`);
    }
    let report;
    try {
      report = evaluateResponse(doc);
    } catch (e) {
      // Show every problem, not only the summary line.
      if (e instanceof VoxaError && e.details?.length) throw new VoxaError(e.code, `${e.message}:\n  - ${e.details.join('\n  - ')}`, e.details);
      throw e;
    }
    const b = report.baseline;
    const result = {
      baseline: {
        timepointId: b.timepointId,
        date: b.date,
        sumMm: r2(b.sumMm),
        targets: b.targets.map((t) => ({ id: t.id, organ: t.organ, isNode: t.isNode, diameterMm: t.diameterMm, measurability: t.measurability.category })),
        nonTargets: b.nonTargets.map((t) => ({ id: t.id, organ: t.organ, isNode: t.isNode })),
        warnings: b.warnings,
      },
      followUps: report.followUps.map((f) => ({
        ...f,
        sumMm: r2(f.sumMm),
        changeFromBaselineMm: r2(f.changeFromBaselineMm),
        changeFromBaselinePct: r2(f.changeFromBaselinePct),
        nadirMm: r2(f.nadirMm),
        changeFromNadirMm: r2(f.changeFromNadirMm),
        changeFromNadirPct: r2(f.changeFromNadirPct),
      })),
    };
    if (has('json')) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const sign = (v: number | null) => (v === null ? '—' : `${v > 0 ? '+' : ''}${v}`);
    const lines = [
      `baseline ${b.timepointId} (${b.date}): sum ${result.baseline.sumMm} mm, ${b.targets.length} target(s), ${b.nonTargets.length} non-target(s)`,
      ...b.warnings.map((w) => `  warning: ${w}`),
      ...result.followUps.flatMap((f) => [
        `${f.timepointId} (${f.date}): ${f.overall}  sum ${f.sumMm} mm${f.sumComplete ? '' : ' (incomplete)'}, ${sign(f.changeFromBaselinePct)} % vs baseline, ${sign(f.changeFromNadirMm)} mm / ${sign(f.changeFromNadirPct)} % vs nadir ${f.nadirMm} mm (${f.nadirTimepointId})`,
        ...f.reasons.map((r) => `    ${r}`),
      ]),
      '',
    ];
    io.out(lines.join('\n'));
    return 0;
  },
};
