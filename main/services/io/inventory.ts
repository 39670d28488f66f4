/**
 * What a path holds, without guessing: every image series found (its grid from
 * the headers), every file skipped and why, and the first series that loads.
 * Used by `voxa info` and the real-data tests; the viewer opens volumes through
 * volumeLoader.ts.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isVoxaError, VoxaError } from '../../../common/contract';
import { orientationCode } from '../../../common/geometry/affine';
import type { Mat3, Vec3, Volume } from '../../../common/volume';
import type { SkippedFile } from './dicom/fileScan';
import { seriesLayout } from './dicom/seriesLayout';
import { seriesToVolume } from './dicom/seriesReader';
import { listScanFiles, refusedLinksEntry, scanDicomFiles, type DicomScan, type ScanOptions } from './dicom/seriesScan';
import { kindFromName, loadVolume } from './volumeLoader';

export interface SeriesSummary {
  label: string;
  description: string;
  modality: string;
  format: 'dicom' | 'nifti' | 'nrrd';
  seriesInstanceUid: string;
  /** Files that contribute frames (1 for NIfTI/NRRD). */
  files: number;
  /** columns × rows × slices (i, j, k). */
  dimensions: Vec3;
  /** Null when the headers do not give a consistent grid (see `error`). */
  spacingMm: Vec3 | null;
  originLps: Vec3 | null;
  direction: Mat3 | null;
  /** Three letters: where i, j, k point (e.g. LPS, RAS, AIL). */
  orientation: string | null;
  warnings: string[];
  /** Why this series cannot be opened, when it cannot. */
  error?: { code: string; message: string };
}

export interface Inventory {
  series: SeriesSummary[];
  skipped: SkippedFile[];
  /** The first series (largest first) that loaded, or null. */
  volume: Volume | null;
  /** Its index in `series`, or -1. */
  loadedIndex: number;
}

export interface InventoryOptions extends ScanOptions {
  /** Load the first loadable series (default true). */
  load?: boolean;
  /** Also decode every other series (then dropped), so `error` tells which ones cannot be opened. */
  verifyAll?: boolean;
}

function fromVolume(volume: Volume, format: 'nifti' | 'nrrd', name: string): SeriesSummary {
  const g = volume.geometry;
  return {
    label: name,
    description: volume.meta.description,
    modality: volume.meta.modality,
    format,
    seriesInstanceUid: volume.meta.seriesInstanceUid,
    files: 1,
    dimensions: [...g.dimensions] as Vec3,
    spacingMm: [...g.spacingMm] as Vec3,
    originLps: [...g.originLps] as Vec3,
    direction: [...g.direction] as Mat3,
    orientation: orientationCode(g.direction),
    warnings: [...volume.meta.warnings],
  };
}

function errorOf(e: unknown): { code: string; message: string } {
  if (isVoxaError(e)) return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200) };
}

async function fromScan(scan: DicomScan, options: InventoryOptions): Promise<Inventory> {
  const series: SeriesSummary[] = scan.series.map((s) => {
    const base = {
      label: s.label,
      description: s.description,
      modality: s.modality,
      format: 'dicom' as const,
      seriesInstanceUid: s.seriesInstanceUid,
      files: s.fileCount,
      dimensions: [s.columns, s.rows, s.frames.length] as Vec3,
    };
    try {
      const layout = seriesLayout(s);
      const g = layout.geometry;
      return { ...base, spacingMm: g.spacingMm, originLps: g.originLps, direction: g.direction, orientation: orientationCode(g.direction), warnings: layout.warnings };
    } catch (e) {
      return { ...base, spacingMm: null, originLps: null, direction: null, orientation: null, warnings: [], error: errorOf(e) };
    }
  });
  let volume: Volume | null = null;
  let loadedIndex = -1;
  if (options.load !== false) {
    for (let n = 0; n < scan.series.length && !volume; n++) {
      const summary = series[n] as SeriesSummary;
      if (summary.error) continue;
      try {
        volume = await seriesToVolume(scan.series[n]!, { ...(options.limits ? { limits: options.limits } : {}), ...(options.signal ? { signal: options.signal } : {}) });
        loadedIndex = n;
      } catch (e) {
        if (!isVoxaError(e)) throw e;
        summary.error = errorOf(e);
      }
    }
  }
  if (options.verifyAll) {
    for (let n = 0; n < scan.series.length; n++) {
      const summary = series[n] as SeriesSummary;
      if (summary.error || n === loadedIndex) continue;
      try {
        await seriesToVolume(scan.series[n]!, { ...(options.limits ? { limits: options.limits } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      } catch (e) {
        if (!isVoxaError(e)) throw e;
        summary.error = errorOf(e);
      }
    }
  }
  return { series, skipped: scan.skipped, volume, loadedIndex };
}

/** Lists what `p` (a NIfTI/NRRD file, a DICOM file or a folder) holds and loads the first loadable series. */
export async function inspectPath(p: string, options: InventoryOptions = {}): Promise<Inventory> {
  let info;
  try {
    info = await stat(p);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(p)}`);
  }
  if (info.isDirectory()) {
    const listing = await listScanFiles(p, options.limits, options.access);
    const files = listing.files;
    if (files.length === 0) throw new VoxaError('NOT_FOUND', `${path.basename(p)}: the folder holds no files`);
    // NIfTI/NRRD files (by name) are volumes of their own; everything else is tried as DICOM.
    const imageFiles = files.filter((f) => ['nifti', 'nrrd'].includes(kindFromName(f, false)));
    const inv = await fromScan(await scanDicomFiles(files.filter((f) => !imageFiles.includes(f)), p, options), options);
    for (const f of imageFiles) {
      options.signal?.throwIfAborted();
      const rel = path.relative(p, f);
      try {
        const volume = await loadVolume(f, options);
        inv.series.push(fromVolume(volume, kindFromName(f, false) === 'nrrd' ? 'nrrd' : 'nifti', rel));
        if (!inv.volume && options.load !== false) {
          inv.volume = volume;
          inv.loadedIndex = inv.series.length - 1;
        }
      } catch (e) {
        if (!isVoxaError(e)) throw e;
        inv.skipped.push({ file: rel, reason: e.message.replace(`${path.basename(f)}: `, ''), kind: e.code === 'UNSUPPORTED' || e.code === 'TOO_LARGE' ? 'unsupported' : 'damaged' });
      }
    }
    if (listing.refusedLinks > 0) inv.skipped.push(refusedLinksEntry(listing.refusedLinks));
    inv.skipped.sort((a, b) => a.file.localeCompare(b.file));
    return inv;
  }
  const kind = kindFromName(p, false);
  if (kind === 'nifti' || kind === 'nrrd') {
    const volume = await loadVolume(p, options);
    return { series: [fromVolume(volume, kind, path.basename(p))], skipped: [], volume, loadedIndex: 0 };
  }
  // Anything else is tried as DICOM (many DICOM files have no extension or an unusual one).
  return fromScan(await scanDicomFiles([p], path.dirname(p), options), options);
}
