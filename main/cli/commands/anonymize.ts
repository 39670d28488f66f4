import path from 'node:path';
import { deidentifyPath } from '../../services/deid/deidentify';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const anonymizeCommand: CliCommand = {
  name: 'anonymize',
  usage: [
    'anonymize <in> <out-dir> [--key K] [--patient-name N] [--patient-id I] [--allow-burned-in]   de-identify DICOM files (PS3.15 basic profile); the same --key maps UIDs the same way across runs',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['allow-burned-in']);
    const [input, out] = positional;
    if (!input || !out) throw new UsageError('needs <in> and <out-dir>');
    const name = flags.get('patient-name')?.[0];
    const id = flags.get('patient-id')?.[0];
    const key = flags.get('key')?.[0];
    const report = await deidentifyPath(path.resolve(input), path.resolve(out), {
      ...(key ? { uidKey: key } : {}),
      ...(name ? { patientName: name } : {}),
      ...(id ? { patientId: id } : {}),
      allowBurnedInAnnotation: has('allow-burned-in'),
    });
    const lines = [`de-identified ${report.written} files into ${path.resolve(out)} (${report.refused} refused, ${report.skipped} skipped)`];
    for (const f of report.files) {
      if (f.status === 'refused') lines.push(`  refused   ${f.input}: ${f.reason}`);
      else if (f.status === 'skipped') lines.push(`  skipped   ${f.input}: ${f.reason}`);
      else if (f.flagged) lines.push(`  flagged   ${f.input}: ${f.flagged.join('; ')}`);
    }
    if (!key) lines.push('  note      UIDs were remapped with a random key: pass --key to map later exports of the same study the same way');
    io.out(`${lines.join('\n')}\n`);
    return report.refused > 0 ? 1 : 0;
  },
};
