/** Open volumes by id. The voxels cross to the renderer once per volume. */
import { randomUUID } from 'node:crypto';
import { VoxaError } from '../../common/contract';
import { orientationCode } from '../../common/geometry/affine';
import type { VolumeHeader } from '../../common/contract';
import { valueRange, type Volume } from '../../common/volume';

export class VolumeStore {
  private readonly volumes = new Map<string, { volume: Volume; header: VolumeHeader; sourcePath: string | null }>();

  /** `sourcePath`: the real path it was loaded from (keys its edit journal; DICOM SEG export reads its headers). */
  add(volume: Volume, sourcePath: string | null = null): VolumeHeader {
    const volumeId = randomUUID();
    const header = describeVolume(volumeId, volume);
    this.volumes.set(volumeId, { volume, header, sourcePath });
    return header;
  }

  /** The real path the volume was loaded from, or null. */
  sourcePath(volumeId: string): string | null {
    this.get(volumeId);
    return this.volumes.get(volumeId)?.sourcePath ?? null;
  }

  get(volumeId: string): Volume {
    const entry = this.volumes.get(volumeId);
    if (!entry) throw new VoxaError('NOT_FOUND', `volume ${volumeId} is not open`);
    return entry.volume;
  }

  close(volumeId: string): boolean {
    return this.volumes.delete(volumeId);
  }
}

export function describeVolume(volumeId: string, volume: Volume): VolumeHeader {
  return {
    volumeId,
    geometry: volume.geometry,
    dtype: volume.dtype,
    modality: volume.meta.modality,
    sourceFormat: volume.meta.sourceFormat,
    description: volume.meta.description,
    patientName: volume.meta.patientName,
    patientId: volume.meta.patientId,
    studyDate: volume.meta.studyDate,
    valueRange: valueRange(volume.voxels),
    orientation: orientationCode(volume.geometry.direction),
    warnings: volume.meta.warnings,
  };
}
