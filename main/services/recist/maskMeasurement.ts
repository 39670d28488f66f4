/**
 * Measures one lesion of a mask file on its image: NIfTI labelmaps (on the
 * image grid), DICOM SEG and RTSTRUCT (placed on the image series by
 * reference, so the image must be a DICOM series for those). Also returns
 * what a TID 1500 SR needs to reference the images and the SEG.
 */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { ijkToLps } from '../../../common/geometry/affine';
import { measureLesion, type LesionMeasurement } from '../../../common/geometry/recistAxes';
import type { Vec3, Volume, VolumeGeometry } from '../../../common/volume';
import { loadVolume } from '../io/volumeLoader';
import { dicomMaskKind, readMaskFile } from '../masks/maskFiles';
import { nText } from '../io/dicom/naturalValues';
import { readDicomHeader } from '../io/dicom/part10Read';
import type { Segmentation } from '../masks/segmentation';
import { loadSourceSeries, type SourceSeries } from '../masks/sourceSeries';
import { hashedUid } from '../io/dicom/part10';
import type { SrLesion, SrSubject } from './tid1500Model';

/** Refuses a mask whose voxel grid is not the image's (same dimensions, voxel centres within 1 % of a voxel). */
export function checkSameGrid(image: VolumeGeometry, mask: VolumeGeometry): void {
  const dims = (g: VolumeGeometry) => g.dimensions.join('×');
  if (dims(image) !== dims(mask)) throw new VoxaError('BAD_REQUEST', `mask grid ${dims(mask)} differs from image grid ${dims(image)}; resample the mask onto the image first`);
  const [ni, nj, nk] = image.dimensions;
  const corners: Vec3[] = [
    [0, 0, 0],
    [ni - 1, 0, 0],
    [0, nj - 1, 0],
    [0, 0, nk - 1],
    [ni - 1, nj - 1, nk - 1],
  ];
  const tol = 0.01 * Math.min(...image.spacingMm);
  for (const c of corners) {
    const a = ijkToLps(image, c);
    const b = ijkToLps(mask, c);
    const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    if (!(d <= tol)) throw new VoxaError('BAD_REQUEST', `mask and image voxel ${c.join(',')} are ${d.toFixed(3)} mm apart: the mask does not lie on the image grid`);
  }
}

/** The label to measure: the one given, else the mask's only non-zero value. */
export function chooseLabel(mask: Volume, label: number | undefined): number {
  if (label !== undefined) return label;
  const seen = new Set<number>();
  const v = mask.voxels;
  for (let n = 0; n < v.length; n++) {
    const x = v[n] as number;
    if (x !== 0 && Number.isFinite(x)) {
      seen.add(x);
      if (seen.size > 16) break;
    }
  }
  if (seen.size === 0) throw new VoxaError('NOT_FOUND', 'the mask is empty (no non-zero voxel)');
  if (seen.size > 1) {
    const list = [...seen].sort((a, b) => a - b);
    throw new VoxaError('BAD_REQUEST', `the mask holds several labels (${list.slice(0, 16).join(', ')}${seen.size > 16 ? ', …' : ''}); choose one with --label N`);
  }
  return [...seen][0] as number;
}

/** The segment to measure: the one numbered `label`, else the only one. */
function chooseSegment(seg: Segmentation, label: number | undefined, name: string) {
  if (label !== undefined) {
    const s = seg.segments.find((x) => x.number === label);
    if (!s) throw new VoxaError('NOT_FOUND', `${name} has no segment ${label} (segments: ${seg.segments.map((x) => x.number).join(', ')})`);
    return s;
  }
  if (seg.segments.length !== 1) {
    throw new VoxaError('BAD_REQUEST', `${name} holds ${seg.segments.length} segments (${seg.segments.map((x) => `${x.number} "${x.label}"`).join(', ')}); choose one with --label N`);
  }
  return seg.segments[0] as Segmentation['segments'][number];
}

export interface MaskMeasurement {
  measurement: LesionMeasurement;
  /** Label value (NIfTI) or segment number (SEG/RTSTRUCT) measured. */
  label: number;
  maskKind: 'labelmap' | 'seg' | 'rtstruct';
  /** Segment label from a SEG/RTSTRUCT. */
  segmentLabel?: string;
  /** What an SR of this measurement references. */
  subject: SrSubject;
  /** The SEG the lesion was measured on, when it is one. */
  segment?: NonNullable<SrLesion['segment']>;
  imageGeometry: VolumeGeometry;
  /** The image the mask lies on (for key images). */
  image: Volume;
}

function subjectOfSeries(source: SourceSeries): SrSubject {
  return {
    header: source.header,
    studyInstanceUid: source.studyInstanceUid,
    seriesInstanceUid: source.seriesInstanceUid,
    frameOfReferenceUid: source.frameOfReferenceUid,
    images: source.instances.filter((x): x is NonNullable<typeof x> => !!x).map((x) => ({ sopClassUid: x.sopClassUid, sopInstanceUid: x.sopInstanceUid })),
  };
}

/** A subject for an image that is not DICOM: UIDs derived from the file name, so re-exports of one image agree. */
function subjectOfFile(imagePath: string, volume: Volume): SrSubject {
  const key = path.resolve(imagePath);
  return {
    header: {
      ...(volume.meta.patientName ? { PatientName: volume.meta.patientName } : {}),
      ...(volume.meta.patientId ? { PatientID: volume.meta.patientId } : {}),
    },
    studyInstanceUid: hashedUid(`study|${key}`),
    seriesInstanceUid: volume.meta.seriesInstanceUid || hashedUid(`series|${key}`),
    frameOfReferenceUid: hashedUid(`frame-of-reference|${key}`),
    images: [],
  };
}

/** Measures `label` (or the only label/segment) of `maskPath` on `imagePath`. */
export async function measureMaskFile(imagePath: string, maskPath: string, label?: number): Promise<MaskMeasurement> {
  const maskName = path.basename(maskPath);
  const kind = await dicomMaskKind(maskPath);
  if (!kind) {
    const [image, mask] = await Promise.all([loadVolume(imagePath), loadVolume(maskPath)]);
    checkSameGrid(image.geometry, mask.geometry);
    const chosen = chooseLabel(mask, label);
    const m = measureLesion(mask, { label: chosen });
    if (!m) throw new VoxaError('NOT_FOUND', `label ${chosen} has no voxel in ${maskName}`);
    let subject: SrSubject;
    try {
      subject = image.meta.sourceFormat === 'dicom' ? subjectOfSeries(await loadSourceSeries(imagePath)) : subjectOfFile(imagePath, image);
    } catch {
      subject = subjectOfFile(imagePath, image);
    }
    return { measurement: m, label: chosen, maskKind: 'labelmap', subject, imageGeometry: image.geometry, image };
  }
  let source: SourceSeries | undefined;
  try {
    source = await loadSourceSeries(imagePath);
  } catch (e) {
    if (kind === 'rtstruct') throw e;
  }
  let seg: Segmentation;
  let imageVolume: Volume;
  let subject: SrSubject;
  if (source) {
    seg = await readMaskFile(maskPath, kind, source);
    imageVolume = source.volume;
    subject = subjectOfSeries(source);
  } else {
    // A SEG on a non-DICOM image (e.g. its NIfTI conversion): placed by its own plane positions, then checked against the image grid.
    const image = await loadVolume(imagePath);
    seg = await readMaskFile(maskPath, kind);
    checkSameGrid(image.geometry, seg.geometry);
    imageVolume = image;
    subject = subjectOfFile(imagePath, image);
  }
  const segment = chooseSegment(seg, label, maskName);
  const threshold = seg.kind === 'FRACTIONAL' ? seg.maxFractionalValue / 2 : 1;
  const binary = new Uint8Array(segment.mask.length);
  for (let v = 0; v < binary.length; v++) if ((segment.mask[v] as number) >= threshold && (segment.mask[v] as number) > 0) binary[v] = 1;
  const m = measureLesion({ geometry: seg.geometry, voxels: binary }, { label: 1 });
  if (!m) throw new VoxaError('NOT_FOUND', `segment ${segment.number} of ${maskName} has no voxel on the image grid`);
  const out: MaskMeasurement = { measurement: m, label: segment.number, maskKind: kind === 'nifti-labelmap' ? 'labelmap' : kind, segmentLabel: segment.label, subject, imageGeometry: imageVolume.geometry, image: imageVolume };
  if (kind === 'seg') {
    const h = await readDicomHeader(maskPath);
    out.segment = {
      sopClassUid: nText(h, 'SOPClassUID'),
      sopInstanceUid: nText(h, 'SOPInstanceUID'),
      seriesInstanceUid: nText(h, 'SeriesInstanceUID'),
      segmentNumber: segment.number,
    };
  }
  return out;
}

/** The SR lesion for a measurement from the mask (automatic values, endpoints in LPS). */
export function srLesionOf(mm: MaskMeasurement, ident: { trackingId: string; trackingUid: string } & Partial<SrLesion>): SrLesion {
  const m = mm.measurement;
  const line = (c: { lengthMm: number; startLps: Vec3; endLps: Vec3 }) => ({ lengthMm: c.lengthMm, startLps: c.startLps, endLps: c.endLps });
  return {
    longAxis: line(m.longAxis),
    shortAxis: line(ident.isNode ? m.nodalShortAxis : m.shortAxis),
    longest3d: line(m.longest3d),
    volumeMl: m.volumeMl,
    ...(mm.segment ? { segment: mm.segment } : {}),
    sourceSeriesUid: mm.subject.seriesInstanceUid,
    ...ident,
  };
}
