/** SAM preprocessing pieces against their references: Pillow's 8-bit bilinear resize and PyTorch's F.interpolate. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SamPreprocessing } from '../../../../common/models/samPreprocessing';
import { slicePlaneFor } from '../../../../common/segmentation/slicePlane';
import type { Volume } from '../../../../common/volume';
import { interpolateBilinear } from './samEngine';
import { encoderInput, extractSlice, quantise8, resizeBilinear8, resizedShape, resizeNearest8, sliceToGrid, toModelFrame } from './samImage';

const PY = '/usr/bin/python3';
const has = (mods: string) => {
  try {
    execFileSync(PY, ['-c', `import ${mods}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const HAS_PIL = has('PIL, numpy');
const HAS_TORCH = has('torch, numpy');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-samimg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let q = 0; q < n; q++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    // Smooth-ish content plus noise, like an image.
    out[q] = (Math.floor(128 + 100 * Math.sin(q / 37)) + (s % 40)) & 255;
  }
  return out;
}

const SAM: SamPreprocessing = {
  layout: 'sam',
  inputSize: 1024,
  resize: 'longestSide',
  resample: 'bilinear',
  pad: 'bottomRight',
  normalize: { type: 'meanStd', pixelMean: [123.675, 116.28, 103.53], pixelStd: [58.395, 57.12, 57.375] },
  channels: 3,
  intensity: { default: { type: 'window', minHu: 0, maxHu: 1 } },
  maskInputSize: 256,
  multimaskOutput: true,
  multimaskChoice: 'bestIou',
  origImSize: true,
  maskInputKind: 'logits',
  encoderInputName: 'image',
  propagationPrompt: 'maskAndBox',
};

describe('8-bit quantisation and the model frame', () => {
  it('quantises by floor(t · 255 + 0.5), clipping outside the window and zeroing NaN', () => {
    expect(Array.from(quantise8(Float32Array.of(-10, 0, 0.5, 1, 2, NaN, 100 / 255, 0.5 / 255), 0, 1))).toEqual([0, 0, 128, 255, 255, 0, 100, 1]);
    expect(Array.from(quantise8(Float32Array.of(5, 6), 3, 3))).toEqual([0, 0]);
  });

  it('resizes the longest side as SAM does (floor(x + 0.5)) and scales points by the new/old ratio per axis', () => {
    expect(resizedShape(SAM, 512, 512)).toEqual({ width: 1024, height: 1024 });
    expect(resizedShape(SAM, 45, 120)).toEqual({ width: 384, height: 1024 });
    expect(resizedShape(SAM, 1500, 1000)).toEqual({ width: 1024, height: 683 });
    expect(resizedShape({ ...SAM, resize: 'stretch', pad: 'none' }, 45, 120)).toEqual({ width: 1024, height: 1024 });
    const [x, y] = toModelFrame(SAM, 45, 120, 22, 60);
    expect(x).toBeCloseTo((22 * 384) / 45, 10);
    expect(y).toBeCloseTo(512, 10);
  });

  it('normalises per channel and pads with zeros right and below', () => {
    const img = Uint8Array.of(0, 255, 100, 50);
    const t = encoderInput({ ...SAM, inputSize: 4 }, img, 2, 2);
    expect(t[0]).toBeCloseTo(-123.675 / 58.395, 5);
    expect(t[1]).toBeCloseTo((255 - 123.675) / 58.395, 5);
    expect(t[4 + 0]).toBeCloseTo((100 - 123.675) / 58.395, 5);
    expect(t[2]).toBe(0);
    expect(t[4 * 3]).toBe(0);
    expect(t[16 + 1]).toBeCloseTo((255 - 116.28) / 57.12, 5);
    const unit = encoderInput({ ...SAM, inputSize: 4, channels: 1, normalize: { type: 'minMax' } }, img, 2, 2);
    expect(Array.from(unit.subarray(0, 2))).toEqual([0, 1]);
    expect(unit[4]).toBeCloseTo(100 / 255, 6);
  });

  it('reads a slice in reading orientation: a grid running right-to-left is flipped, and sliceToGrid undoes it', () => {
    // i runs towards patient right (direction −x): the axial image must show patient left on the right of x... i.e. u = W − 1 − x.
    const volume: Volume = {
      geometry: { dimensions: [3, 2, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'float32',
      voxels: Float32Array.of(0, 1, 2, 10, 11, 12),
      meta: { modality: 'CT', sourceFormat: 'nifti', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    };
    const plane = slicePlaneFor(volume.geometry, 'axial');
    const img = extractSlice(volume, plane, 0);
    expect(Array.from(img.values)).toEqual([2, 1, 0, 12, 11, 10]);
    expect(sliceToGrid(plane, 3, 2, 0, 1)).toEqual([2, 1]);
  });
});

describe.skipIf(!HAS_PIL)("Pillow's 8-bit bilinear resize", () => {
  it('is reproduced bit for bit when enlarging, shrinking, stretching and for odd sizes', () => {
    const cases: [number, number, number, number][] = [
      [45, 120, 384, 1024],
      [512, 512, 1024, 1024],
      [1500, 700, 1024, 478],
      [333, 97, 1024, 1024],
      [7, 5, 3, 11],
      [64, 64, 64, 17],
    ];
    const files = cases.map(([w, h], n) => {
      const f = path.join(tmp, `in${n}.u8`);
      writeFileSync(f, noise(w * h, n + 1));
      return f;
    });
    const code = `
import sys, json, numpy as np
from PIL import Image
cases = json.loads(sys.argv[1])
for n, (w, h, ow, oh) in enumerate(cases):
    a = np.fromfile(sys.argv[2] + '/in%d.u8' % n, dtype=np.uint8).reshape(h, w)
    np.asarray(Image.fromarray(a).resize((ow, oh), Image.BILINEAR)).tofile(sys.argv[2] + '/out%d.u8' % n)
`;
    execFileSync(PY, ['-c', code, JSON.stringify(cases), tmp]);
    cases.forEach(([w, h, ow, oh], n) => {
      const mine = resizeBilinear8(new Uint8Array(readFileSync(files[n] as string)), w, h, ow, oh);
      const ref = new Uint8Array(readFileSync(path.join(tmp, `out${n}.u8`)));
      expect(mine.length).toBe(ref.length);
      let differ = 0;
      for (let q = 0; q < ref.length; q++) if (mine[q] !== ref[q]) differ++;
      expect(differ, `${w}×${h} → ${ow}×${oh}`).toBe(0);
    });
  });
});

describe("OpenCV's INTER_NEAREST resize (SAM-Med2D)", () => {
  it('takes source pixel floor(x · in / out) on each axis', () => {
    // 3 → 7 columns: floor(x · 3/7) = 0 0 0 1 1 2 2; 2 → 1 rows: row 0.
    const src = Uint8Array.of(10, 20, 30, 40, 50, 60);
    expect(Array.from(resizeNearest8(src, 3, 2, 7, 1))).toEqual([10, 10, 10, 20, 20, 30, 30]);
    expect(Array.from(resizeNearest8(src, 3, 2, 3, 4))).toEqual([10, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60]);
  });
});

describe.skipIf(!HAS_TORCH)('bilinear interpolation of mask logits', () => {
  it("equals PyTorch's F.interpolate(mode='bilinear', align_corners=False) up and down", () => {
    const src = Float32Array.from({ length: 16 * 12 }, (_, q) => Math.sin(q * 0.37) * 20 - 3);
    writeFileSync(path.join(tmp, 'logits.f32'), Buffer.from(src.buffer));
    const code = `
import sys, numpy as np, torch
import torch.nn.functional as F
a = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32).reshape(1, 1, 12, 16))
for n, (h, w) in enumerate([(40, 31), (5, 7)]):
    F.interpolate(a, (h, w), mode='bilinear', align_corners=False).numpy().astype(np.float32).tofile(sys.argv[2] + '/interp%d.f32' % n)
`;
    execFileSync(PY, ['-c', code, path.join(tmp, 'logits.f32'), tmp]);
    [[40, 31], [5, 7]].forEach(([h, w], n) => {
      const mine = interpolateBilinear(src, 16, 12, w as number, h as number);
      const b = readFileSync(path.join(tmp, `interp${n}.f32`));
      const ref = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      let d = 0;
      for (let q = 0; q < ref.length; q++) d = Math.max(d, Math.abs((mine[q] as number) - (ref[q] as number)));
      expect(d).toBeLessThan(1e-4);
    });
  });
});
