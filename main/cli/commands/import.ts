import path from 'node:path';
import { defaultDatabasePath, StudyDatabase } from '../../services/db/studyDatabase';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const importCommand: CliCommand = {
  name: 'import',
  usage: ['import <path> [--db file]   index the DICOM files below <path> in the study database (default: the user-data folder); files stay where they are'],
  async run(args, io) {
    const { positional, flags } = parseFlags(args);
    const target = positional[0];
    if (!target) throw new UsageError('missing <path>');
    const dbFile = path.resolve(flags.get('db')?.[0] ?? defaultDatabasePath());
    const db = StudyDatabase.open(dbFile);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let lastShown = 0;
    try {
      const report = await db.importPath(target, {
        signal: ac.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastShown > 500 || p.done === p.total) {
            lastShown = now;
            io.err(`\rimporting ${p.done}/${p.total} files (${p.added} new, ${p.skipped} skipped)`);
            if (p.done === p.total) io.err('\n');
          }
        },
      });
      const c = db.counts();
      const reasons = new Map<string, number>();
      for (const s of report.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
      io.out(
        [
          `${report.cancelled ? 'cancelled' : 'imported'} ${report.root}`,
          `  files        ${report.filesSeen} seen: ${report.added} new, ${report.unchanged} unchanged, ${report.relocated} moved, ${report.skipped.length} skipped`,
          ...[...reasons].map(([reason, n]) => `  skipped      ${n} × ${reason}`),
          `  database     ${dbFile}: ${c.patients} patients, ${c.studies} studies, ${c.series} series, ${c.instances} instances${c.missing ? `, ${c.missing} missing on disk` : ''}`,
          '',
        ].join('\n'),
      );
      return report.cancelled ? 130 : 0;
    } finally {
      process.removeListener('SIGINT', onSigint);
      db.close();
    }
  },
};
