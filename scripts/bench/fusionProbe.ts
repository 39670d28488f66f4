/**
 * A probe for choosing a fusion of a model with the classical tool (issue 14): for each case of the
 * bench's sets (same options as bench:segment; run it on the tuning sets), one click at the protocol
 * voxel for the model and for classical, and the image, both masks and the reference written in a box
 * around all three (padded), so rules can be tried offline without re-running the model.
 *
 * Run: node --import tsx scripts/bench/fusionProbe.ts --out DIR [bench:segment's set options]
 * Files: DIR/<case>.json (dims of the box, spacing, click in box voxels, the model's crop runs,
 * Dice of each mask) and DIR/<case>.bin (float32 image, then uint8 model, classical and reference masks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diceBy } from '../../common/segmentation/dice';
import { deepestVoxel, toIjk } from '../../common/segmentation/readerClick';
import type { Vec3 } from '../../common/volume';
import { parseBenchArgs } from './segment/args';
import { selfBundle } from './selfBundle';

async function probe(argv: string[]): Promise<void> {
  const at = argv.indexOf('--out');
  if (at < 0 || !argv[at + 1]) throw new Error('--out DIR is required');
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), argv[at + 1]!);
  const model = process.env.VOXA_PROBE_MODEL ?? 'lesion3d';
  const opts = parseBenchArgs(argv.filter((_, i) => i !== at && i !== at + 1), process.env);
  mkdirSync(out, { recursive: true });
  const { maskFromDelta } = await import('../../common/labelmap/labelmapDelta');
  const { ModelRegistry } = await import('../../main/services/inference/registry');
  const { SegmentationService } = await import('../../main/services/inference/segmentService');
  const { InferenceClient } = await import('../../main/services/inference/worker/inferenceClient');
  const { listCases } = await import('./segment/cases');
  const registry = new ModelRegistry();
  const client = new InferenceClient();
  const service = new SegmentationService({ registry, client });
  const roots = { repo: path.resolve(__dirname, '..', '..'), data: path.resolve(process.env.VOXA_DATA_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'data')) };
  const cases = await listCases(opts, roots, (l) => console.log(l));
  for (const [n, c] of cases.entries()) {
    const { volume, ref, click: known } = await c.load();
    const dims = volume.geometry.dimensions;
    const click = known ?? toIjk(deepestVoxel(ref, dims), dims);
    const seg = async (m: string) => {
      const res = await service.segment(volume, { modelId: m, points: [{ ijk: click, positive: true }] });
      return { mask: maskFromDelta(res.delta), crops: res.crops };
    };
    const M = await seg(model);
    const C = await seg('classical');
    const lo: number[] = [Infinity, Infinity, Infinity], hi: number[] = [-1, -1, -1];
    const [ni, nj] = dims;
    for (let q = 0; q < ref.length; q++) {
      if (!ref[q] && !M.mask[q] && !C.mask[q]) continue;
      const ijk = [q % ni, Math.floor(q / ni) % nj, Math.floor(q / (ni * nj))];
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a]!, ijk[a]!);
        hi[a] = Math.max(hi[a]!, ijk[a]!);
      }
    }
    const pad = 12;
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.max(0, lo[a]! - pad);
      hi[a] = Math.min(dims[a]! - 1, hi[a]! + pad);
    }
    const bd = [0, 1, 2].map((a) => hi[a]! - lo[a]! + 1);
    const V = bd[0]! * bd[1]! * bd[2]!;
    const img = new Float32Array(V);
    const m = new Uint8Array(V), cl = new Uint8Array(V), r = new Uint8Array(V);
    const vox = volume.voxels as ArrayLike<number>;
    let o = 0;
    for (let k = lo[2]!; k <= hi[2]!; k++)
      for (let j = lo[1]!; j <= hi[1]!; j++)
        for (let i = lo[0]!; i <= hi[0]!; i++, o++) {
          const q = (k * nj + j) * ni + i;
          img[o] = vox[q] as number;
          m[o] = M.mask[q] ? 1 : 0;
          cl[o] = C.mask[q] ? 1 : 0;
          r[o] = ref[q] ? 1 : 0;
        }
    const dice = (x: Uint8Array) => diceBy(x.length, (q) => x[q] !== 0, (q) => ref[q] === 1);
    const name = c.name.replace(/[^A-Za-z0-9_.-]+/g, '_');
    const info = {
      case: c.name, set: c.set, group: c.group, modality: volume.meta.modality, dims: bd, offset: lo, spacing: volume.geometry.spacingMm,
      click: (click as Vec3).map((v, a) => v - lo[a]!), crops: M.crops, diceModel: dice(M.mask), diceClassical: dice(C.mask),
    };
    writeFileSync(path.join(out, `${name}.json`), JSON.stringify(info));
    writeFileSync(path.join(out, `${name}.bin`), Buffer.concat([Buffer.from(img.buffer), Buffer.from(m), Buffer.from(cl), Buffer.from(r)]));
    console.log(`[${n + 1}/${cases.length}] ${c.name}: model ${info.diceModel.toFixed(3)} classical ${info.diceClassical.toFixed(3)}`);
  }
  await client.close();
}

if (__filename.endsWith('.ts')) void selfBundle(__filename, 'fusion-probe.cjs').then((code) => process.exit(code));
else
  probe(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
