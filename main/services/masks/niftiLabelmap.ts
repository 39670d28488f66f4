/**
 * NIfTI labelmaps: one integer label per voxel on the image grid, with the
 * segment metadata (names, colours, codes) in a JSON sidecar
 * `<name>.segments.json` beside the .nii/.nii.gz.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { VoxaError } from '../../../common/contract';
import type { VolumeGeometry } from '../../../common/volume';
import { readNiftiFile } from '../io/niftiReader';
import { writeNifti } from '../io/niftiWriter';
import { writeFileAtomic } from '../io/atomicWrite';
import { fromLabelmap, sameGrid, toLabelmap, type Segmentation, type SegmentInfo } from './segmentation';

const code = z.object({ value: z.string(), scheme: z.string(), meaning: z.string() });
const sidecarSchema = z.object({
  segments: z.array(
    z.object({
      number: z.number().int().min(1).max(65535),
      label: z.string(),
      description: z.string().optional(),
      colorRgb: z.tuple([z.number(), z.number(), z.number()]).optional(),
      category: code.optional(),
      type: code.optional(),
      anatomicRegion: code.optional(),
      algorithmType: z.enum(['MANUAL', 'SEMIAUTOMATIC', 'AUTOMATIC']).optional(),
      algorithmName: z.string().optional(),
    }),
  ),
});

export function sidecarPath(niftiFile: string): string {
  return niftiFile.replace(/\.nii(\.gz)?$/i, '') + '.segments.json';
}

/**
 * Reads a NIfTI labelmap. With `reference`, the labelmap's grid must be the
 * image's (same dimensions and affine within 0.05 mm), else BAD_REQUEST.
 */
export async function readNiftiLabelmap(file: string, reference?: VolumeGeometry): Promise<Segmentation> {
  // Streamed: the first volume the header declares is read, and a .gz that inflates past it (a bomb) is not inflated further.
  const volume = await readNiftiFile(file);
  if (reference && !sameGrid(volume.geometry, reference)) {
    throw new VoxaError(
      'BAD_REQUEST',
      `${path.basename(file)} is not on the image grid (labelmap ${volume.geometry.dimensions.join('×')} @ ${volume.geometry.spacingMm.map((s) => s.toFixed(3)).join('×')} mm, image ${reference.dimensions.join('×')} @ ${reference.spacingMm.map((s) => s.toFixed(3)).join('×')} mm, or different origin/orientation)`,
    );
  }
  let infos: SegmentInfo[] = [];
  const side = sidecarPath(file);
  if (existsSync(side)) {
    const parsed = sidecarSchema.safeParse(JSON.parse(await readFile(side, 'utf8').catch(() => '{}')));
    if (parsed.success) infos = parsed.data.segments as SegmentInfo[];
  }
  const seg = fromLabelmap(reference ?? volume.geometry, volume.voxels, infos);
  seg.warnings.push(...volume.meta.warnings);
  return seg;
}

/** Writes the segmentation as a labelmap (uint8, or uint16 past 255 segments) plus the sidecar; overlapping voxels take the later segment. */
export async function writeNiftiLabelmap(seg: Segmentation, file: string): Promise<{ overlappingVoxels: number; sidecar: string }> {
  const { labels, overlappingVoxels } = toLabelmap(seg);
  await writeNifti(
    {
      geometry: seg.geometry,
      dtype: labels instanceof Uint16Array ? 'uint16' : 'uint8',
      voxels: labels,
      meta: { modality: 'OT', sourceFormat: 'nifti', description: 'Voxa labelmap', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    },
    file,
  );
  const sidecar = sidecarPath(file);
  const segments = seg.segments.map(({ mask: _mask, ...info }) => info);
  await writeFileAtomic(sidecar, `${JSON.stringify({ segments }, null, 2)}\n`);
  return { overlappingVoxels, sidecar };
}
