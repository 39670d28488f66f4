import path from 'node:path';
import { loadVolume } from '../../services/io/volumeLoader';
import { describeVolume } from '../../services/volumeStore';
import { parseFlags, UsageError, type CliCommand } from '../command';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6 + 0;

export const infoCommand: CliCommand = {
  name: 'info',
  usage: ['info <path> [--json]   dimensions, spacing, origin, direction (LPS), modality and value range of a NIfTI file or DICOM folder'],
  async run(args, io) {
    const { positional, has } = parseFlags(args, ['json']);
    const target = positional[0];
    if (!target) throw new UsageError('missing <path>');
    const volume = await loadVolume(path.resolve(target));
    const header = describeVolume('cli', volume);
    const g = header.geometry;
    const result = {
      path: target,
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
    };
    if (has('json')) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const d = result.direction;
    io.out(
      [
        `${result.path}`,
        `  format       ${result.format} (${result.modality})${result.description ? ` — ${result.description}` : ''}`,
        `  dimensions   ${g.dimensions.join(' × ')}`,
        `  spacing      ${result.spacingMm.join(' × ')} mm`,
        `  origin LPS   ${result.originLps.join(', ')} mm`,
        `  direction    i (${d.slice(0, 3).join(', ')})  j (${d.slice(3, 6).join(', ')})  k (${d.slice(6, 9).join(', ')})  [${result.orientation}]`,
        `  values       ${result.valueRange[0]} … ${result.valueRange[1]} (${result.dtype})`,
        ...result.warnings.map((w) => `  warning      ${w}`),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
