/** One `voxa` subcommand. Each lives in main/cli/commands/<name>.ts and is listed in main/cli/commands/index.ts. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface CliCommand {
  name: string;
  /** One usage line per form, shown by `voxa --help`. */
  usage: string[];
  run: (args: string[], io: CliIo) => Promise<number>;
}

/** Minimal flag parsing shared by commands: `--flag value`, repeated flags, boolean flags and positionals. */
export function parseFlags(args: string[], booleanFlags: string[] = []): { positional: string[]; flags: Map<string, string[]>; has: (f: string) => boolean } {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let n = 0; n < args.length; n++) {
    const a = args[n] as string;
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (booleanFlags.includes(name)) flags.set(name, ['true']);
      else {
        const v = args[n + 1];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        n++;
        flags.set(name, [...(flags.get(name) ?? []), v]);
      }
    } else positional.push(a);
  }
  return { positional, flags, has: (f) => flags.has(f) };
}

export class UsageError extends Error {}
