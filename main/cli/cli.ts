/**
 * `voxa` command line: a thin layer over the services.
 *   voxa info <path> [--json]
 */
import path from 'node:path';
import { isVoxaError } from '../../common/contract';
import { loadVolume } from '../services/io/volumeLoader';
import { describeVolume } from '../services/volumeStore';

const USAGE = `usage: voxa <command> [options]

commands:
  info <path> [--json]   dimensions, spacing, origin, direction (LPS), modality and value range
                         of a NIfTI file (.nii/.nii.gz) or a DICOM folder
`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  try {
    switch (command) {
      case 'info':
        return await info(rest, io);
      default:
        io.err(`voxa: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (isVoxaError(e)) {
      io.err(`voxa ${command}: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function info(args: string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) {
    io.err('voxa info: missing <path>\n');
    return 2;
  }
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
  if (json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else {
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
  }
  return 0;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6 + 0;
}

