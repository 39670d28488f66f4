import { describe, expect, it } from 'vitest';
import { autoWindow, CT_PRESETS, percentiles } from './windowPresets';

describe('window presets', () => {
  it('has the eight CT windows on keys 1..8 with the usual teaching values', () => {
    expect(CT_PRESETS.map((p) => [p.id, p.key])).toEqual([
      ['brain', '1'], ['subdural', '2'], ['stroke', '3'], ['lung', '4'], ['mediastinum', '5'], ['abdomen', '6'], ['liver', '7'], ['bone', '8'],
    ]);
    expect(CT_PRESETS.find((p) => p.id === 'lung')).toMatchObject({ widthHu: 1500, levelHu: -600 });
    expect(CT_PRESETS.find((p) => p.id === 'brain')).toMatchObject({ widthHu: 80, levelHu: 40 });
  });

  it('nearest-rank percentiles of 1..1000 are 10 and 995; NaN is ignored', () => {
    const v = new Float32Array(1001).map((_, n) => n + 1);
    v[1000] = NaN;
    expect(percentiles(v, 0.01, 0.995)).toEqual([10, 995]);
    expect(autoWindow(v)).toEqual({ width: 985, level: 502.5 });
    expect(percentiles(new Float32Array([NaN]), 0.01, 0.99)).toEqual([0, 1]);
  });

  it('an outlier does not stretch the automatic window (MR with a bright artefact)', () => {
    const v = new Float32Array(10000).map((_, n) => n % 500);
    v[0] = 1e6;
    const w = autoWindow(v);
    expect(w.level + w.width / 2).toBeLessThan(500);
  });
});
