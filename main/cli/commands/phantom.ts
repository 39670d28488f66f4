import path from 'node:path';
import type { Vec3 } from '../../../common/volume';
import type { LesionOrgan } from '../../services/phantom/phantomLesions';
import { writePhantomStudy } from '../../services/phantom/phantomStudy';
import { parseFlags, UsageError, type CliCommand } from '../command';

function parseSpacing(v: string): Vec3 {
  const parts = v.split(',').map(Number);
  if (parts.length !== 3 || parts.some((p) => !(p > 0.2 && p <= 20))) throw new UsageError('--spacing needs three numbers in mm between 0.2 and 20, e.g. 0.8,0.8,3');
  return parts as Vec3;
}

export const phantomCommand: CliCommand = {
  name: 'phantom',
  usage: [
    'phantom <out-dir> [--seed N] [--oblique] [--spacing i,j,k] [--organs lung,liver] [--lesions N]   synthetic torso CT with lesions of known size: DICOM series, NIfTI, lesion masks (NIfTI and DICOM SEG), truth.json',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['oblique']);
    const out = positional[0];
    if (!out) throw new UsageError('missing <out-dir>');
    const seedText = flags.get('seed')?.[0];
    const seed = seedText === undefined ? 1 : Number(seedText);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed needs a non-negative integer');
    const spacingText = flags.get('spacing')?.[0];
    const organsText = flags.get('organs')?.[0];
    const organs = organsText?.split(',').map((o) => o.trim());
    if (organs && organs.some((o) => o !== 'lung' && o !== 'liver')) throw new UsageError('--organs takes lung, liver or lung,liver');
    const countText = flags.get('lesions')?.[0];
    const lesionCount = countText === undefined ? 4 : Number(countText);
    if (!Number.isInteger(lesionCount) || lesionCount < 0 || lesionCount > 20) throw new UsageError('--lesions needs an integer from 0 to 20');
    const dir = path.resolve(out);
    let lastPct = -1;
    const study = await writePhantomStudy(
      dir,
      {
        seed,
        oblique: has('oblique'),
        lesionCount,
        ...(spacingText ? { spacingMm: parseSpacing(spacingText) } : {}),
        ...(organs ? { organs: organs as LesionOrgan[] } : {}),
      },
      (done, total) => {
        const pct = Math.floor((100 * done) / total);
        if (pct >= lastPct + 10 || done === total) {
          lastPct = pct;
          io.err(`\rwriting DICOM slices ${done}/${total}`);
          if (done === total) io.err('\n');
        }
      },
    );
    const g = study.phantom.volume.geometry;
    io.out(
      [
        `${dir}`,
        `  grid        ${g.dimensions.join(' × ')} voxels of ${g.spacingMm.join(' × ')} mm${has('oblique') ? ' (oblique)' : ''}`,
        `  dicom       ${study.dicomDir} (${study.series.files.length} files)`,
        `  nifti       ${path.basename(study.ctNifti)}, ${path.basename(study.maskNifti)}`,
        ...(study.maskSeg ? [`  seg         ${path.basename(study.maskSeg)} (lesions as DICOM SEG on the series)`] : []),
        `  truth       ${path.basename(study.truthJson)}`,
        ...study.truth.map(
          (t) =>
            `  lesion ${t.label}    ${t.name}: axial long ${t.axialLongAxisMm.toFixed(1)} mm, short ${t.axialShortAxisMm.toFixed(1)} mm, 3D ${t.longest3dMm.toFixed(1)} mm, ${(t.volumeMm3 / 1000).toFixed(2)} mL`,
        ),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
