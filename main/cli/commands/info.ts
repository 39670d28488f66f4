import path from 'node:path';
import type { Inventory, SeriesSummary } from '../../services/io/inventory';
import { inspectPath } from '../../services/io/inventory';
import { describeVolume } from '../../services/volumeStore';
import { parseFlags, UsageError, type CliCommand } from '../command';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6 + 0;
const r6 = <T extends number[] | null>(a: T): T => (a ? (a.map(round6) as T) : a);

/** JSON form: the loaded series' fields at the top level (as before), plus every series and every skipped file. */
export function infoJson(target: string, inv: Inventory) {
  const series = inv.series.map((s: SeriesSummary) => ({
    ...s,
    spacingMm: r6(s.spacingMm),
    originLps: r6(s.originLps),
    direction: r6(s.direction),
    loaded: inv.series.indexOf(s) === inv.loadedIndex,
  }));
  const skipped = inv.skipped.map((s) => ({ file: s.file, reason: s.reason, kind: s.kind ?? 'damaged', ...(s.modality ? { modality: s.modality } : {}) }));
  if (!inv.volume) return { path: target, loaded: false as const, series, skipped };
  const header = describeVolume('cli', inv.volume);
  const g = header.geometry;
  return {
    path: target,
    loaded: true as const,
    format: header.sourceFormat,
    modality: header.modality,
    description: header.description,
    dimensions: g.dimensions,
    spacingMm: g.spacingMm.map(round6),
    originLps: g.originLps.map(round6),
    direction: g.direction.map(round6),
    orientation: header.orientation,
    dtype: header.dtype,
    valueRange: header.valueRange,
    warnings: header.warnings,
    series,
    skipped,
  };
}

export const infoCommand: CliCommand = {
  name: 'info',
  usage: ['info <path> [--json]   every series in a NIfTI/NRRD file, DICOM file or folder (dimensions, spacing, orientation, description), every skipped file and why; details of the first that loads'],
  async run(args, io) {
    const { positional, has } = parseFlags(args, ['json']);
    const target = positional[0];
    if (!target) throw new UsageError('missing <path>');
    const inv = await inspectPath(path.resolve(target));
    const result = infoJson(target, inv);
    const failed = !inv.volume;
    if (failed) io.err(`voxa info: no image series could be opened in ${target}${inv.skipped.length ? ` (${inv.skipped.length} files skipped, listed)` : ''}\n`);
    if (has('json')) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return failed ? 1 : 0;
    }
    const lines: string[] = [`${target}`];
    if (result.loaded) {
      const d = result.direction;
      lines.push(
        `  format       ${result.format} (${result.modality})${result.description ? ` — ${result.description}` : ''}`,
        `  dimensions   ${result.dimensions.join(' × ')}`,
        `  spacing      ${result.spacingMm.join(' × ')} mm`,
        `  origin LPS   ${result.originLps.join(', ')} mm`,
        `  direction    i (${d.slice(0, 3).join(', ')})  j (${d.slice(3, 6).join(', ')})  k (${d.slice(6, 9).join(', ')})  [${result.orientation}]`,
        `  values       ${result.valueRange[0]} … ${result.valueRange[1]} (${result.dtype})`,
        ...result.warnings.map((w) => `  warning      ${w}`),
      );
    }
    lines.push(`  series       ${result.series.length}`);
    result.series.forEach((s, n) => {
      const geom = s.spacingMm ? `${s.dimensions.join('×')} @ ${s.spacingMm.map((v) => v.toFixed(4).replace(/\.?0+$/, '')).join('×')} mm ${s.orientation}` : `${s.dimensions.join('×')}`;
      lines.push(`   ${s.loaded ? '*' : ' '}${n + 1}. ${s.modality || '?'} ${geom}  ${s.label || '(no description)'}${s.format !== 'dicom' && s.description ? ` — ${s.description}` : ''}  (${s.files} file${s.files === 1 ? '' : 's'})`);
      if (s.error) lines.push(`        cannot open: ${s.error.code}: ${s.error.message}`);
      else if (!s.loaded) s.warnings.forEach((w) => lines.push(`        warning: ${w}`));
    });
    if (result.skipped.length > 0) {
      lines.push(`  skipped      ${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'}`);
      for (const s of result.skipped) lines.push(`     ${s.file}: ${s.reason} [${s.kind}]`);
    }
    io.out(`${lines.join('\n')}\n`);
    return failed ? 1 : 0;
  },
};
