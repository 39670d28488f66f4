/**
 * `voxa` command line: a thin dispatcher over the services. Commands live in
 * main/cli/commands/.
 */
import { isVoxaError } from '../../common/contract';
import { UsageError, type CliIo } from './command';
import { COMMANDS } from './commands';

export type { CliIo } from './command';

export function usage(): string {
  return `usage: voxa <command> [options]\n\ncommands:\n${COMMANDS.flatMap((c) => c.usage.map((u) => `  ${u}`)).join('\n')}\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`voxa: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // Every command answers --help with its own usage (it used to read --help as an option wanting a value).
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage:\n${command.usage.map((u) => `  voxa ${u}`).join('\n')}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`voxa ${name}: ${e.message}\n\n${usage()}`);
      return 2;
    }
    if (isVoxaError(e)) {
      io.err(`voxa ${name}: ${e.code}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
