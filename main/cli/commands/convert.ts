import path from 'node:path';
import { loadVolume } from '../../services/io/volumeLoader';
import { writeNifti } from '../../services/io/niftiWriter';
import { writeDicomSeg } from '../../services/masks/dicomSegWrite';
import { dicomMaskKind, readMaskFile, type MaskKind } from '../../services/masks/maskFiles';
import { writeNiftiLabelmap } from '../../services/masks/niftiLabelmap';
import { segmentVoxelCount } from '../../services/masks/segmentation';
import { loadSourceSeries, type SourceSeries } from '../../services/masks/sourceSeries';
import { writeDicomSeries } from '../../services/io/dicom/seriesWriter';
import { parseFlags, UsageError, type CliCommand } from '../command';

const isNifti = (p: string) => /\.nii(\.gz)?$/i.test(p);

export const convertCommand: CliCommand = {
  name: 'convert',
  usage: [
    'convert <in> <out.nii.gz|out-dir> [--ref <dicom-series>] [--labelmap]   image → NIfTI (or → DICOM series in out-dir); masks between DICOM SEG, RTSTRUCT (read) and NIfTI labelmap: SEG/RTSTRUCT → .nii.gz, labelmap (--labelmap) → .dcm SEG; --ref is the image series the mask belongs to',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['labelmap']);
    const [input, output] = positional;
    if (!input || !output) throw new UsageError('needs <in> and <out>');
    const inPath = path.resolve(input);
    const outPath = path.resolve(output);
    const refPath = flags.get('ref')?.[0];
    const reference: SourceSeries | undefined = refPath ? await loadSourceSeries(path.resolve(refPath)) : undefined;
    let kind: MaskKind | undefined = await dicomMaskKind(inPath);
    if (!kind && has('labelmap')) {
      if (!isNifti(inPath)) throw new UsageError('--labelmap expects a .nii/.nii.gz labelmap');
      kind = 'nifti-labelmap';
    }
    if (kind) {
      const seg = await readMaskFile(inPath, kind, reference);
      for (const w of seg.warnings) io.err(`warning: ${w}\n`);
      const summary = seg.segments.map((s) => `${s.number} ${s.label} (${segmentVoxelCount(s, seg.kind, seg.maxFractionalValue)} voxels)`).join(', ');
      if (isNifti(outPath)) {
        const { overlappingVoxels, sidecar } = await writeNiftiLabelmap(seg, outPath);
        if (overlappingVoxels > 0) io.err(`warning: ${overlappingVoxels} voxels belong to several segments; the labelmap keeps the last one\n`);
        io.out(`${outPath}\n  labelmap     ${seg.geometry.dimensions.join(' × ')}: ${summary}\n  segments     ${sidecar}\n`);
        return 0;
      }
      if (/\.dcm$/i.test(outPath)) {
        if (!reference) throw new UsageError('writing a DICOM SEG needs --ref <dicom-series> (the images it refers to)');
        await writeDicomSeg(seg, reference, outPath);
        io.out(`${outPath}\n  DICOM SEG    ${seg.segments.length} segments on ${reference.volume.geometry.dimensions.join(' × ')}: ${summary}\n`);
        return 0;
      }
      throw new UsageError('a mask converts to a .nii/.nii.gz labelmap or a .dcm SEG');
    }
    const volume = await loadVolume(inPath);
    for (const w of volume.meta.warnings) io.err(`warning: ${w}\n`);
    if (isNifti(outPath)) {
      await writeNifti(volume, outPath);
      io.out(`${outPath}\n  NIfTI        ${volume.geometry.dimensions.join(' × ')} ${volume.dtype}\n`);
      return 0;
    }
    if (path.extname(outPath) !== '') throw new UsageError('<out> is a .nii/.nii.gz file or a folder (for a DICOM series)');
    const written = await writeDicomSeries(volume, outPath);
    io.out(`${outPath}\n  DICOM series ${written.files.length} slices, series ${written.seriesInstanceUid}\n`);
    return 0;
  },
};
