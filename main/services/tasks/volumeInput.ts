/**
 * Whole-volume input for `regress` packs (brain-age style; FOMO25): the image
 * resampled trilinearly onto the model's grid — orientation RAS (or LPS),
 * isotropic spacing, fixed shape, centred on the image's centre — then
 * intensity-normalised. The model sees a float array i-fastest, i.e. a tensor
 * [1, 1, K, J, I] in ONNX's C order.
 *
 * The model is told the input is skull-stripped; Voxa does not strip skulls.
 * It checks the assumption (a stripped brain has a large zero background) and
 * warns when it does not hold, rather than guessing.
 */
import { resampleToGrid } from '../../../common/segmentation/resample';
import type { Mat3, Vec3, Volume, VolumeGeometry } from '../../../common/volume';
import type { Volume3dPreprocessing } from './taskConfig';

/** Axis-major direction cosines (LPS) of an orientation code. */
export function orientationDirection(code: 'RAS' | 'LPS'): Mat3 {
  return code === 'RAS' ? [-1, 0, 0, 0, -1, 0, 0, 0, 1] : [1, 0, 0, 0, 1, 0, 0, 0, 1];
}

/** Centre of the volume's grid in LPS mm. */
export function gridCentreLps(g: VolumeGeometry): Vec3 {
  const c: Vec3 = [...g.originLps];
  for (let a = 0; a < 3; a++) {
    const half = ((g.dimensions[a] as number) - 1) * (g.spacingMm[a] as number) * 0.5;
    for (let r = 0; r < 3; r++) c[r] = (c[r] as number) + (g.direction[a * 3 + r] as number) * half;
  }
  return c;
}

export function modelGrid(g: VolumeGeometry, pre: Volume3dPreprocessing): VolumeGeometry {
  const direction = orientationDirection(pre.orientation);
  const centre = gridCentreLps(g);
  const origin: Vec3 = [...centre];
  for (let a = 0; a < 3; a++) {
    const half = ((pre.shape[a] as number) - 1) * (pre.spacingMm[a] as number) * 0.5;
    for (let r = 0; r < 3; r++) origin[r] = (origin[r] as number) - (direction[a * 3 + r] as number) * half;
  }
  return { dimensions: [...pre.shape], spacingMm: [...pre.spacingMm], originLps: origin, direction };
}

export function volume3dInput(volume: Volume, pre: Volume3dPreprocessing): { data: Float32Array; grid: VolumeGeometry; warnings: string[] } {
  const grid = modelGrid(volume.geometry, pre);
  const data = resampleToGrid(volume.voxels, volume.geometry, grid, 0);
  const warnings: string[] = [];
  let zeros = 0;
  let sum = 0;
  let sum2 = 0;
  for (const v of data) {
    if (v === 0 || !Number.isFinite(v)) zeros++;
    else {
      sum += v;
      sum2 += v * v;
    }
  }
  const n = data.length - zeros;
  if (pre.skullStripped && zeros / data.length < 0.3) {
    warnings.push(`the model expects a skull-stripped image, but only ${Math.round((100 * zeros) / data.length)}% of its grid is zero background: strip the skull first or expect a wrong value`);
  }
  if (pre.intensity.type === 'zscoreNonzero') {
    const mean = n ? sum / n : 0;
    const sd = n ? Math.sqrt(Math.max(sum2 / n - mean * mean, 0)) : 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      data[i] = v === 0 || !Number.isFinite(v) || !(sd > 0) ? 0 : (v - mean) / sd;
    }
  } else {
    const { min, max } = pre.intensity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      data[i] = !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, (v - min) / (max - min)));
    }
  }
  return { data, grid, warnings };
}
