import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { DEFAULT_HOST_PORT, HOST_USAGE, listenPreferred, parseHostArgs } from './hostMain';

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

describe('host port', () => {
  it('prefers a stable port (the browser keeps RECENT per address) and falls back calmly when it is taken', async () => {
    expect(parseHostArgs([], '/x').port).toBeNull();
    expect(parseHostArgs(['--port', '0'], '/x').port).toBe(0);
    const tried: number[] = [];
    const lines: string[] = [];
    const busy = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const got = await listenPreferred(null, async (p) => {
      tried.push(p);
      if (p === DEFAULT_HOST_PORT) throw busy;
      return p;
    }, (l) => lines.push(l));
    expect(tried).toEqual([DEFAULT_HOST_PORT, 0]);
    expect(got).toBe(0);
    expect(lines.join('')).toMatch(/in use; serving on another one/);
    expect(await listenPreferred(1234, async (p) => p, () => undefined)).toBe(1234);
    // A real listener: the port it binds is the preferred one when free.
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer().once('error', () => resolve(false)).listen(DEFAULT_HOST_PORT, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) expect(await listenPreferred(null, async (p) => p, () => undefined)).toBe(DEFAULT_HOST_PORT);
  });
});
