import path from 'node:path';
import { deidentifyPath, projectDeidKey } from '../../services/deid/deidentify';
import { userDataDir } from './segment';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const anonymizeCommand: CliCommand = {
  name: 'anonymize',
  usage: [
    'anonymize <in> <out-dir> [--key K] [--user-data <dir>] [--patient-name N] [--patient-id I] [--allow-burned-in]   de-identify DICOM files (PS3.15 basic profile); UIDs map by --key, else by the installation key that de-identified exports use',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['allow-burned-in']);
    const [input, out] = positional;
    if (!input || !out) throw new UsageError('needs <in> and <out-dir>');
    const name = flags.get('patient-name')?.[0];
    const id = flags.get('patient-id')?.[0];
    const given = flags.get('key')?.[0];
    // Without --key, this installation's key (the one the workstation's de-identified exports use).
    const key = given ?? projectDeidKey(userDataDir(flags.get('user-data')?.[0]));
    const report = await deidentifyPath(path.resolve(input), path.resolve(out), {
      uidKey: key,
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
    if (!given) lines.push('  note      UIDs were remapped with this installation\'s key (<user-data>/deid-key): de-identified SEG exports of the same study reference the same new UIDs');
    io.out(`${lines.join('\n')}\n`);
    return report.refused > 0 ? 1 : 0;
  },
};
