/**
 * Lists folders for the host-mode file browser, limited to granted roots and
 * per the path policy of listFiles: a link is listed only when its real path
 * is allowed (a link inside a granted folder does not show, or size, a file
 * outside it), and pipes, sockets and devices are not listed.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FsEntry } from '../../common/contract';
import type { PathGrants } from './access/pathGrants';
import { kindFromName } from './io/volumeLoader';

export async function listRoots(grants: PathGrants): Promise<FsEntry[]> {
  const out: FsEntry[] = [];
  for (const root of grants.roots()) {
    const info = await stat(root.path).catch(() => null);
    if (!info) continue;
    out.push({
      name: root.label,
      path: root.path,
      kind: info.isDirectory() ? 'directory' : 'file',
      looksLike: kindFromName(root.path, info.isDirectory()),
      sizeBytes: info.isDirectory() ? 0 : info.size,
    });
  }
  return out;
}

export async function listFolder(grants: PathGrants, requested: string): Promise<{ path: string; parent: string | null; entries: FsEntry[] }> {
  const dir = await grants.check(requested);
  const dirents = await readdir(dir, { withFileTypes: true });
  const entries: FsEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const full = path.join(dir, d.name);
    // A link is judged, and described, by its target.
    const link = d.isSymbolicLink();
    const target = link ? await realpath(full).catch(() => null) : full;
    if (!target || (link && !grants.allows(target))) continue;
    const info = await stat(target).catch(() => null);
    if (!info || !(info.isFile() || info.isDirectory())) continue;
    const isDir = info.isDirectory();
    entries.push({ name: d.name, path: full, kind: isDir ? 'directory' : 'file', looksLike: kindFromName(d.name, isDir), sizeBytes: isDir ? 0 : info.size });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  const parentDir = path.dirname(dir);
  let parent: string | null = null;
  if (parentDir !== dir) parent = await grants.check(parentDir).then(() => parentDir, () => null);
  return { path: dir, parent, entries };
}
