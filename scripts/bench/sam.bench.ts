/**
 * SAM-family packs (issue 15): encoder and decoder time per slice for the tiny
 * random-weight SAM of the equality test (1024² input, 64² embedding) on CPU,
 * and what the embedding cache saves: a click → 3D mask over N slices with a
 * cold cache against the same click again (decoder only, the baseline a
 * correction pays), measured in the same run. Needs python3-torch and
 * ../shared/reference/segment-anything to build the pack; the real CT of
 * ../shared/data when present, else a synthetic 512² volume.
 *
 * Run: npm run bench:sam   (or npm run bench -- sam)
 */
import { selfBundle } from './selfBundle';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
};
const fmt = (v: number, d = 1) => v.toFixed(d);

async function bench(): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { buildTinySamPack, HAS_SAM_REFERENCE, TINY_SAM_ID } = await import('../../main/services/inference/sam/testing/tinySam');
  const { importPack } = await import('../../main/services/inference/importPack');
  const { ModelRegistry } = await import('../../main/services/inference/registry');
  const { SegmentationService } = await import('../../main/services/inference/segmentService');
  const { InferenceClient } = await import('../../main/services/inference/worker/inferenceClient');
  const { loadVolume } = await import('../../main/services/io/volumeLoader');
  const { dataPath, HAS_DATA } = await import('../../main/testing/dataDir');
  const { slicePlaneFor } = await import('../../common/segmentation/slicePlane');
  if (!HAS_SAM_REFERENCE) {
    console.log('skipped: needs python3-torch, python3-torchvision and ../shared/reference/segment-anything');
    return;
  }
  const threads = Number(process.env.VOXA_BENCH_THREADS ?? 2);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-sam-bench-'));
  const client = new InferenceClient({ threads });
  try {
    const { packDir } = buildTinySamPack(tmp);
    const userData = path.join(tmp, 'user');
    await importPack(packDir, userData);
    const service = new SegmentationService({ registry: new ModelRegistry({ userData }), client });
    type V = Awaited<ReturnType<typeof loadVolume>>;
    const volumes: { name: string; v: V }[] = [];
    if (HAS_DATA) {
      volumes.push({ name: 'CT 512×512 (dcmqi liver)', v: await loadVolume(dataPath('seg_dicom_liver_ct3slice_dcmqi', 'ct')) });
      volumes.push({ name: 'MR 45×120 (breast1)', v: await loadVolume(dataPath('lesion_mr_nrrd_pyradiomics', 'breast1_image.nrrd')) });
    }
    const { engine, provider } = await service.samEngine(TINY_SAM_ID);
    console.log(`tiny SAM (random weights), ${provider}, ${threads} threads\n`);
    const rows = [['volume', 'slices', 'encoder ms/slice (median)', 'decoder ms (median)', 'first slice ms', 'same prompt again ms', 'ratio']];
    for (const { name, v } of volumes) {
      const plane = slicePlaneFor(v.geometry, 'axial');
      const nk = v.geometry.dimensions[plane.normalAxis];
      const slices = Math.min(nk, 6);
      const enc: number[] = [];
      const dec: number[] = [];
      let first = 0;
      let again = 0;
      const prompt = { points: [{ x: v.geometry.dimensions[plane.colAxis] / 2, y: v.geometry.dimensions[plane.rowAxis] / 2, positive: true }] };
      for (let s = 0; s < slices; s++) {
        const t = performance.now();
        const r = await engine.predict(v, plane, s, prompt);
        if (s === 0) first = performance.now() - t;
        enc.push(r.encoderMs);
        dec.push(r.decoderMs);
      }
      for (let n = 0; n < 3; n++) {
        const t = performance.now();
        const r = await engine.predict(v, plane, 0, prompt);
        if (!r.embeddingCached) throw new Error('the embedding was not cached');
        dec.push(r.decoderMs);
        again += (performance.now() - t) / 3;
      }
      rows.push([name, String(slices), fmt(median(enc)), fmt(median(dec)), fmt(first), fmt(again), `${fmt(first / again)}×`]);
    }
    const widths = (rows[0] as string[]).map((_, n) => Math.max(...rows.map((r) => (r[n] as string).length)));
    for (const r of rows) console.log(r.map((c, n) => (n ? c.padStart(widths[n] as number) : c.padEnd(widths[n] as number))).join('  '));
    console.log('\n"same prompt again" is a correction on a slice already seen: the embedding comes from the cache, only the decoder runs.');
  } finally {
    await client.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (__filename.endsWith('.ts')) void selfBundle(__filename, 'sam-bench.cjs').then((code) => process.exit(code));
else
  bench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
