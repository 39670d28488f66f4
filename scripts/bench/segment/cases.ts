/**
 * The benchmark's cases, listed up front and loaded one at a time (an IBSI or
 * pairs volume is only held while it is measured):
 * - phantom: the lesions ≥ 10 mm of the synthetic torso phantoms, seeds 1 and 2 (validation; --phantom-seeds for tuning);
 * - real: pyradiomics brain1 and breast1 (NRRD), BraTS pat0005 whole tumour,
 *   stroke lesion label 2, and the dcmqi liver CT when its SEG holds a lesion segment;
 * - ibsi: the IBSI sarcoma patients of native-models/training/lesion3d/split.json
 *   (else native-models/training/split.json), CT and MR T1 each a case;
 * - pairs: every image + mask pair of --pairs DIR (pairsFolder.ts).
 *
 * Imports the io services, so the runner imports this module only once it runs
 * as the esbuild bundle (selfBundle.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, Volume } from '../../../common/volume';
import { loadVolume } from '../../../main/services/io/volumeLoader';
import { readDicomSegFile } from '../../../main/services/masks/dicomSegRead';
import { loadSourceSeries } from '../../../main/services/masks/sourceSeries';
import { generatePhantomStudy } from '../../../main/services/phantom/phantomStudy';
import { checkSameGrid } from '../../../main/services/recist/maskMeasurement';
import type { BenchOptions } from './args';
import { findPairs } from './pairsFolder';

export interface LoadedCase {
  volume: Volume;
  /** 1 inside the reference lesion, 0 elsewhere, on the volume's grid. */
  ref: Uint8Array;
  /** The protocol click when the case knows its lesion's centre (phantoms); else the reference's deepest voxel. */
  click?: Vec3;
}

export interface BenchCase {
  name: string;
  set: 'phantom' | 'real' | 'ibsi' | 'pairs';
  /** The summary line it counts in. */
  group: string;
  load: () => Promise<LoadedCase>;
}

export interface CaseRoots {
  /** The repository root (for native-models/training). */
  repo: string;
  /** ../shared/data, or VOXA_DATA_DIR. */
  data: string;
}

const binary = (voxels: ArrayLike<number>, inside: (v: number) => boolean) => Uint8Array.from(voxels, (v) => (inside(v) ? 1 : 0));

/** An image + labelmap pair on one grid; `inside` picks the lesion's label values. */
async function loadLabelled(image: string, mask: string, inside: (v: number) => boolean): Promise<LoadedCase> {
  const volume = await loadVolume(image);
  const labels = await loadVolume(mask);
  checkSameGrid(volume.geometry, labels.geometry);
  const ref = binary(labels.voxels as ArrayLike<number>, inside);
  if (!ref.includes(1)) throw new Error(`${path.basename(mask)} has no lesion voxel`);
  return { volume, ref };
}

function phantomCases(seeds: readonly number[]): BenchCase[] {
  const out: BenchCase[] = [];
  for (const seed of seeds) {
    const { phantom } = generatePhantomStudy({ seed });
    phantom.lesions.forEach((l, n) => {
      if (2 * Math.min(...l.radiiMm) < 10) return;
      out.push({
        name: `phantom s${seed} ${l.name} (${l.hu} HU)`,
        set: 'phantom',
        // Seeds 1 and 2 are the validation phantoms; any other seed is for tuning and reported apart.
        group: seed <= 2 ? 'phantom' : 'phantom-tuning',
        load: async () => ({ volume: phantom.volume, ref: binary(phantom.labels, (v) => v === n + 1), click: lpsToIjk(phantom.volume.geometry, l.centreLps) }),
      });
    });
  }
  return out;
}

const REAL: [string, string, string, (v: number) => boolean][] = [
  ['brain1 tumour (pyradiomics, MR)', 'lesion_mr_nrrd_pyradiomics/brain1_image.nrrd', 'lesion_mr_nrrd_pyradiomics/brain1_label.nrrd', (v) => v === 1],
  ['breast1 lesion (pyradiomics, MR)', 'lesion_mr_nrrd_pyradiomics/breast1_image.nrrd', 'lesion_mr_nrrd_pyradiomics/breast1_label.nrrd', (v) => v === 1],
  ['BraTS pat0005 whole tumour (FLAIR)', 'lesion_mr_brats2013_pat0005/Flair_subtrMeanDivStd.nii.gz', 'lesion_mr_brats2013_pat0005/OTMultiClass.nii.gz', (v) => v > 0],
  ['stroke lesion label 2 (FLAIR)', 'brain_mri_stroke_lesion_cstar/FLAIR.nii.gz', 'brain_mri_stroke_lesion_cstar/lesion.nii.gz', (v) => Math.round(v) === 2],
];

/** Segment names or types that are lesions (not organs, not the synthetic overlap test shapes). */
const LESION = /lesion|tumou?r|mass|nodule|neoplasm|metasta|carcinoma|cancer|cyst/i;

/**
 * The dcmqi liver CT (3 slices) through the app's SEG import: a case for each
 * lesion segment of its SEG files; a note naming the segments when there is none.
 */
async function dcmqiCases(data: string, log: (line: string) => void): Promise<BenchCase[]> {
  const dir = path.join(data, 'seg_dicom_liver_ct3slice_dcmqi');
  if (!existsSync(dir)) {
    log(`skip dcmqi liver CT: seg_dicom_liver_ct3slice_dcmqi not found under ${data}`);
    return [];
  }
  const out: BenchCase[] = [];
  const seen: string[] = [];
  try {
    const source = await loadSourceSeries(path.join(dir, 'ct'));
    for (const file of ['liver.dcm', 'partial_overlaps.dcm']) {
      const seg = await readDicomSegFile(path.join(dir, 'seg', file), source);
      for (const s of seg.segments) {
        const words = [s.label, s.description ?? '', s.type?.meaning ?? ''].join(' ');
        seen.push(`${file} #${s.number} "${s.label}" (${s.type?.meaning ?? 'no type'})`);
        if (!LESION.test(words)) continue;
        const threshold = seg.kind === 'FRACTIONAL' ? seg.maxFractionalValue / 2 : 1;
        out.push({ name: `dcmqi liver CT ${s.label}`, set: 'real', group: 'real', load: async () => ({ volume: source.volume, ref: binary(s.mask, (v) => v >= threshold && v > 0) }) });
      }
    }
  } catch (e) {
    log(`skip dcmqi liver CT: the SEG import failed (${e instanceof Error ? e.message : String(e)})`);
    return [];
  }
  if (!out.length) log(`skip dcmqi liver CT: its SEGs load but hold no lesion segment (${seen.join('; ')})`);
  return out;
}

async function realCases(data: string, log: (line: string) => void): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const [name, img, lab, inside] of REAL) {
    if (!existsSync(path.join(data, img)) || !existsSync(path.join(data, lab))) {
      log(`skip ${name}: ${img} or its mask not found under ${data}`);
      continue;
    }
    out.push({ name, set: 'real', group: 'real', load: () => loadLabelled(path.join(data, img), path.join(data, lab), inside) });
  }
  return [...out, ...(await dcmqiCases(data, log))];
}

/** IBSI sarcoma: CT and MR T1 of each patient of the split's list, from ibsi_sts/ or ibsi_sts_extra/. */
function ibsiCases(roots: CaseRoots, which: 'val' | 'train', log: (line: string) => void): BenchCase[] {
  const training = path.join(roots.repo, 'native-models', 'training');
  const splitFile = [path.join(training, 'lesion3d', 'split.json'), path.join(training, 'split.json')].find((f) => existsSync(f));
  if (!splitFile) {
    log('skip ibsi: no native-models/training/lesion3d/split.json nor training/split.json');
    return [];
  }
  const patients = (JSON.parse(readFileSync(splitFile, 'utf8')) as Record<string, unknown>)[which];
  if (!Array.isArray(patients) || !patients.every((p) => typeof p === 'string')) throw new Error(`${path.relative(roots.repo, splitFile)} has no "${which}" list of patient ids`);
  log(`ibsi: the ${patients.length} "${which}" patients of ${path.relative(roots.repo, splitFile)}`);
  const folders = ['ibsi_sts', 'ibsi_sts_extra'].map((f) => path.join(roots.data, 'training', f));
  const out: BenchCase[] = [];
  for (const patient of patients as string[]) {
    let found = false;
    for (const [mod, img, lab] of [['CT', 'CT_image.nii.gz', 'CT_mask.nii.gz'], ['MR', 'MR_T1_image.nii.gz', 'MR_T1_mask.nii.gz']] as const) {
      const dir = folders.map((f) => path.join(f, patient)).find((d) => existsSync(path.join(d, img)));
      if (!dir) continue;
      found = true;
      out.push({ name: `ibsi-${which} ${patient} ${mod}`, set: 'ibsi', group: `ibsi-${which} ${mod}`, load: () => loadLabelled(path.join(dir, img), path.join(dir, lab), (v) => v > 0) });
    }
    if (!found) log(`skip ibsi ${patient}: no CT_image.nii.gz or MR_T1_image.nii.gz under ${folders.join(' or ')}`);
  }
  return out;
}

function pairCases(dir: string, label: number | null, log: (line: string) => void): BenchCase[] {
  const { pairs, problems, ignored } = findPairs(dir);
  for (const p of problems) log(`error in --pairs ${dir}: ${p}; skipped`);
  if (ignored.length) log(`--pairs: passed over ${ignored.length} non-image file(s): ${ignored.join(', ')}`);
  if (!pairs.length) log(`--pairs ${dir}: no image + mask pair found`);
  return pairs.map((p) => ({
    name: p.name,
    set: 'pairs',
    group: 'pairs',
    load: () => loadLabelled(p.image, p.mask, label === null ? (v) => v > 0 : (v) => Math.round(v) === label),
  }));
}

export async function listCases(opts: BenchOptions, roots: CaseRoots, log: (line: string) => void): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  if (opts.sets.includes('phantom')) out.push(...phantomCases(opts.phantomSeeds));
  if (opts.sets.includes('real')) out.push(...(await realCases(roots.data, log)));
  if (opts.sets.includes('ibsi')) out.push(...ibsiCases(roots, opts.ibsi, log));
  if (opts.pairsDir) out.push(...pairCases(opts.pairsDir, opts.label, log));
  return out;
}
