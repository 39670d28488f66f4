/**
 * A complete synthetic study on disk: the torso phantom as a DICOM CT series
 * and as NIfTI, the lesion labelmap as NIfTI, and a JSON of the analytic
 * ground truth (diameters, volumes). Used by `voxa phantom` and by tests
 * that need a fresh DICOM series.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { cross } from '../../../common/geometry/affine';
import type { Mat3, Vec3, Volume } from '../../../common/volume';
import { writeNifti } from '../io/niftiWriter';
import { writeDicomSeg } from '../masks/dicomSegWrite';
import { fromLabelmap } from '../masks/segmentation';
import { lesionSegmentInfo } from '../masks/segmentCodes';
import { loadSourceSeries } from '../masks/sourceSeries';
import { writeDicomSeries, type WrittenSeries } from '../io/dicom/seriesWriter';
import { writeFileAtomic } from '../io/atomicWrite';
import { generatePhantomLesions, lesionTruths, type LesionOrgan, type LesionTruth } from './phantomLesions';
import { generateTorsoPhantom, type TorsoPhantom } from './torsoPhantom';

/** The phantom's physical field of view (mm); the grid size follows from the spacing. */
export const PHANTOM_FOV_MM: Vec3 = [384, 320, 300];

export interface PhantomStudyOptions {
  seed?: number;
  /** Voxel size (i, j, k) in mm; default 2 × 2 × 2.5. */
  spacingMm?: Vec3;
  /** Rotate the voxel grid (oblique acquisition) and use oblique ellipsoid lesions. */
  oblique?: boolean;
  /** Oblique ellipsoid lesions on whatever grid (default: same as `oblique`). */
  obliqueLesions?: boolean;
  organs?: LesionOrgan[];
  lesionCount?: number;
  noiseHu?: number;
  /** Override the grid size (default: field of view / spacing). */
  dimensions?: Vec3;
}

export interface PhantomStudy {
  phantom: TorsoPhantom;
  truth: LesionTruth[];
}

export interface WrittenPhantomStudy extends PhantomStudy {
  dicomDir: string;
  ctNifti: string;
  maskNifti: string;
  /** The lesion masks as a DICOM SEG referencing the series (absent when there are no lesions). */
  maskSeg?: string;
  truthJson: string;
  series: WrittenSeries;
}

/** Direction cosines of a grid rotated 20° about LPS x, then 12° about LPS z (right-handed). */
export function obliqueDirection(): Mat3 {
  const ax = (20 * Math.PI) / 180;
  const az = (12 * Math.PI) / 180;
  const rx = (v: Vec3): Vec3 => [v[0], Math.cos(ax) * v[1] - Math.sin(ax) * v[2], Math.sin(ax) * v[1] + Math.cos(ax) * v[2]];
  const rz = (v: Vec3): Vec3 => [Math.cos(az) * v[0] - Math.sin(az) * v[1], Math.sin(az) * v[0] + Math.cos(az) * v[1], v[2]];
  const i = rz(rx([1, 0, 0]));
  const j = rz(rx([0, 1, 0]));
  return [...i, ...j, ...cross(i, j)] as Mat3;
}

export function generatePhantomStudy(options: PhantomStudyOptions = {}): PhantomStudy {
  const seed = options.seed ?? 1;
  const spacingMm = options.spacingMm ?? [2, 2, 2.5];
  if (spacingMm.some((s) => !(s > 0.2 && s <= 20))) throw new RangeError('spacing must be between 0.2 and 20 mm');
  const dimensions = options.dimensions ?? (PHANTOM_FOV_MM.map((f, n) => Math.max(8, Math.round(f / (spacingMm[n] as number)))) as Vec3);
  const direction: Mat3 = options.oblique ? obliqueDirection() : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const lesions = generatePhantomLesions({
    seed,
    dimensions,
    spacingMm,
    oblique: options.obliqueLesions ?? options.oblique ?? false,
    count: options.lesionCount ?? 4,
    ...(options.organs ? { organs: options.organs } : {}),
  });
  const phantom = generateTorsoPhantom({ dimensions, spacingMm, seed, lesions, direction, ...(options.noiseHu !== undefined ? { noiseHu: options.noiseHu } : {}) });
  phantom.volume.meta.description = `Voxa synthetic torso phantom (seed ${seed}${options.oblique ? ', oblique' : ''})`;
  const truth = lesionTruths(lesions, phantom.labels, spacingMm, [direction[6], direction[7], direction[8]]);
  return { phantom, truth };
}

export function labelVolume(phantom: TorsoPhantom): Volume {
  return { ...phantom.volume, dtype: 'uint8', voxels: phantom.labels, meta: { ...phantom.volume.meta, description: 'lesion labels' } };
}

/** Generates and writes a phantom study under `outDir`: dicom/, ct.nii.gz, lesions.nii.gz, lesions.seg.dcm, truth.json. */
export async function writePhantomStudy(outDir: string, options: PhantomStudyOptions = {}, onProgress?: (done: number, total: number) => void): Promise<WrittenPhantomStudy> {
  const study = generatePhantomStudy(options);
  const { phantom, truth } = study;
  await mkdir(outDir, { recursive: true });
  const dicomDir = path.join(outDir, 'dicom');
  const series = await writeDicomSeries(phantom.volume, dicomDir, {
    uidSeed: `voxa-phantom|${options.seed ?? 1}|${options.oblique ? 'oblique' : 'axial'}|${phantom.volume.geometry.spacingMm.join(',')}`,
    seriesDescription: phantom.volume.meta.description,
    ...(onProgress ? { onProgress } : {}),
  });
  phantom.volume.meta.seriesInstanceUid = series.seriesInstanceUid;
  const ctNifti = path.join(outDir, 'ct.nii.gz');
  const maskNifti = path.join(outDir, 'lesions.nii.gz');
  const truthJson = path.join(outDir, 'truth.json');
  await writeNifti(phantom.volume, ctNifti);
  await writeNifti(labelVolume(phantom), maskNifti);
  let maskSeg: string | undefined;
  if (truth.length > 0) {
    maskSeg = path.join(outDir, 'lesions.seg.dcm');
    const source = await loadSourceSeries(dicomDir);
    const seg = fromLabelmap(source.volume.geometry, phantom.labels, truth.map((t) => lesionSegmentInfo(t.label, t.name, t.organ)));
    await writeDicomSeg(seg, source, maskSeg, { seriesDescription: 'Voxa phantom lesions (ground truth)', uidSeed: `${series.seriesInstanceUid}|seg` });
  }
  const g = phantom.volume.geometry;
  const doc = {
    generator: 'voxa phantom',
    seed: options.seed ?? 1,
    oblique: options.oblique ?? false,
    geometry: g,
    seriesInstanceUid: series.seriesInstanceUid,
    studyInstanceUid: series.studyInstanceUid,
    units: 'mm, LPS; volumes in mm³',
    notes: 'Analytic values describe the continuous ellipsoids; voxelCount/voxelVolumeMm3 describe the rasterised mask (a voxel is inside when its centre is).',
    lesions: truth,
  };
  await writeFileAtomic(truthJson, `${JSON.stringify(doc, null, 2)}\n`);
  return { ...study, dicomDir, ctNifti, maskNifti, ...(maskSeg ? { maskSeg } : {}), truthJson, series };
}
