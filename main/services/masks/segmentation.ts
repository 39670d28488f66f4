/**
 * A segmentation on an image grid: per-segment masks (so overlapping
 * segments survive) plus per-segment metadata (name, colour, coded
 * category/type). A labelmap (one label per voxel) is derived from it when
 * segments do not overlap.
 */
import { VoxaError } from '../../../common/contract';
import { ijkToLpsMatrix } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import { voxelCount } from '../../../common/volume';
import type { Code } from '../io/dicom/codeItems';

export interface SegmentInfo {
  /** 1-based segment number (the label value in a labelmap). */
  number: number;
  label: string;
  description?: string;
  /** Display colour, sRGB 0–255. */
  colorRgb?: Vec3;
  category?: Code;
  type?: Code;
  anatomicRegion?: Code;
  algorithmType?: 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC';
  algorithmName?: string;
}

export interface Segment extends SegmentInfo {
  /** One value per voxel of the grid (i fastest): 0/1 for binary, 0..maxFractionalValue for fractional. */
  mask: Uint8Array;
}

export interface Segmentation {
  geometry: VolumeGeometry;
  segments: Segment[];
  /** BINARY masks hold 0/1; FRACTIONAL hold 0..maxFractionalValue (probability or occupancy). */
  kind: 'BINARY' | 'FRACTIONAL';
  maxFractionalValue: number;
  /** Non-fatal problems met while reading (frames off the grid, missing source slices...). */
  warnings: string[];
}

/** Per-voxel label (segment number), for non-overlapping segments; a fractional value counts where ≥ half the maximum. */
export function toLabelmap(seg: Segmentation): { labels: Uint8Array | Uint16Array; overlappingVoxels: number } {
  const n = voxelCount(seg.geometry.dimensions);
  const maxNumber = Math.max(0, ...seg.segments.map((s) => s.number));
  const labels = maxNumber > 255 ? new Uint16Array(n) : new Uint8Array(n);
  const threshold = seg.kind === 'FRACTIONAL' ? seg.maxFractionalValue / 2 : 1;
  let overlapping = 0;
  for (const s of seg.segments) {
    for (let v = 0; v < n; v++) {
      if ((s.mask[v] as number) >= threshold && (s.mask[v] as number) > 0) {
        if (labels[v] !== 0) overlapping++;
        labels[v] = s.number;
      }
    }
  }
  return { labels, overlappingVoxels: overlapping };
}

/** Splits a labelmap into binary segments, one per distinct non-zero label (metadata from `infos` by number, else generated). */
export function fromLabelmap(geometry: VolumeGeometry, labels: ArrayLike<number>, infos: SegmentInfo[] = []): Segmentation {
  const n = voxelCount(geometry.dimensions);
  if (labels.length !== n) throw new VoxaError('CORRUPT_INPUT', `labelmap has ${labels.length} voxels, the grid ${n}`);
  const present = new Set<number>();
  for (let v = 0; v < n; v++) {
    const l = labels[v] as number;
    if (l !== 0) {
      if (!Number.isInteger(l) || l < 0 || l > 65535) throw new VoxaError('CORRUPT_INPUT', `labelmap value ${l} is not a label (0–65535 integers)`);
      present.add(l);
    }
  }
  for (const info of infos) present.add(info.number);
  const numbers = [...present].sort((a, b) => a - b);
  const masks = new Map(numbers.map((l) => [l, new Uint8Array(n)]));
  for (let v = 0; v < n; v++) {
    const l = labels[v] as number;
    if (l !== 0) (masks.get(l) as Uint8Array)[v] = 1;
  }
  const segments = numbers.map((number) => {
    const info = infos.find((i) => i.number === number);
    return { ...(info ?? { number, label: `Segment ${number}` }), number, mask: masks.get(number) as Uint8Array };
  });
  return { geometry, segments, kind: 'BINARY', maxFractionalValue: 1, warnings: [] };
}

/**
 * Whether two grids are the same voxel lattice: equal dimensions and IJK→LPS
 * affines equal within `toleranceMm` at the far corner.
 */
export function sameGrid(a: VolumeGeometry, b: VolumeGeometry, toleranceMm = 0.05): boolean {
  if (a.dimensions.some((d, n) => d !== b.dimensions[n])) return false;
  const ma = ijkToLpsMatrix(a);
  const mb = ijkToLpsMatrix(b);
  const extent = a.dimensions.map((d) => Math.max(1, d - 1));
  for (let r = 0; r < 3; r++) {
    if (Math.abs((ma[r * 4 + 3] as number) - (mb[r * 4 + 3] as number)) > toleranceMm) return false;
    for (let c = 0; c < 3; c++) {
      if (Math.abs(((ma[r * 4 + c] as number) - (mb[r * 4 + c] as number)) * (extent[c] as number)) > toleranceMm) return false;
    }
  }
  return true;
}

export function segmentVoxelCount(segment: Segment, kind: Segmentation['kind'], maxFractionalValue: number): number {
  const threshold = kind === 'FRACTIONAL' ? maxFractionalValue / 2 : 1;
  let count = 0;
  for (let v = 0; v < segment.mask.length; v++) if ((segment.mask[v] as number) >= threshold && (segment.mask[v] as number) > 0) count++;
  return count;
}
