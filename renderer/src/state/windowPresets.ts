/**
 * Window/level presets in Hounsfield units (width, level), with their number
 * keys, and the automatic window for MR (histogram percentiles).
 * Values: the usual radiology teaching windows (e.g. Radiopaedia "Windowing (CT)").
 */
export interface WindowPreset {
  id: string;
  label: string;
  widthHu: number;
  levelHu: number;
  /** Number key that applies it. */
  key: string;
}

export const CT_PRESETS: WindowPreset[] = [
  { id: 'brain', label: 'Brain', widthHu: 80, levelHu: 40, key: '1' },
  { id: 'subdural', label: 'Subdural', widthHu: 200, levelHu: 75, key: '2' },
  { id: 'stroke', label: 'Stroke', widthHu: 40, levelHu: 40, key: '3' },
  { id: 'lung', label: 'Lung', widthHu: 1500, levelHu: -600, key: '4' },
  { id: 'mediastinum', label: 'Mediastinum', widthHu: 350, levelHu: 50, key: '5' },
  { id: 'abdomen', label: 'Abdomen', widthHu: 400, levelHu: 40, key: '6' },
  { id: 'liver', label: 'Liver', widthHu: 150, levelHu: 30, key: '7' },
  { id: 'bone', label: 'Bone', widthHu: 1800, levelHu: 400, key: '8' },
];

/** Key of the automatic (histogram) window. */
export const AUTO_WINDOW_KEY = '0';

/** Sample cap for the percentile estimate (strided), so a 10^8-voxel volume costs milliseconds. */
const MAX_SAMPLES = 1 << 20;

/**
 * The values at the `lo` and `hi` quantiles of the finite voxels (nearest-rank
 * on a strided sample of at most 2^20 voxels).
 */
export function percentiles(voxels: ArrayLike<number>, lo: number, hi: number): [number, number] {
  const stride = Math.max(1, Math.ceil(voxels.length / MAX_SAMPLES));
  const sample: number[] = [];
  for (let n = 0; n < voxels.length; n += stride) {
    const v = voxels[n]!;
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return [0, 1];
  const sorted = Float64Array.from(sample).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return [at(lo), at(hi)];
}

/** MR (and any non-CT) automatic window: the 1st to 99.5th percentile of the voxel values. */
export function autoWindow(voxels: ArrayLike<number>): { width: number; level: number } {
  const [a, b] = percentiles(voxels, 0.01, 0.995);
  const width = Math.max(1e-3, b - a);
  return { width, level: a + width / 2 };
}

/** The default window of a volume: abdomen for CT, automatic otherwise. */
export function defaultWindow(modality: string, voxels: ArrayLike<number>): { width: number; level: number } {
  if (modality === 'CT') return { width: 400, level: 40 };
  return autoWindow(voxels);
}
