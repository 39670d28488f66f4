import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVoxaError } from '../../../common/contract';
import type { VolumeGeometry } from '../../../common/volume';
import { dataPath, HAS_DATA as hasData } from '../../testing/dataDir';
import { mulberry32 } from '../phantom/torsoPhantom';
import { readDicomSeg } from './dicomSegRead';
import { readRtStruct } from './rtStruct';

/** Seeded mutations: byte flips, truncation, and 32-bit length-field scribbles. */
function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const kind = rand();
  if (kind < 0.3) return out.subarray(0, Math.floor(rand() * out.length));
  const edits = 1 + Math.floor(rand() * 8);
  for (let e = 0; e < edits; e++) {
    const at = 132 + Math.floor(rand() * (out.length - 136));
    if (kind < 0.7) out[at] = Math.floor(rand() * 256);
    else new DataView(out.buffer).setUint32(at, [0xffffffff, 0x7fffffff, 0, Math.floor(rand() * 2 ** 32)][Math.floor(rand() * 4)] as number, true);
  }
  return out;
}

describe.skipIf(!hasData)('mask readers under mutated input (seeded)', () => {
  const grid: VolumeGeometry = { dimensions: [512, 512, 2], spacingMm: [0.488281, 0.488281, 5], originLps: [-125, -125, 60], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const cases: [string, (b: Uint8Array) => unknown][] = [
    [dataPath('seg_sr_highdicom_small', 'seg_image_ct_binary_overlap.dcm'), (b) => readDicomSeg(b, 'fuzz.dcm')],
    [dataPath('seg_sr_highdicom_small', 'seg_image_ct_true_fractional.dcm'), (b) => readDicomSeg(b, 'fuzz.dcm')],
    [dataPath('rtstruct_phantom_rtutils', 'rt.dcm'), (b) => readRtStruct(b, 'fuzz.dcm', grid)],
  ];
  it.each(cases)('%s: 300 mutations give a result or a typed error, never a crash or a hang', (file, read) => {
    const original = readFileSync(file);
    const rand = mulberry32(1234);
    let typed = 0;
    for (let n = 0; n < 300; n++) {
      const bytes = mutate(original, rand);
      const start = Date.now();
      try {
        read(bytes);
      } catch (e) {
        if (!isVoxaError(e)) throw new Error(`case ${n}: untyped ${e instanceof Error ? e.stack : String(e)}`);
        typed++;
      }
      expect(Date.now() - start).toBeLessThan(2000);
    }
    expect(typed).toBeGreaterThan(0);
  });
});
