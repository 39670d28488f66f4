/**
 * A folder (or a list of files) → image series. Every file is read up to its
 * pixel data (fileScan.ts); frames are grouped by SeriesInstanceUID,
 * orientation, matrix size and a split key (enhanced stack / frame type /
 * temporal position, echo); a group whose frames repeat positions is split by
 * occurrence (several volumes in one series). Compressed frames ahead start
 * the decoder threads while the scan goes on.
 */
import path from 'node:path';
import { cross, dot, normalize } from '../../../../common/geometry/affine';
import type { Vec3 } from '../../../../common/volume';
import { NATIVE_SYNTAXES } from '../codecs/frameCodecs';
import { sharedDecodePool } from '../codecs/decodePool';
import { DEFAULT_IO_LIMITS, type IoLimits } from '../limits';
import type { FileAccess } from '../../access/pathGrants';
import type { FrameGeometry } from './frameGeometry';
import { scanDicomFile, type ScannedImage, type SkippedFile } from './fileScan';
import { listFiles } from './listFiles';
import { forEachLimited, MIN_POOL_FRAMES } from './parallel';

export interface SeriesFrame {
  image: ScannedImage;
  geom: FrameGeometry;
}

export interface DicomSeries {
  seriesInstanceUid: string;
  description: string;
  modality: string;
  /** Distinguishes several volumes of one series. */
  label: string;
  frames: SeriesFrame[];
  rows: number;
  columns: number;
  /** Files that contribute frames. */
  fileCount: number;
}

export interface DicomScan {
  series: DicomSeries[];
  skipped: SkippedFile[];
}

export interface ScanOptions {
  limits?: IoLimits;
  /** What may be opened (default: anything but special files, as for the CLI); services pass the session's grants. */
  access?: FileAccess;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** readDicomFolder: open the series this file (a real path in the folder) belongs to, not the folder's first. */
  seriesOf?: string;
}

const SCAN_CONCURRENCY = 8;

/** Every file below `dir` that the scan may read (listFiles.ts), with the folder limit of `limits`. */
export async function listScanFiles(dir: string, limits: IoLimits = DEFAULT_IO_LIMITS, access?: FileAccess): Promise<{ files: string[]; refusedLinks: number }> {
  return listFiles(dir, { maxFiles: limits.maxFilesScanned, ...(access ? { access } : {}) });
}

const round3 = (v: number) => (Math.round(v * 1000) / 1000 + 0).toFixed(3);

/** Reads every file below `dir` and groups the image frames into series (volumes). */
export async function scanDicomFolder(dir: string, options: ScanOptions = {}): Promise<DicomScan> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const listing = await listScanFiles(dir, limits, options.access);
  const scan = await scanDicomFiles(listing.files, dir, options);
  if (listing.refusedLinks > 0) scan.skipped.push(refusedLinksEntry(listing.refusedLinks));
  return scan;
}

/** The scan's note on symbolic links that lead out of what may be read. */
export function refusedLinksEntry(n: number): SkippedFile {
  return { file: '(symbolic links)', reason: `${n} link(s) lead outside the folders this session may read and were not opened`, kind: 'unsupported' };
}

/** Reads the given files (names reported relative to `dir`) and groups their image frames into series. */
export async function scanDicomFiles(files: string[], dir: string, options: ScanOptions = {}): Promise<DicomScan> {
  const limits = options.limits ?? DEFAULT_IO_LIMITS;
  const results: (ScannedImage | SkippedFile)[] = new Array(files.length);
  let done = 0;
  let compressedSeen = 0;
  let warmed = false;
  await forEachLimited(
    files,
    SCAN_CONCURRENCY,
    async (file, n) => {
      const rel = path.relative(dir, file) || path.basename(file);
      const r = await scanDicomFile(file, rel, limits);
      results[n] = r;
      if ('frames' in r && !NATIVE_SYNTAXES.has(r.transferSyntax)) {
        // Compressed frames ahead: start the decoder threads and their codec now, while the scan goes on.
        compressedSeen += r.frames.length;
        if (compressedSeen >= MIN_POOL_FRAMES && !warmed) {
          warmed = true;
          sharedDecodePool().warm(r.transferSyntax, Math.max(compressedSeen, Math.round((compressedSeen * files.length) / (done + 1))));
        }
      }
      options.onProgress?.(++done, files.length);
    },
    options.signal,
  );
  const skipped: SkippedFile[] = [];
  const groups = new Map<string, DicomSeries>();
  for (const r of results) {
    if (!('frames' in r)) {
      skipped.push(r);
      continue;
    }
    const rows = r.mosaic ? r.mosaic.tileRows : r.rows;
    const columns = r.mosaic ? r.mosaic.tileColumns : r.columns;
    for (const geom of r.frames) {
      const key = [r.seriesInstanceUid, geom.rowDir.map(round3).join(','), geom.colDir.map(round3).join(','), `${rows}x${columns}x${r.samplesPerPixel}`, geom.splitKey].join('|');
      let g = groups.get(key);
      if (!g) {
        g = { seriesInstanceUid: r.seriesInstanceUid, description: r.seriesDescription, modality: r.modality, label: '', frames: [], rows, columns, fileCount: 0 };
        groups.set(key, g);
      }
      g.frames.push({ image: r, geom });
    }
  }
  const series: DicomSeries[] = [];
  for (const g of groups.values()) series.push(...splitRepeatedPositions(g));
  for (const s of series) s.fileCount = new Set(s.frames.map((f) => f.image.absPath)).size;
  // Largest first; ties by series number/description for a stable order.
  series.sort((a, b) => b.frames.length - a.frames.length || (a.frames[0]?.image.seriesNumber ?? 0) - (b.frames[0]?.image.seriesNumber ?? 0) || a.label.localeCompare(b.label));
  // Labels: several volumes of one series are told apart.
  const perUid = new Map<string, number>();
  for (const s of series) perUid.set(s.seriesInstanceUid, (perUid.get(s.seriesInstanceUid) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const s of series) {
    const n = (seen.get(s.seriesInstanceUid) ?? 0) + 1;
    seen.set(s.seriesInstanceUid, n);
    const base = s.description || s.modality || 'series';
    s.label = (perUid.get(s.seriesInstanceUid) ?? 1) > 1 ? `${base} [volume ${n}]` : base;
  }
  return { series, skipped };
}

export function normalOf(f: SeriesFrame): Vec3 {
  return normalize(cross(f.geom.rowDir, f.geom.colDir));
}

/** A group whose frames repeat a position holds several volumes: the n-th frame at each position goes to volume n. */
export function splitRepeatedPositions(g: DicomSeries): DicomSeries[] {
  const first = g.frames[0];
  if (!first) return [];
  const normal = normalOf(first);
  const ordered = [...g.frames].sort((a, b) => a.geom.order - b.geom.order || a.image.file.localeCompare(b.image.file) || a.geom.frameIndex - b.geom.frameIndex);
  const count = new Map<string, number>();
  const parts: SeriesFrame[][] = [];
  for (const f of ordered) {
    const key = (Math.round(dot(f.geom.position, normal) * 100) / 100).toFixed(2);
    const n = count.get(key) ?? 0;
    count.set(key, n + 1);
    (parts[n] ??= []).push(f);
  }
  if (parts.length === 1) return [g];
  return parts.map((frames) => ({ ...g, frames }));
}
