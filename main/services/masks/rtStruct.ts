/**
 * RT Structure Set (RTSTRUCT) → a {@link Segmentation} on an image grid.
 *
 * Each ROI's CLOSED_PLANAR contours (patient LPS mm) are mapped to
 * continuous voxel indices; a contour must lie in a slice plane of the grid
 * (its k within 0.25 of an integer) and is filled on that slice with the
 * voxel-centre rule (a voxel is inside when its centre is). Contours of one
 * ROI on one slice combine by exclusive or, so nested contours make holes
 * (PS3.3 C.8.8.6.3). Contours off the grid's slices are counted in warnings.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { lpsToIjk } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry } from '../../../common/volume';
import { voxelCount } from '../../../common/volume';
import { hasDicmPreamble } from '../io/dicom/dicomParse';
import { naturalize, type NaturalDataset } from '../io/dicom/part10';
import { readObjectFile, readPart10Dicts } from '../io/dicom/part10Read';
import { nNumber, nNumbers, nSeq, nText } from '../io/dicom/naturalValues';
import type { Segment, Segmentation } from './segmentation';
import { DEFAULT_COLOURS } from './segmentCodes';

export const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';
const MAX_POINTS = 20_000_000;

/** Fills polygon `xs/ys` (continuous i, j) into `slice` (ni × nj) by XOR, voxel-centre rule, even-odd within the polygon. */
export function xorFillPolygon(slice: Uint8Array, ni: number, nj: number, xs: number[], ys: number[]): void {
  const n = xs.length;
  if (n < 3) return;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const y of ys) {
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const j0 = Math.max(0, Math.ceil(minY));
  const j1 = Math.min(nj - 1, Math.floor(maxY));
  const crossings: number[] = [];
  for (let j = j0; j <= j1; j++) {
    crossings.length = 0;
    for (let a = 0, b = n - 1; a < n; b = a++) {
      const ya = ys[a] as number;
      const yb = ys[b] as number;
      // Half-open rule: an edge counts when the scanline is in [min, max).
      if ((ya <= j && j < yb) || (yb <= j && j < ya)) {
        const xa = xs[a] as number;
        const xb = xs[b] as number;
        crossings.push(xa + ((j - ya) * (xb - xa)) / (yb - ya));
      }
    }
    crossings.sort((p, q) => p - q);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c] as number));
      const to = Math.min(ni - 1, Math.ceil(crossings[c + 1] as number) - 1);
      const row = j * ni;
      for (let i = from; i <= to; i++) slice[row + i] = (slice[row + i] as number) ^ 1;
    }
  }
}

export interface RtStructReadResult extends Segmentation {
  /** ROI numbers as given in the file, by segment (segments are numbered 1..n in file order). */
  roiNumbers: number[];
}

/** Rasterises every ROI of an RTSTRUCT onto `geometry`. */
export function readRtStruct(bytes: Uint8Array, name: string, geometry: VolumeGeometry): RtStructReadResult {
  try {
    return readRtStructUnchecked(bytes, name, geometry);
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', `${name}: inconsistent RT Structure Set (${e instanceof Error ? e.message.slice(0, 120) : 'error'})`);
  }
}

function readRtStructUnchecked(bytes: Uint8Array, name: string, geometry: VolumeGeometry): RtStructReadResult {
  let natural: NaturalDataset;
  try {
    if (!hasDicmPreamble(bytes)) throw new Error('no DICM preamble');
    natural = naturalize(readPart10Dicts(bytes).dict);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${name}: not a readable DICOM file (${e instanceof Error ? e.message.slice(0, 100) : 'parse error'})`);
  }
  const sopClass = nText(natural, 'SOPClassUID');
  if (sopClass !== RT_STRUCTURE_SET_STORAGE) throw new VoxaError('UNSUPPORTED', `${name}: not an RT Structure Set (SOP class ${sopClass || 'missing'})`);
  const [ni, nj, nk] = geometry.dimensions;
  const total = voxelCount(geometry.dimensions);
  const rois = nSeq(natural, 'StructureSetROISequence');
  if (rois.length * total > 2 * 1024 ** 3) throw new VoxaError('TOO_LARGE', `${name}: ${rois.length} ROIs on a ${ni}×${nj}×${nk} grid exceed the limit`);
  const contoursByRoi = new Map<number, NaturalDataset>();
  for (const rc of nSeq(natural, 'ROIContourSequence')) {
    const ref = nNumber(rc, 'ReferencedROINumber');
    if (ref !== undefined) contoursByRoi.set(ref, rc);
  }
  const warnings: string[] = [];
  let offSlice = 0;
  let outside = 0;
  let openContours = 0;
  let points = 0;
  const segments: Segment[] = [];
  const roiNumbers: number[] = [];
  rois.forEach((roi, n) => {
    const roiNumber = nNumber(roi, 'ROINumber') ?? n + 1;
    const rc = contoursByRoi.get(roiNumber);
    const mask = new Uint8Array(total);
    const sliceBuf = new Uint8Array(ni * nj);
    // Group this ROI's contours by slice, XOR within a slice, then OR into the mask.
    const bySlice = new Map<number, { xs: number[]; ys: number[] }[]>();
    for (const c of nSeq(rc, 'ContourSequence')) {
      const type = nText(c, 'ContourGeometricType');
      const data = nNumbers(c, 'ContourData');
      if (!data || data.length < 9 || data.length % 3 !== 0) continue;
      points += data.length / 3;
      if (points > MAX_POINTS) throw new VoxaError('TOO_LARGE', `${name}: more than ${MAX_POINTS} contour points`);
      if (type !== 'CLOSED_PLANAR') {
        openContours++;
        continue;
      }
      const xs: number[] = [];
      const ys: number[] = [];
      let kSum = 0;
      let kMin = Infinity;
      let kMax = -Infinity;
      for (let p = 0; p < data.length; p += 3) {
        const ijk = lpsToIjk(geometry, [data[p], data[p + 1], data[p + 2]] as Vec3);
        xs.push(ijk[0]);
        ys.push(ijk[1]);
        kSum += ijk[2];
        kMin = Math.min(kMin, ijk[2]);
        kMax = Math.max(kMax, ijk[2]);
      }
      const kMean = kSum / xs.length;
      const k = Math.round(kMean);
      if (kMax - kMin > 0.5 || Math.abs(kMean - k) > 0.25) {
        offSlice++;
        continue;
      }
      if (k < 0 || k >= nk) {
        outside++;
        continue;
      }
      const list = bySlice.get(k) ?? [];
      list.push({ xs, ys });
      bySlice.set(k, list);
    }
    for (const [k, polys] of bySlice) {
      sliceBuf.fill(0);
      for (const poly of polys) xorFillPolygon(sliceBuf, ni, nj, poly.xs, poly.ys);
      const base = k * ni * nj;
      for (let v = 0; v < sliceBuf.length; v++) if (sliceBuf[v]) mask[base + v] = 1;
    }
    const colour = nNumbers(rc, 'ROIDisplayColor');
    const label = nText(roi, 'ROIName') || `ROI ${roiNumber}`;
    segments.push({
      number: n + 1,
      label,
      colorRgb: colour && colour.length === 3 ? (colour as Vec3) : (DEFAULT_COLOURS[n % DEFAULT_COLOURS.length] as Vec3),
      algorithmType: 'MANUAL',
      mask,
    });
    roiNumbers.push(roiNumber);
  });
  if (rois.length === 0) throw new VoxaError('CORRUPT_INPUT', `${name}: StructureSetROISequence is empty`);
  if (outside > 0) warnings.push(`${outside} contours lie on slices outside this image (the structure set references images not loaded)`);
  if (offSlice > 0) warnings.push(`${offSlice} contours are not in a slice plane of this image and were skipped`);
  if (openContours > 0) warnings.push(`${openContours} open or point contours were skipped (only CLOSED_PLANAR is filled)`);
  return { geometry, segments, kind: 'BINARY', maxFractionalValue: 1, warnings, roiNumbers };
}

export async function readRtStructFile(file: string, geometry: VolumeGeometry): Promise<RtStructReadResult> {
  const bytes = await readObjectFile(file);
  return readRtStruct(bytes, path.basename(file), geometry);
}
