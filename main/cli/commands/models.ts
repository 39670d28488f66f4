import path from 'node:path';
import { importPack } from '../../services/inference/importPack';
import { ModelRegistry } from '../../services/inference/registry';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { userDataDir } from './segment';

export const modelsCommand: CliCommand = {
  name: 'models',
  usage: [
    'models list [--json] [--user-data <dir>]   built-in and imported model packs (and the classical fallback), with their state',
    'models import <dir|zip> [--replace] [--user-data <dir>]   verify a pack (schema, sha256, ONNX inputs/outputs) and install it',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json', 'replace']);
    const [sub, target] = positional;
    const userData = userDataDir(flags.get('user-data')?.[0]);
    if (sub === 'list') {
      const entries = await new ModelRegistry({ userData }).list();
      if (has('json')) {
        io.out(`${JSON.stringify(entries, null, 2)}\n`);
        return 0;
      }
      for (const e of entries) {
        io.out(`${e.status === 'ok' ? ' ' : '!'} ${e.id.padEnd(20)} ${e.version.padEnd(8)} ${e.task.padEnd(18)} ${e.source.padEnd(9)} ${e.status === 'ok' ? e.name : e.error}\n`);
      }
      return 0;
    }
    if (sub === 'import') {
      if (!target) throw new UsageError('missing <dir|zip>');
      const r = await importPack(path.resolve(target), userData, { replace: has('replace') });
      const summary = { id: r.id, dir: r.dir, replaced: r.replaced, task: r.pack.manifest.task, files: r.pack.manifest.files.map((f) => f.path) };
      io.out(has('json') ? `${JSON.stringify(summary, null, 2)}\n` : `imported ${r.id} (${summary.task}) into ${r.dir}${r.replaced ? ', replacing the previous version' : ''}\n`);
      return 0;
    }
    throw new UsageError('models needs a subcommand: list or import');
  },
};
