import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from './args';

describe('parseBenchArgs', () => {
  it('defaults to every set, 3 corrections, every model', () => {
    expect(parseBenchArgs([])).toEqual({ sets: ['phantom', 'real', 'ibsi'], pairsDir: null, label: null, corrections: 3, models: null, phantomSeeds: [1, 2], ibsi: 'val', rerun: true, skip: [], json: null, help: false });
  });

  it('reads flags in both spellings', () => {
    const o = parseBenchArgs(['--sets', 'ibsi,phantom', '--corrections=1', '--json', 'out.json', '--models', 'a, b,classical', '--no-rerun']);
    expect(o).toMatchObject({ sets: ['ibsi', 'phantom'], corrections: 1, json: 'out.json', models: ['a', 'b'], rerun: false });
  });

  it('takes tuning phantom seeds, each once', () => {
    expect(parseBenchArgs(['--phantom-seeds', '3, 4,3,12']).phantomSeeds).toEqual([3, 4, 12]);
  });

  it('leaves out the protocols and the method --skip names, each once', () => {
    expect(parseBenchArgs(['--skip', 'box, consistency,box']).skip).toEqual(['box', 'consistency']);
    expect(parseBenchArgs(['--skip=classical']).skip).toEqual(['classical']);
  });

  it('runs only the pairs when --pairs comes without --sets', () => {
    expect(parseBenchArgs(['--pairs', 'dir', '--label', '2'])).toMatchObject({ sets: [], pairsDir: 'dir', label: 2 });
    expect(parseBenchArgs(['--pairs', 'dir', '--sets', 'real'])).toMatchObject({ sets: ['real'], pairsDir: 'dir' });
  });

  it('still honours the environment, flags first', () => {
    const env = { VOXA_BENCH_CORRECTIONS: '0', VOXA_BENCH_MODELS: 'radsam-lite', VOXA_BENCH_IBSI: 'train' };
    expect(parseBenchArgs([], env)).toMatchObject({ corrections: 0, models: ['radsam-lite'], ibsi: 'train' });
    expect(parseBenchArgs(['--corrections', '5'], env).corrections).toBe(5);
    expect(parseBenchArgs([], { VOXA_BENCH_IBSI: 'none' }).sets).toEqual(['phantom', 'real']);
  });

  it('refuses what it does not understand', () => {
    for (const argv of [['--sets', 'phantom,lungs'], ['--corrections', '-1'], ['--corrections', '2.5'], ['--label', '1'], ['--pairs'], ['--frobnicate'], ['--ibsi', 'test'], ['--phantom-seeds', '0'], ['--phantom-seeds', 'a'], ['--phantom-seeds', ','], ['--skip', 'click'], ['--skip', 'corrections'], ['--skip']]) {
      expect(() => parseBenchArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});
