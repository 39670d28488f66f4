/**
 * 2D model inputs for classify / embed / vqa packs (`preprocessing.input =
 * "slice2d"`), the same construction the training recipe uses
 * (native-models/training/encoder/slices.py; imageInput.test.ts compares the
 * two on real images):
 *
 * - whole slice: a square field of view of the slice's larger in-plane extent
 *   (mm), centred on the slice centre;
 * - lesion: the slice where the mask's section is largest, a square field of
 *   view of `marginFactor` × the section's larger extent (clamped to
 *   [minMm, maxMm]) centred on its bounding box.
 *
 * Both are sampled bilinearly at the crop's pixel centres (outside the grid:
 * nearest edge value) and normalised by the pack's intensity rule for the
 * volume's modality. Orientation is radiological (slicePlane.ts).
 */
import { VoxaError } from '../../../common/contract';
import { intensityRuleFor, normaliseIntensity } from '../../../common/segmentation/intensity';
import { clamp, planeSize, planeStrides, sampleCrop, sliceMaskExtent, slicePlaneFor, type Crop, type SlicePlane } from '../../../common/segmentation/slicePlane';
import type { Volume, VolumeGeometry } from '../../../common/volume';
import type { Slice2dPreprocessing } from './taskConfig';

export interface SliceInput {
  /** sizePx × sizePx floats, row-major (rows = crop y). */
  data: Float32Array;
  /** Slice index along the plane's normal grid axis. */
  slice: number;
  crop: Crop;
}

export function wholeSliceCrop(g: VolumeGeometry, plane: SlicePlane, slice: number, sizePx: number): Crop {
  const { width, height } = planeSize(g, plane);
  const fovMm = Math.max(width * (g.spacingMm[plane.colAxis] as number), height * (g.spacingMm[plane.rowAxis] as number));
  return { plane, slice, centreU: (width - 1) / 2, centreV: (height - 1) / 2, fovMm, sizePx };
}

function render(volume: Volume, pre: Slice2dPreprocessing, crop: Crop): Float32Array {
  return normaliseIntensity(sampleCrop(volume.voxels, volume.geometry, crop), intensityRuleFor(pre.intensity, volume.meta.modality));
}

/** The slice count along the pack's plane. */
export function sliceCount(volume: Volume, pre: Slice2dPreprocessing): number {
  return planeSize(volume.geometry, slicePlaneFor(volume.geometry, pre.plane)).slices;
}

/** A whole slice (default: the middle one). */
export function sliceInput(volume: Volume, pre: Slice2dPreprocessing, slice?: number): SliceInput {
  const plane = slicePlaneFor(volume.geometry, pre.plane);
  const n = planeSize(volume.geometry, plane).slices;
  const k = slice ?? Math.floor((n - 1) / 2);
  if (!Number.isInteger(k) || k < 0 || k >= n) throw new VoxaError('BAD_REQUEST', `slice ${k} is outside the image (0…${n - 1} along the ${pre.plane} normal)`);
  const crop = wholeSliceCrop(volume.geometry, plane, k, pre.sizePx);
  return { data: render(volume, pre, crop), slice: k, crop };
}

/** Evenly spaced slice indices, at most `max` (all of them when there are fewer). */
export function seriesSliceIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, k) => k);
  return Array.from({ length: max }, (_, m) => Math.round((m * (n - 1)) / (max - 1)));
}

/** Whole slices spread over the series (for series-level embeddings). */
export function seriesInputs(volume: Volume, pre: Slice2dPreprocessing): SliceInput[] {
  return seriesSliceIndices(sliceCount(volume, pre), pre.seriesSlices).map((k) => sliceInput(volume, pre, k));
}

/**
 * A crop around a lesion: `mask` on the image grid, voxels equal to `label`
 * (any non-zero voxel when label is undefined). The slice is the one where the
 * lesion's section is largest, unless `slice` is given.
 */
export function lesionInput(volume: Volume, mask: { geometry: VolumeGeometry; voxels: ArrayLike<number> }, pre: Slice2dPreprocessing, label?: number, slice?: number): SliceInput & { areaPx: number; extentMm: number } {
  const g = volume.geometry;
  const mg = mask.geometry;
  if (mg.dimensions.some((d, a) => d !== g.dimensions[a]) || mg.spacingMm.some((s, a) => Math.abs(s - g.spacingMm[a]!) > 1e-3 * g.spacingMm[a]!) || mg.originLps.some((o, a) => Math.abs(o - g.originLps[a]!) > 1e-2)) {
    throw new VoxaError('BAD_REQUEST', 'the mask is not on the image grid (dimensions, spacing or origin differ)');
  }
  const plane = slicePlaneFor(g, pre.plane);
  const { width, height, slices } = planeSize(g, plane);
  const { su, sv, sk } = planeStrides(g, plane);
  const hit = (v: number) => (label === undefined ? v !== 0 && Number.isFinite(v) : v === label);
  const areas = new Array<number>(slices).fill(0);
  for (let k = 0; k < slices; k++) {
    let a = 0;
    for (let v = 0; v < height; v++) for (let u = 0; u < width; u++) if (hit(mask.voxels[k * sk + u * su + v * sv] as number)) a++;
    areas[k] = a;
  }
  let best = slice ?? areas.indexOf(Math.max(...areas));
  if (slice !== undefined && (slice < 0 || slice >= slices)) throw new VoxaError('BAD_REQUEST', `slice ${slice} is outside the image`);
  if (!(areas[best]! > 0)) {
    if (slice !== undefined) throw new VoxaError('BAD_REQUEST', `lesion${label === undefined ? '' : ` ${label}`} is not on slice ${slice}`);
    throw new VoxaError('BAD_REQUEST', label === undefined ? 'the mask is empty' : `the mask has no voxel with label ${label}`);
  }
  best = best as number;
  const bits = new Uint8Array(width * height);
  for (let v = 0; v < height; v++) for (let u = 0; u < width; u++) if (hit(mask.voxels[best * sk + u * su + v * sv] as number)) bits[u + v * width] = 1;
  const ext = sliceMaskExtent({ width, height, bits }, g, plane);
  if (!ext) throw new VoxaError('BAD_REQUEST', 'the mask is empty');
  const fovMm = clamp(pre.lesionFov.marginFactor * ext.extentMm, pre.lesionFov.minMm, pre.lesionFov.maxMm);
  const crop: Crop = { plane, slice: best, centreU: ext.centreU, centreV: ext.centreV, fovMm, sizePx: pre.sizePx };
  return { data: render(volume, pre, crop), slice: best, crop, areaPx: ext.area, extentMm: ext.extentMm };
}
