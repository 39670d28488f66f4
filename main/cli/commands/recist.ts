/** `voxa recist`: RECIST 1.1 axes, volume and 3D diameter of a lesion mask on its image. */
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { ijkToLps } from '../../../common/geometry/affine';
import { measureLesion, type Caliper, type LesionMeasurement } from '../../../common/geometry/recistAxes';
import { assessMeasurability } from '../../../common/recist/measurability';
import type { Vec3, Volume, VolumeGeometry } from '../../../common/volume';
import { loadVolume } from '../../services/io/volumeLoader';
import { parseFlags, UsageError, type CliCommand } from '../command';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0;
const r4v = (v: Vec3): Vec3 => [r4(v[0]), r4(v[1]), r4(v[2])];

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

const AXIS_NAMES = ['i', 'j', 'k'] as const;

function caliperJson(c: Caliper) {
  return { lengthMm: r4(c.lengthMm), startLps: r4v(c.startLps), endLps: r4v(c.endLps), startIjk: c.startIjk, endIjk: c.endIjk };
}

export function recistJson(m: LesionMeasurement, extra: Record<string, unknown>) {
  return {
    ...extra,
    longAxisMm: r4(m.longAxis.lengthMm),
    shortAxisMm: r4(m.shortAxis.lengthMm),
    nodalShortAxisMm: r4(m.nodalShortAxis.lengthMm),
    sliceIndex: m.longAxis.sliceIndex,
    sliceAxis: AXIS_NAMES[m.sliceAxis],
    volumeMl: r4(m.volumeMl),
    longest3dMm: r4(m.longest3d.lengthMm),
    voxelCount: m.voxelCount,
    longAxis: caliperJson(m.longAxis),
    shortAxis: caliperJson(m.shortAxis),
    nodalShortAxis: { ...caliperJson(m.nodalShortAxis), sliceIndex: m.nodalShortAxis.sliceIndex },
    longest3d: caliperJson(m.longest3d),
    sliceSpacingMm: r4(m.sliceSpacingMm),
    inPlanePixelMm: m.inPlanePixelMm.map(r4),
    perpendicularToleranceMm: r4(m.perpendicularToleranceMm),
    measurability: {
      asLesion: assessMeasurability({ isNode: false, longAxisMm: m.longAxis.lengthMm }, m.sliceSpacingMm),
      asNode: assessMeasurability({ isNode: true, longAxisMm: m.longAxis.lengthMm, shortAxisMm: m.nodalShortAxis.lengthMm }),
    },
    convention: 'lengths between voxel centres, in patient mm; endpoints in LPS mm',
  };
}

export const recistCommand: CliCommand = {
  name: 'recist',
  usage: ['recist <image> --mask <mask> [--label N] [--json]   RECIST 1.1 long/short axis, nodal short axis, volume and 3D diameter of a lesion mask'],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json']);
    const imagePath = positional[0];
    const maskPath = flags.get('mask')?.[0];
    if (!imagePath) throw new UsageError('missing <image>');
    if (!maskPath) throw new UsageError('missing --mask <mask>');
    const labelText = flags.get('label')?.[0];
    let label: number | undefined;
    if (labelText !== undefined) {
      label = Number(labelText);
      if (!Number.isInteger(label)) throw new UsageError(`--label must be an integer, got "${labelText}"`);
    }
    const [image, mask] = await Promise.all([loadVolume(path.resolve(imagePath)), loadVolume(path.resolve(maskPath))]);
    checkSameGrid(image.geometry, mask.geometry);
    const chosen = chooseLabel(mask, label);
    const m = measureLesion(mask, { label: chosen });
    if (!m) throw new VoxaError('NOT_FOUND', `label ${chosen} has no voxel in ${path.basename(maskPath)}`);
    const result = recistJson(m, { image: imagePath, mask: maskPath, label: chosen });
    if (has('json')) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const p = (v: Vec3) => `(${r4v(v).join(', ')})`;
    io.out(
      [
        `${path.basename(maskPath)} label ${chosen} on ${path.basename(imagePath)}`,
        `  long axis     ${result.longAxisMm} mm  on slice ${result.sliceAxis}=${result.sliceIndex}  ${p(m.longAxis.startLps)} → ${p(m.longAxis.endLps)} LPS`,
        `  short axis    ${result.shortAxisMm} mm  ${p(m.shortAxis.startLps)} → ${p(m.shortAxis.endLps)} LPS`,
        `  nodal short   ${result.nodalShortAxisMm} mm  on slice ${result.sliceAxis}=${m.nodalShortAxis.sliceIndex}`,
        `  3D longest    ${result.longest3dMm} mm`,
        `  volume        ${result.volumeMl} mL (${m.voxelCount} voxels)`,
        `  measurable    as a lesion: ${result.measurability.asLesion.reason}; as a node: ${result.measurability.asNode.reason}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
