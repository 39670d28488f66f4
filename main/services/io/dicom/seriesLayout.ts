/** A series' grid, slice order and voxel type, from the headers alone (nothing is decoded). */
import { VoxaError } from '../../../../common/contract';
import { dot } from '../../../../common/geometry/affine';
import type { Mat3, Vec3, Volume, VoxelDType } from '../../../../common/volume';
import { normalOf, type DicomSeries, type SeriesFrame } from './seriesScan';

/**
 * Output voxel type: the smallest integer type that holds every rescaled value, else float32.
 * The header's range (all 2^BitsStored stored values, rescaled) often needs int32 where the
 * data does not: a CT stored as 16-bit unsigned with intercept −1024 declares −1024…64511 but
 * holds −1024…~3000. Then int16 is chosen `optimistic`ally: the decode checks every value and
 * starts again in int32 if one does not fit, so the stored type is kept without losing a value.
 */
export function chooseDtype(series: DicomSeries): { dtype: VoxelDType; colour: boolean; optimistic: boolean } {
  const img = (series.frames[0] as SeriesFrame).image;
  const colour = img.samplesPerPixel === 3 || img.photometric === 'PALETTE COLOR';
  if (colour) return { dtype: img.samplesPerPixel === 3 && img.bitsAllocated === 8 ? 'uint8' : 'float32', colour, optimistic: false };
  const { lo, hi, integral } = declaredRange(series);
  const plain = (dtype: VoxelDType) => ({ dtype, colour, optimistic: false });
  if (!integral) return plain('float32');
  if (lo >= 0 && hi <= 255 && img.bitsAllocated === 8) return plain('uint8');
  if (lo >= -32768 && hi <= 32767) return plain('int16');
  if (lo >= 0 && hi <= 65535) return plain('uint16');
  if (series.frames.every((f) => f.image.bitsAllocated === 16 && f.image.samplesPerPixel === 1)) return { dtype: 'int16', colour, optimistic: true };
  return plain(declaredDtype(series));
}

/** The rescaled range of every value the headers allow (all 2^BitsStored stored values), and whether all rescales are integral. */
function declaredRange(series: DicomSeries): { lo: number; hi: number; integral: boolean } {
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (const f of series.frames) {
    const im = f.image;
    const bits = Math.min(im.bitsStored, im.bitsAllocated);
    const sMin = im.pixelRepresentation === 1 ? -(2 ** (bits - 1)) : 0;
    const sMax = im.pixelRepresentation === 1 ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const { slope, intercept } = f.geom;
    if (!Number.isInteger(slope) || !Number.isInteger(intercept)) integral = false;
    const a = sMin * slope + intercept;
    const b = sMax * slope + intercept;
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  }
  return { lo, hi, integral };
}

/** An integral series' type for its declared range beyond 16 bits (also the fallback of an optimistic int16). */
export function declaredDtype(series: DicomSeries): VoxelDType {
  const { lo, hi } = declaredRange(series);
  return lo >= -(2 ** 31) && hi <= 2 ** 31 - 1 ? 'int32' : 'float32';
}

/** A series' grid, slice order and warnings, computed from the headers alone (nothing is decoded). */
export interface SeriesLayout {
  /** Frames in slice order (slice k = sorted[k]). */
  sorted: SeriesFrame[];
  geometry: Volume['geometry'];
  dtype: VoxelDType;
  colour: boolean;
  warnings: string[];
}

/** Orders the frames along the slice normal and derives the grid (spacing from positions, gaps, tilt). */
export function seriesLayout(series: DicomSeries): SeriesLayout {
  const first = series.frames[0];
  if (!first) throw new VoxaError('NOT_FOUND', 'the series has no image frames');
  const warnings: string[] = [];
  const normal = normalOf(first);
  const sorted = [...series.frames].sort((a, b) => dot(a.geom.position, normal) - dot(b.geom.position, normal));
  const ni = series.columns;
  const nj = series.rows;
  const nk = sorted.length;
  const { dtype, colour } = chooseDtype(series);

  // Slice spacing from positions.
  let sliceSpacing = first.image.spacingBetweenSlices ?? first.image.sliceThickness ?? 1;
  if (!(sliceSpacing > 0) || !Number.isFinite(sliceSpacing)) sliceSpacing = 1;
  if (nk > 1) {
    const gaps: number[] = [];
    for (let k = 1; k < nk; k++) gaps.push(dot((sorted[k] as SeriesFrame).geom.position, normal) - dot((sorted[k - 1] as SeriesFrame).geom.position, normal));
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    sliceSpacing = sortedGaps[Math.floor(sortedGaps.length / 2)] as number;
    if (!(sliceSpacing > 1e-4) || !Number.isFinite(sliceSpacing)) throw new VoxaError('CORRUPT_INPUT', 'slices share the same position: duplicate images or several volumes in one series');
    const worst = Math.max(...gaps.map((g) => Math.abs(g - sliceSpacing)));
    if (worst > 0.01 * sliceSpacing + 1e-3) {
      const missing = gaps.filter((g) => g > 1.5 * sliceSpacing).length;
      warnings.push(
        missing > 0
          ? `gap in the series: ${missing} place(s) where slices are missing (spacing median ${sliceSpacing.toFixed(3)} mm, largest ${Math.max(...gaps).toFixed(3)} mm); distances across the gap are wrong`
          : `non-uniform slice spacing (median ${sliceSpacing.toFixed(3)} mm, largest deviation ${worst.toFixed(3)} mm)`,
      );
    }
    const a = (sorted[0] as SeriesFrame).geom.position;
    const b = (sorted[nk - 1] as SeriesFrame).geom.position;
    const along: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const len = Math.hypot(...along);
    if (len > 0 && Math.abs(dot(along, normal)) / len < 0.9995) {
      const tiltDeg = (Math.acos(Math.min(1, Math.abs(dot(along, normal)) / len)) * 180) / Math.PI;
      warnings.push(`slice positions are not along the slice normal (gantry tilt or sheared stack, ${tiltDeg.toFixed(1)}°); shown unsheared`);
    }
  }

  const ps = first.geom.pixelSpacing;
  let spacingI = 1;
  let spacingJ = 1;
  if (ps) {
    spacingJ = ps[0]; // row spacing: between rows, i.e. along j
    spacingI = ps[1]; // column spacing: along i
  } else warnings.push('no PixelSpacing: distances are in pixels');
  if (colour) warnings.push(first.image.photometric === 'PALETTE COLOR' ? 'palette colour image shown as luminance' : 'colour image shown as luminance (0.299 R + 0.587 G + 0.114 B)');
  for (const w of new Set(series.frames.flatMap((f) => f.image.warnings))) warnings.push(w);
  return {
    sorted,
    geometry: {
      dimensions: [ni, nj, nk],
      spacingMm: [spacingI, spacingJ, sliceSpacing],
      originLps: [...(sorted[0] as SeriesFrame).geom.position] as Vec3,
      direction: [...first.geom.rowDir, ...first.geom.colDir, ...normal] as Mat3,
    },
    dtype,
    colour,
    warnings,
  };
}
