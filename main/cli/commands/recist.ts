/** `voxa recist`: RECIST 1.1 axes, volume and 3D diameter of a lesion mask on its image. */
import path from 'node:path';
import type { Caliper, LesionMeasurement } from '../../../common/geometry/recistAxes';
import { assessMeasurability } from '../../../common/recist/measurability';
import type { Vec3 } from '../../../common/volume';
import { measureMaskFile, srLesionOf } from '../../services/recist/maskMeasurement';
import { lesionFromGroup, readTid1500File, type SrDocument } from '../../services/recist/tid1500';
import { writeTid1500 } from '../../services/recist/tid1500Write';
import { hashedUid, randomUid } from '../../services/io/dicom/part10';
import { parseFlags, UsageError, type CliCommand } from '../command';

export { checkSameGrid, chooseLabel } from '../../services/recist/maskMeasurement';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4 + 0;
const r4v = (v: Vec3): Vec3 => [r4(v[0]), r4(v[1]), r4(v[2])];

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
  usage: [
    'recist <image> --mask <mask.nii.gz|seg.dcm|rtstruct.dcm> [--label N] [--sr out.dcm [--id T1] [--node] [--role target|nonTarget|new]] [--json]   RECIST 1.1 long/short axis, nodal short axis, volume and 3D diameter of a lesion mask; --sr writes a DICOM SR TID 1500',
    'recist --read-sr <sr.dcm> [--json]   the measurement groups of a TID 1500 SR (long/short axis, 3D diameter, volume, tracking ids, finding site)',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json', 'node']);
    const srIn = flags.get('read-sr')?.[0];
    if (srIn) return printSr(await readTid1500File(path.resolve(srIn)), has('json'), io);
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
    const role = flags.get('role')?.[0];
    if (role !== undefined && role !== 'target' && role !== 'nonTarget' && role !== 'new') throw new UsageError(`--role must be target, nonTarget or new, got "${role}"`);
    const mm = await measureMaskFile(path.resolve(imagePath), path.resolve(maskPath), label);
    const m = mm.measurement;
    const chosen = mm.label;
    const result = recistJson(m, { image: imagePath, mask: maskPath, maskKind: mm.maskKind, label: chosen, ...(mm.segmentLabel ? { segmentLabel: mm.segmentLabel } : {}) });
    const srOut = flags.get('sr')?.[0];
    if (srOut) {
      const trackingId = flags.get('id')?.[0] ?? mm.segmentLabel ?? `lesion ${chosen}`;
      const lesion = srLesionOf(mm, {
        trackingId,
        trackingUid: mm.segment ? hashedUid(`tracking|${mm.segment.sopInstanceUid}|${chosen}`) : randomUid(),
        isNode: has('node'),
        ...(role ? { role } : {}),
      });
      await writeTid1500(path.resolve(srOut), [lesion], mm.subject);
      Object.assign(result, { sr: srOut });
    }
    if (has('json')) {
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const p = (v: Vec3) => `(${r4v(v).join(', ')})`;
    io.out(
      [
        `${path.basename(maskPath)} ${mm.maskKind === 'labelmap' ? 'label' : 'segment'} ${chosen}${mm.segmentLabel ? ` "${mm.segmentLabel}"` : ''} on ${path.basename(imagePath)}`,
        `  long axis     ${result.longAxisMm} mm  on slice ${result.sliceAxis}=${result.sliceIndex}  ${p(m.longAxis.startLps)} → ${p(m.longAxis.endLps)} LPS`,
        `  short axis    ${result.shortAxisMm} mm  ${p(m.shortAxis.startLps)} → ${p(m.shortAxis.endLps)} LPS`,
        `  nodal short   ${result.nodalShortAxisMm} mm  on slice ${result.sliceAxis}=${m.nodalShortAxis.sliceIndex}`,
        `  3D longest    ${result.longest3dMm} mm`,
        `  volume        ${result.volumeMl} mL (${m.voxelCount} voxels)`,
        `  measurable    as a lesion: ${result.measurability.asLesion.reason}; as a node: ${result.measurability.asNode.reason}`,
        ...(srOut ? [`  SR            ${srOut} (TID 1500)`] : []),
        '',
      ].join('\n'),
    );
    return 0;
  },
};

/** JSON of a read SR: per group the RECIST quantities (mm, mL) and the raw NUM items. */
export function srJson(doc: SrDocument) {
  return {
    sopInstanceUid: doc.sopInstanceUid,
    studyInstanceUid: doc.studyInstanceUid,
    templateId: doc.templateId ?? null,
    observers: doc.observerNames,
    warnings: doc.warnings,
    groups: doc.groups.map((g, n) => {
      const l = lesionFromGroup(g, n);
      return {
        trackingId: l.trackingId,
        trackingUid: l.trackingUid,
        finding: g.finding ?? null,
        findingSite: g.findingSite ?? null,
        role: l.role ?? null,
        isNode: l.isNode ?? false,
        manual: l.manual ?? false,
        longAxisMm: l.longAxis?.lengthMm ?? null,
        shortAxisMm: l.shortAxis?.lengthMm ?? null,
        longest3dMm: l.longest3d?.lengthMm ?? null,
        volumeMl: l.volumeMl ?? null,
        longAxis: l.longAxis ?? null,
        shortAxis: l.shortAxis ?? null,
        longest3d: l.longest3d ?? null,
        segment: g.segment ?? null,
        sourceSeriesUid: g.sourceSeriesUid ?? null,
        sourceImageUids: g.sourceImageUids,
        measurements: g.measurements.map((x) => ({ concept: x.concept, value: x.value, unit: x.unit?.value ?? null, derivation: x.derivation?.meaning ?? null })),
      };
    }),
  };
}

function printSr(doc: SrDocument, json: boolean, io: { out: (s: string) => void }): number {
  const j = srJson(doc);
  if (json) {
    io.out(`${JSON.stringify(j, null, 2)}\n`);
    return 0;
  }
  const v = (x: number | null, unit: string) => (x === null ? '—' : `${r4(x)} ${unit}`);
  const lines = [`TID ${j.templateId ?? '?'} SR ${j.sopInstanceUid}: ${j.groups.length} measurement group(s)`];
  for (const g of j.groups) {
    lines.push(
      `  ${g.trackingId}${g.findingSite ? ` (${g.findingSite.meaning})` : ''}${g.manual ? ' [manual]' : ''}: long ${v(g.longAxisMm, 'mm')}, short ${v(g.shortAxisMm, 'mm')}, 3D ${v(g.longest3dMm, 'mm')}, volume ${v(g.volumeMl, 'mL')}`,
    );
    for (const x of g.measurements) lines.push(`      ${x.concept.meaning}${x.derivation ? ` (${x.derivation})` : ''} = ${x.value ?? '—'} ${x.unit ?? ''}`);
  }
  io.out(`${lines.join('\n')}\n`);
  return 0;
}
