/**
 * Open volumes by id. The voxels cross to the renderer once per volume.
 *
 * Memory is bounded: at most `maxVolumes` volumes and `maxBytes` of voxels in
 * the process, and per owner (a host-mode connection) `perOwnerVolumes` and
 * `perOwnerBytes`; a load is given only what is left (`bytesLeft`), so a volume
 * that would not fit is refused by its reader before its voxels are allocated.
 * A volume's owners are the connections that opened it; when the last one
 * disconnects (`release`) the volume is closed.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { VoxaError } from '../../common/contract';
import { orientationCode } from '../../common/geometry/affine';
import type { VolumeHeader } from '../../common/contract';
import { valueRange, type Volume } from '../../common/volume';

export interface VolumeCaps {
  maxVolumes: number;
  maxBytes: number;
  perOwnerVolumes: number;
  perOwnerBytes: number;
}

/** Defaults: 64 volumes and 60 % of this machine's memory in all; 16 volumes and 40 % of it per connection. */
export function defaultVolumeCaps(): VolumeCaps {
  const mem = os.totalmem();
  return { maxVolumes: 64, maxBytes: Math.floor(mem * 0.6), perOwnerVolumes: 16, perOwnerBytes: Math.floor(mem * 0.4) };
}

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;

export class VolumeStore {
  private readonly volumes = new Map<string, { volume: Volume; header: VolumeHeader; sourcePath: string | null; owners: Set<string> }>();
  readonly caps: VolumeCaps;

  constructor(caps: Partial<VolumeCaps> = {}) {
    this.caps = { ...defaultVolumeCaps(), ...caps };
  }

  private usage(owner?: string): { volumes: number; bytes: number } {
    let volumes = 0;
    let bytes = 0;
    for (const e of this.volumes.values()) {
      if (owner !== undefined && !e.owners.has(owner)) continue;
      volumes++;
      bytes += e.volume.voxels.byteLength;
    }
    return { volumes, bytes };
  }

  /**
   * The voxel bytes a new volume of `owner` may still take; TOO_LARGE when it may open none
   * (too many volumes open, or no memory left to give).
   */
  bytesLeft(owner?: string): number {
    const all = this.usage();
    if (all.volumes >= this.caps.maxVolumes) throw new VoxaError('TOO_LARGE', `${all.volumes} volumes are open, the most this workstation keeps; close one first`);
    let left = this.caps.maxBytes - all.bytes;
    if (owner !== undefined) {
      const mine = this.usage(owner);
      if (mine.volumes >= this.caps.perOwnerVolumes) throw new VoxaError('TOO_LARGE', `this window has ${mine.volumes} volumes open, the most one client keeps; close one first`);
      left = Math.min(left, this.caps.perOwnerBytes - mine.bytes);
    }
    if (left <= 0) throw new VoxaError('TOO_LARGE', `the open volumes hold ${gib(all.bytes)}, all the memory given to volumes (${gib(this.caps.maxBytes)}); close one first`);
    return left;
  }

  /** `sourcePath`: the real path it was loaded from (keys its edit journal; DICOM SEG export reads its headers). `owner`: the connection that opened it. */
  add(volume: Volume, sourcePath: string | null = null, owner?: string): VolumeHeader {
    if (volume.voxels.byteLength > this.bytesLeft(owner)) throw new VoxaError('TOO_LARGE', `this volume (${gib(volume.voxels.byteLength)}) does not fit in the memory left for volumes; close one first`);
    const volumeId = randomUUID();
    const header = describeVolume(volumeId, volume);
    this.volumes.set(volumeId, { volume, header, sourcePath, owners: new Set(owner === undefined ? [] : [owner]) });
    return header;
  }

  /** `owner` disconnected: its volumes that no other owner holds are closed. Returns how many were closed. */
  release(owner: string): number {
    let closed = 0;
    for (const [id, e] of this.volumes) {
      if (!e.owners.delete(owner) || e.owners.size > 0) continue;
      this.volumes.delete(id);
      closed++;
    }
    return closed;
  }

  /** Open volumes and their voxel bytes (for tests and the log). */
  stats(): { volumes: number; bytes: number } {
    return this.usage();
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
