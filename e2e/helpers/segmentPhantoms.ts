/**
 * Phantoms for the segmentation e2e specs, from the project's own generators
 * (main/services/phantom), with the generator's labels as ground truth.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeNifti } from '../../main/services/io/niftiWriter';
import { DEFAULT_LESIONS, generateTorsoPhantom, type Lesion, type TorsoPhantom } from '../../main/services/phantom/torsoPhantom';
import { REPO_ROOT } from './hostProcess';

export interface TorsoStudy {
  dir: string;
  dicomDir: string;
  ctNifti: string;
  /** The generator's lesion labels (NIfTI, same grid). */
  maskNifti: string;
  truth: { label: number; name: string; centreLps: [number, number, number]; voxelCount: number }[];
}

/**
 * The torso study written by `voxa phantom` (the bundled CLI: the study
 * writer reads DICOM back, which the e2e loader cannot import): DICOM series,
 * NIfTI, lesion labels, truth.json; 2 × 2 × 2.5 mm, three lesions.
 */
export function torsoStudy(dir: string): TorsoStudy {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'main', 'cli.cjs'), 'phantom', dir, '--seed', '1', '--lesions', '3'], { stdio: 'ignore' });
  const doc = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { lesions: TorsoStudy['truth'] };
  return { dir, dicomDir: path.join(dir, 'dicom'), ctNifti: path.join(dir, 'ct.nii.gz'), maskNifti: path.join(dir, 'lesions.nii.gz'), truth: doc.lesions };
}

/**
 * Two overlapping 30 HU spheres in the left lung (A: r 12 mm, B: r 10 mm,
 * centres 16 mm apart): region growing from A leaks into B. Labels 1 = A, 2 = B.
 */
export const LEAK_A: Lesion = { ...(DEFAULT_LESIONS[0] as Lesion), name: 'A', centreLps: [70, -10, 30], radiiMm: [12, 12, 12] };
export const LEAK_B: Lesion = { ...LEAK_A, name: 'B', centreLps: [70, 6, 30], radiiMm: [10, 10, 10] };

export async function leakPhantom(dir: string): Promise<{ file: string; phantom: TorsoPhantom }> {
  mkdirSync(dir, { recursive: true });
  const phantom = generateTorsoPhantom({ seed: 5, lesions: [LEAK_A, LEAK_B] });
  const file = path.join(dir, 'leak.nii.gz');
  await writeNifti(phantom.volume, file);
  return { file, phantom };
}

/** Dice of `label` against `truthLabel` (the shared implementation). */
export { labelDice as dice } from '../../common/segmentation/dice';

export function countLabel(labels: ArrayLike<number>, label: number): number {
  let c = 0;
  for (let n = 0; n < labels.length; n++) if (labels[n] === label) c++;
  return c;
}

/** Voxels of an axis-aligned grid whose centres lie within r mm of voxel c (brute force). */
export function ballVoxels(dims: readonly number[], sp: readonly number[], c: readonly number[], r: number): number {
  let n = 0;
  for (let k = 0; k < dims[2]!; k++)
    for (let j = 0; j < dims[1]!; j++)
      for (let i = 0; i < dims[0]!; i++) if (((i - c[0]!) * sp[0]!) ** 2 + ((j - c[1]!) * sp[1]!) ** 2 + ((k - c[2]!) * sp[2]!) ** 2 <= r * r) n++;
  return n;
}
