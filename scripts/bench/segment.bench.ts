/**
 * Click → 3D mask (issue 5): latency with a cold and a warm session, model
 * time per slice step, and Dice against reference masks, for the built-in
 * model (native-models/radsam-lite, when it is there) and the classical
 * fallback, on phantom lesions and on the ../shared/data lesions
 * (pyradiomics brain1 and breast1 via NRRD, BraTS pat0005 whole tumour, stroke
 * label 2) and the IBSI sarcoma validation patients (VOXA_BENCH_IBSI=val, the
 * default; =train for the training patients, =none to skip). Clicks are at the reference mask's deepest voxel (the last voxels
 * left by repeated erosion, nearest the centroid): "a click at the centre".
 *
 * Then the box protocol (the tight box of the reference on its largest axial slice) and click + N
 * corrections (VOXA_BENCH_CORRECTIONS, default 3; 0 skips) through the segmentation session, with the
 * simulated reader of common/segmentation/readerClick.ts; per case Dice after each step and the worst step.
 *
 * Run: npm run bench:segment   (or npm run bench -- segment)
 * Under tsx the script bundles itself with esbuild next to the CLI bundle
 * (the NIfTI reader's package does not load through tsx) and runs that.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { diceBy as diceOf } from '../../common/segmentation/dice';
import type { Vec3, Volume } from '../../common/volume';
import { selfBundle } from './selfBundle';

async function bench(): Promise<void> {
  const { lpsToIjk } = await import('../../common/geometry/affine');
  const { maskFromDelta } = await import('../../common/segmentation/labelmapDelta');
  const { generatePhantomStudy } = await import('../../main/services/phantom/phantomStudy');
  const { loadVolume } = await import('../../main/services/io/volumeLoader');
  const { ModelRegistry } = await import('../../main/services/inference/registry');
  const { SegmentationService } = await import('../../main/services/inference/segmentService');
  const { InferenceClient } = await import('../../main/services/inference/worker/inferenceClient');

  const registry = new ModelRegistry();
  const models = (await registry.list()).filter((e) => e.status === 'ok' && e.task === 'segment.prompt2d').map((e) => e.id);
  const modelId = models.includes('radsam-lite') ? 'radsam-lite' : models[0];
  console.log(`model packs: ${models.join(', ') || 'none'}; benchmarking ${modelId ?? 'the classical fallback only'} against classical`);
  const client = new InferenceClient();
  const service = new SegmentationService({ registry, client });

  const dice = (m: Uint8Array, ref: (q: number) => boolean) => diceOf(m.length, (q) => m[q] !== 0, ref);
  const { deepestVoxel, readerCorrection, toIjk } = await import('../../common/segmentation/readerClick');
  /** The deepest voxel of a mask (common/segmentation/readerClick.ts): "a click at the centre". */
  const centreClick = (ref: Uint8Array, dims: Vec3): Vec3 => toIjk(deepestVoxel(ref, dims), dims);

  /** `group`: the mean-Dice line the case counts in. */
  interface Case { name: string; group: string; volume: Volume; ref: Uint8Array; click: Vec3 }
  const cases: Case[] = [];
  for (const seed of [1, 2]) {
    const { phantom } = generatePhantomStudy({ seed });
    phantom.lesions.forEach((l, n) => {
      if (2 * Math.min(...l.radiiMm) < 10) return;
      const ref = Uint8Array.from(phantom.labels, (v) => (v === n + 1 ? 1 : 0));
      cases.push({ name: `phantom s${seed} ${l.name} (${l.hu} HU)`, group: 'phantom', volume: phantom.volume, ref, click: lpsToIjk(phantom.volume.geometry, l.centreLps) });
    });
  }
  const dataDir = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'data'));
  const real: [string, string, string, (v: number) => boolean][] = [
    ['brain1 tumour (pyradiomics, MR)', 'lesion_mr_nrrd_pyradiomics/brain1_image.nrrd', 'lesion_mr_nrrd_pyradiomics/brain1_label.nrrd', (v) => v === 1],
    ['breast1 lesion (pyradiomics, MR)', 'lesion_mr_nrrd_pyradiomics/breast1_image.nrrd', 'lesion_mr_nrrd_pyradiomics/breast1_label.nrrd', (v) => v === 1],
    ['BraTS pat0005 whole tumour (FLAIR)', 'lesion_mr_brats2013_pat0005/Flair_subtrMeanDivStd.nii.gz', 'lesion_mr_brats2013_pat0005/OTMultiClass.nii.gz', (v) => v > 0],
    ['stroke lesion label 2 (FLAIR)', 'brain_mri_stroke_lesion_cstar/FLAIR.nii.gz', 'brain_mri_stroke_lesion_cstar/lesion.nii.gz', (v) => Math.round(v) === 2],
  ];
  for (const [name, img, lab, sel] of real) {
    if (!existsSync(path.join(dataDir, img))) {
      console.log(`skip ${name}: ${img} not found under ${dataDir}`);
      continue;
    }
    try {
      const volume = await loadVolume(path.join(dataDir, img));
      const labels = await loadVolume(path.join(dataDir, lab));
      const ref = Uint8Array.from(labels.voxels as ArrayLike<number>, (v) => (sel(v) ? 1 : 0));
      cases.push({ name, group: 'real', volume, ref, click: centreClick(ref, volume.geometry.dimensions) });
    } catch (e) {
      console.log(`skip ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // IBSI soft-tissue sarcoma (training/ibsi_sts): the validation patients of native-models/training/split.json
  // by default (never trained on); VOXA_BENCH_IBSI=train measures the training patients instead (for tuning
  // engine rules without touching the validation set), =none skips them.
  const ibsiSet = process.env.VOXA_BENCH_IBSI ?? 'val';
  const splitFile = path.join(__dirname, '..', '..', 'native-models', 'training', 'split.json');
  if (ibsiSet !== 'none' && existsSync(splitFile) && existsSync(path.join(dataDir, 'training', 'ibsi_sts'))) {
    const split = JSON.parse(readFileSync(splitFile, 'utf8')) as Record<string, unknown>;
    const patients = split[ibsiSet];
    if (!Array.isArray(patients)) throw new Error(`VOXA_BENCH_IBSI=${ibsiSet}: split.json has no such list (val, train or none)`);
    for (const patient of patients as string[]) {
      for (const [mod, img, lab] of [['CT', 'CT_image.nii.gz', 'CT_mask.nii.gz'], ['MR', 'MR_T1_image.nii.gz', 'MR_T1_mask.nii.gz']] as const) {
        const dir = path.join(dataDir, 'training', 'ibsi_sts', patient);
        if (!existsSync(path.join(dir, img))) continue;
        const volume = await loadVolume(path.join(dir, img));
        const labels = await loadVolume(path.join(dir, lab));
        const ref = Uint8Array.from(labels.voxels as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
        cases.push({ name: `ibsi-${ibsiSet} ${patient} ${mod}`, group: `ibsi-${ibsiSet} ${mod}`, volume, ref, click: centreClick(ref, volume.geometry.dimensions) });
      }
    }
  }

  const rows: string[][] = [['case', 'method', 'Dice', 'slices', 'ref slices', 'ms total', 'ms model', 'ms/slice', 'session']];
  /** Axial slices holding reference voxels. */
  const refSlices = (c: Case) => {
    const plane = c.volume.geometry.dimensions[0] * c.volume.geometry.dimensions[1];
    const seen = new Set<number>();
    for (let q = 0; q < c.ref.length; q++) if (c.ref[q]) seen.add(Math.floor(q / plane));
    return seen.size;
  };
  const fmt = (v: number, d = 1) => v.toFixed(d);
  let coldDone = false;
  const diceBy: Record<string, number[]> = {};
  for (const c of cases) {
    const nRefSlices = refSlices(c);
    const methods = ['classical', ...(modelId ? [modelId] : [])];
    for (const m of methods) {
      const runs = m !== 'classical' && !coldDone ? 2 : 1; // the first model call is cold; repeat it warm
      for (let r = 0; r < runs; r++) {
        const res = await service.segment(c.volume, { modelId: m, points: [{ ijk: c.click, positive: true }] });
        const d = dice(maskFromDelta(res.delta), (q) => c.ref[q] === 1);
        if (r === runs - 1) (diceBy[`${c.group} ${m}`] ??= []).push(d);
        rows.push([c.name, m, fmt(d, 3), String(res.slicesSpanned), String(nRefSlices), fmt(res.timings.totalMs), fmt(res.timings.modelMs), m === 'classical' ? '-' : fmt(res.perSliceModelMs, 2), m === 'classical' ? '-' : res.warm ? `warm ${res.provider}` : `cold ${res.provider}`]);
      }
      if (m !== 'classical') coldDone = true;
    }
  }
  const widths = rows[0]!.map((_, n) => Math.max(...rows.map((r) => r[n]!.length)));
  for (const r of rows) console.log(r.map((v, n) => (n >= 2 ? v.padStart(widths[n]!) : v.padEnd(widths[n]!))).join('  '));
  console.log('\nmean Dice (click):');
  for (const [k, v] of Object.entries(diceBy)) console.log(`  ${k.padEnd(28)} ${fmt(v.reduce((a, b) => a + b, 0) / v.length, 3)} over ${v.length} cases`);

  // Box and click + N corrections (issue 14), through the segmentation session the UI uses:
  // box = the tight box of the reference on its largest axial slice; corrections = the simulated
  // reader (deepest voxel of the largest 3D error component, positive where the mask misses).
  const corrections = Number(process.env.VOXA_BENCH_CORRECTIONS ?? 3);
  if (corrections > 0) {
    const { VolumeStore } = await import('../../main/services/volumeStore');
    const { SegmentSessions } = await import('../../main/services/segmentation/segmentSessions');
    const crows: string[][] = [['case', 'method', 'box', `click → ${corrections} corrections`, 'worst step', 'ms / correction']];
    const summary: Record<string, { box: number[]; final: number[]; worst: number }> = {};
    for (const c of cases) {
      const dims = c.volume.geometry.dimensions;
      // The reference's largest axial slice and its tight box there.
      const plane = dims[0] * dims[1];
      const perSlice = new Map<number, number>();
      for (let q = 0; q < c.ref.length; q++) if (c.ref[q]) perSlice.set(Math.floor(q / plane), (perSlice.get(Math.floor(q / plane)) ?? 0) + 1);
      const kBox = [...perSlice.entries()].sort((x, y) => y[1] - x[1])[0]![0];
      let i0 = Infinity, i1 = -1, j0 = Infinity, j1 = -1;
      for (let q = kBox * plane; q < (kBox + 1) * plane; q++) if (c.ref[q]) { const i = q % dims[0]; const j = Math.floor(q / dims[0]) % dims[1]; i0 = Math.min(i0, i); i1 = Math.max(i1, i); j0 = Math.min(j0, j); j1 = Math.max(j1, j); }
      // The model twice: local corrections (the product) and, for comparison, re-running the whole prompt list.
      const variants: [string, string, boolean][] = [['classical', 'classical', true], ...(modelId ? ([[modelId, modelId, true], [modelId, `${modelId} (re-run)`, false]] as [string, string, boolean][]) : [])];
      for (const [m, label, local] of variants) {
        const boxRes = await service.segment(c.volume, { modelId: m, points: [], box: { a: { ijk: [i0, j0, kBox] }, b: { ijk: [i1, j1, kBox] } } });
        const dBox = dice(maskFromDelta(boxRes.delta), (q) => c.ref[q] === 1);
        const volumes = new VolumeStore();
        const volumeId = volumes.add(c.volume, null).volumeId;
        const sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: service, localCorrections: local });
        const s = sessions.open(volumeId);
        const first = await s.prompt({ target: { kind: 'new' }, modelId: m, plane: 'axial', points: [{ ijk: c.click, positive: true }] });
        const seg = () => Uint8Array.from(s.state.labels, (v) => (v === first.label ? 1 : 0));
        const ds = [dice(seg(), (q) => c.ref[q] === 1)];
        let ms = 0;
        for (let n = 0; n < corrections; n++) {
          const k = readerCorrection(seg(), c.ref, dims);
          if (!k) break;
          const t = performance.now();
          await s.prompt({ target: { kind: 'refine', label: first.label }, modelId: m, plane: 'axial', points: [{ ijk: k.ijk, positive: k.positive }] });
          ms += performance.now() - t;
          ds.push(dice(seg(), (q) => c.ref[q] === 1));
        }
        sessions.closeAll();
        const worst = Math.min(0, ...ds.slice(1).map((d, n) => d - ds[n]!));
        const key = `${c.group} ${label}`;
        const e = (summary[key] ??= { box: [], final: [], worst: 0 });
        e.box.push(dBox);
        e.final.push(ds.at(-1)!);
        e.worst = Math.min(e.worst, worst);
        crows.push([c.name, label, fmt(dBox, 3), ds.map((d) => fmt(d, 3)).join(' → '), fmt(worst, 3), fmt(ms / Math.max(1, ds.length - 1))]);
      }
    }
    console.log('');
    const cw = crows[0]!.map((_, n) => Math.max(...crows.map((r) => r[n]!.length)));
    for (const r of crows) console.log(r.map((v, n) => (n >= 2 ? v.padStart(cw[n]!) : v.padEnd(cw[n]!))).join('  '));
    console.log(`\nmean Dice (box; click + ${corrections} corrections; worst single step):`);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(28)} box ${fmt(mean(v.box), 3)}   final ${fmt(mean(v.final), 3)}   worst step ${fmt(v.worst, 3)}   over ${v.final.length} cases`);
  }
  await client.close();
}

if (__filename.endsWith('.ts')) void selfBundle(__filename, 'segment-bench.cjs').then((code) => process.exit(code));
else
  bench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
