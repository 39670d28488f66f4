/**
 * Per-frame geometry of an image data set: single-frame, classic multi-frame
 * (frames stacked along the normal), enhanced multi-frame (functional groups,
 * most specific first: per-frame, shared, top level) and Siemens mosaic
 * (tiles of one frame), with rescale and the keys that split volumes.
 */
import type { DataSet } from 'dicom-parser';
import { cross, dot, normalize } from '../../../../common/geometry/affine';
import type { Vec3 } from '../../../../common/volume';
import { dsNumber, dsNumbers, item, safe, str, us } from './dicomParse';
import { csaValue, parseCsaHeader } from './siemensCsa';

export interface FrameGeometry {
  /** Index of the frame in the file (for a mosaic: the file's single frame). */
  frameIndex: number;
  /** Mosaic tile index, or -1. */
  tile: number;
  position: Vec3;
  rowDir: Vec3;
  colDir: Vec3;
  /** [between rows (along j), between columns (along i)] in mm, or null when absent. */
  pixelSpacing: [number, number] | null;
  slope: number;
  intercept: number;
  /** Extra grouping key for frames that belong to different volumes (stack, frame type, time). */
  splitKey: string;
  /** Orders frames within a split that share a position (InstanceNumber, frame index). */
  order: number;
}

/** Mosaic layout when the file is a Siemens mosaic. */
export interface MosaicLayout {
  tiles: number;
  tileRows: number;
  tileColumns: number;
  perRow: number;
}

export interface FrameLayout {
  frames: FrameGeometry[];
  mosaic: MosaicLayout | null;
  sliceThickness: number | undefined;
  spacingBetweenSlices: number | undefined;
}

interface FunctionalGroupValues {
  position?: number[];
  orientation?: number[];
  pixelSpacing?: number[];
  sliceThickness?: number;
  slope?: number;
  intercept?: number;
  stackId?: string;
  inStack?: number;
  temporal?: number;
  frameType?: string;
  dimIndex?: number[];
}

/** Values from one functional-group item (per-frame or shared). */
function functionalGroup(fg: DataSet | undefined): FunctionalGroupValues {
  if (!fg) return {};
  const out: FunctionalGroupValues = {};
  const pos = item(fg, 'x00209113');
  if (pos) out.position = dsNumbers(pos, 'x00200032');
  const ori = item(fg, 'x00209116');
  if (ori) out.orientation = dsNumbers(ori, 'x00200037');
  const pm = item(fg, 'x00289110');
  if (pm) {
    out.pixelSpacing = dsNumbers(pm, 'x00280030');
    out.sliceThickness = dsNumber(pm, 'x00180050');
  }
  const pvt = item(fg, 'x00289145');
  if (pvt) {
    out.slope = dsNumber(pvt, 'x00281053');
    out.intercept = dsNumber(pvt, 'x00281052');
  }
  const fc = item(fg, 'x00209111');
  if (fc) {
    out.stackId = str(fc, 'x00209056') || undefined;
    out.inStack = safe(() => fc.uint32('x00209057'));
    out.temporal = safe(() => fc.uint32('x00209128'));
    const dimEl = fc.elements.x00209157;
    if (dimEl && dimEl.length >= 4) {
      const n = Math.min(16, Math.floor(dimEl.length / 4));
      out.dimIndex = [];
      for (let k = 0; k < n; k++) out.dimIndex.push(safe(() => fc.uint32('x00209157', k)) ?? 0);
    }
  }
  const frameTypeItem = item(fg, 'x00189226') ?? item(fg, 'x00189329') ?? item(fg, 'x00189227');
  if (frameTypeItem) out.frameType = str(frameTypeItem, 'x00089007') || undefined;
  return out;
}

function vec3(v: number[] | undefined): Vec3 | undefined {
  return v && v.length >= 3 ? [v[0] as number, v[1] as number, v[2] as number] : undefined;
}

/** Every frame's geometry (warnings are added to `warnings`), or the reason the geometry is damaged. */
export function frameGeometries(ds: DataSet, rows: number, columns: number, numberOfFrames: number, warnings: string[]): FrameLayout | string {
  const shared = functionalGroup(item(ds, 'x52009229'));
  const perFrameItems = ds.elements.x52009230?.items;
  const topPosition = dsNumbers(ds, 'x00200032');
  const topOrientation = dsNumbers(ds, 'x00200037');
  const topSpacing = dsNumbers(ds, 'x00280030') ?? dsNumbers(ds, 'x00181164');
  const topSlope = dsNumber(ds, 'x00281053');
  const topIntercept = dsNumber(ds, 'x00281052');
  const instanceNumber = dsNumber(ds, 'x00200013') ?? 0;
  const echo = dsNumber(ds, 'x00180086');
  const temporalId = dsNumber(ds, 'x00200100');
  const imageType = str(ds, 'x00080008').toUpperCase();
  const spacingBetweenSlices = dsNumber(ds, 'x00180088');
  const sliceThickness = dsNumber(ds, 'x00180050') ?? shared.sliceThickness;

  const frames: FrameGeometry[] = [];
  let mosaic: MosaicLayout | null = null;
  const orientationOf = (o: number[] | undefined): [Vec3, Vec3] | undefined => {
    if (!o || o.length < 6) return undefined;
    try {
      return [normalize(o.slice(0, 3) as Vec3), normalize(o.slice(3, 6) as Vec3)];
    } catch {
      return undefined;
    }
  };
  const spacingOf = (p: number[] | undefined): [number, number] | null =>
    p && p.length >= 2 && (p[0] as number) > 0 && (p[1] as number) > 0 ? [p[0] as number, p[1] as number] : null;

  if (perFrameItems && perFrameItems.length > 0) {
    if (perFrameItems.length < numberOfFrames) warnings.push(`${numberOfFrames} frames but ${perFrameItems.length} per-frame functional groups`);
    const n = Math.min(numberOfFrames, perFrameItems.length);
    for (let f = 0; f < n; f++) {
      const pf = functionalGroup(perFrameItems[f]?.dataSet);
      const pos = vec3(pf.position ?? shared.position ?? topPosition);
      const ori = orientationOf(pf.orientation ?? shared.orientation ?? topOrientation);
      if (!pos || !ori) return `frame ${f + 1} has no plane position/orientation`;
      const split = [pf.stackId ?? shared.stackId ?? '', pf.frameType ?? shared.frameType ?? '', pf.temporal ?? ''].join('|');
      frames.push({
        frameIndex: f,
        tile: -1,
        position: pos,
        rowDir: ori[0],
        colDir: ori[1],
        pixelSpacing: spacingOf(pf.pixelSpacing ?? shared.pixelSpacing ?? topSpacing),
        slope: pf.slope ?? shared.slope ?? topSlope ?? 1,
        intercept: pf.intercept ?? shared.intercept ?? topIntercept ?? 0,
        splitKey: `${sopInstanceKey(ds)}|${split}`,
        order: pf.inStack ?? f,
      });
    }
  } else {
    const pos = vec3(topPosition);
    const ori = orientationOf(topOrientation);
    const splitKey = [echo ?? '', temporalId ?? ''].join('|');
    const mosaicImages = imageType.includes('MOSAIC') ? us(ds, 'x0019100a') : undefined;
    if (pos && ori && mosaicImages && mosaicImages > 1 && numberOfFrames === 1) {
      // Siemens mosaic: N tiles in a perRow × perRow grid of one frame.
      const perRow = Math.ceil(Math.sqrt(mosaicImages));
      const tileRows = Math.floor(rows / perRow);
      const tileColumns = Math.floor(columns / perRow);
      const ps = spacingOf(topSpacing);
      if (tileRows < 1 || tileColumns < 1) return `mosaic of ${mosaicImages} images does not fit ${columns}×${rows}`;
      mosaic = { tiles: mosaicImages, tileRows, tileColumns, perRow };
      // ImagePositionPatient is the corner of the whole mosaic; move it to the first tile's corner (as dcm2niix does).
      const [rs, cs] = ps ?? [1, 1];
      const shiftI = ((columns - tileColumns) / 2) * cs;
      const shiftJ = ((rows - tileRows) / 2) * rs;
      const first: Vec3 = [0, 1, 2].map((a) => (pos[a] as number) + ori[0][a]! * shiftI + ori[1][a]! * shiftJ) as Vec3;
      let normal = cross(ori[0], ori[1]);
      const csa = parseCsaHeader(ds, 'x00291010');
      const csaNormal = csa ? csaValue(csa, 'SliceNormalVector') : undefined;
      if (csaNormal && csaNormal.length === 3 && dot(csaNormal as Vec3, normal) < 0) normal = [-normal[0], -normal[1], -normal[2]];
      const step = spacingBetweenSlices ?? sliceThickness ?? 1;
      if (spacingBetweenSlices === undefined) warnings.push('mosaic without SpacingBetweenSlices: slice spacing taken from SliceThickness');
      for (let t = 0; t < mosaicImages; t++) {
        frames.push({
          frameIndex: 0,
          tile: t,
          position: [first[0] + normal[0] * step * t, first[1] + normal[1] * step * t, first[2] + normal[2] * step * t],
          rowDir: ori[0],
          colDir: ori[1],
          pixelSpacing: ps,
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          splitKey: `${sopInstanceKey(ds)}|mosaic`,
          order: t,
        });
      }
    } else if (pos && ori) {
      // Single frame, or classic multi-frame: frames stacked along the normal.
      const normal = cross(ori[0], ori[1]);
      const gridOffsets = dsNumbers(ds, 'x3004000c');
      const step = spacingBetweenSlices ?? sliceThickness ?? 1;
      if (numberOfFrames > 1 && !gridOffsets) warnings.push(`classic multi-frame image: frame positions assumed ${step} mm apart along the slice normal`);
      for (let f = 0; f < numberOfFrames; f++) {
        const d = gridOffsets && gridOffsets.length === numberOfFrames ? (gridOffsets[f] as number) : f * step;
        frames.push({
          frameIndex: f,
          tile: -1,
          position: [pos[0] + normal[0] * d, pos[1] + normal[1] * d, pos[2] + normal[2] * d],
          rowDir: ori[0],
          colDir: ori[1],
          pixelSpacing: spacingOf(topSpacing),
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          splitKey: numberOfFrames > 1 ? `${sopInstanceKey(ds)}|${splitKey}` : splitKey,
          order: numberOfFrames > 1 ? f : instanceNumber,
        });
      }
    } else {
      // No patient geometry (secondary capture, US, CR): stack frames on a unit grid.
      warnings.push('no ImagePositionPatient/ImageOrientationPatient: shown on an axial grid with unknown position');
      for (let f = 0; f < numberOfFrames; f++) {
        frames.push({
          frameIndex: f,
          tile: -1,
          position: [0, 0, f * (spacingBetweenSlices ?? sliceThickness ?? 1)],
          rowDir: [1, 0, 0],
          colDir: [0, 1, 0],
          pixelSpacing: spacingOf(topSpacing),
          slope: topSlope ?? 1,
          intercept: topIntercept ?? 0,
          // Images without geometry never stack with other files.
          splitKey: `${sopInstanceKey(ds)}|nogeometry`,
          order: f,
        });
      }
    }
  }
  return { frames, mosaic, sliceThickness, spacingBetweenSlices };
}

function sopInstanceKey(ds: DataSet): string {
  return str(ds, 'x00080018') || 'no-sop-uid';
}
