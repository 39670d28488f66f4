import { describe, expect, it } from 'vitest';
import { HOST_USAGE, parseHostArgs } from './hostMain';

describe('host command line', () => {
  it('--help is an option (it used to build and then answer "unknown option --help")', () => {
    expect(parseHostArgs(['--help'], '/x').help).toBe(true);
    expect(parseHostArgs(['-h'], '/x').help).toBe(true);
    for (const o of ['--port', '--root', '--demo', '--data-dir', '--help']) expect(HOST_USAGE).toContain(o);
  });

  it('an unknown option names itself and points to --help', () => {
    expect(() => parseHostArgs(['--bogus'], '/x')).toThrow(/unknown option --bogus \(see --help\)/);
    expect(() => parseHostArgs(['--port'], '/x')).toThrow(/--port needs a value/);
  });
});
