/**
 * The path policy: the only paths services may read or write are those the
 * user picked in a dialog (Electron) or the configured roots of this launch
 * (host mode). Every file actually opened goes through {@link FileAccess}:
 * the path is resolved with realpath (so a symbolic link cannot lead out of a
 * granted folder), must lie under a grant, and must be a regular file (or a
 * folder to scan) — FIFOs, devices and sockets are refused before they are
 * opened, so nothing can make a read block forever.
 *
 * A refused path and a missing one give the client the same error
 * (NOT_FOUND "no such file or folder"), so the API is no oracle for what
 * exists outside the grants; the log says more, with the path redacted
 * (redactPath), never a patient's name from a folder name.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';

/** What a reader or writer may open. The CLI uses {@link OPEN_ACCESS} (the user's own shell); services use the grants. */
export interface FileAccess {
  /** The real path of a regular file about to be read; NOT_FOUND when missing or not allowed, UNSUPPORTED for special files. */
  file(p: string): Promise<string>;
  /** The real path of a folder about to be scanned or written into. */
  folder(p: string): Promise<string>;
  /** May this real path be read? (entries met while scanning a granted folder, e.g. symbolic links) */
  allows(real: string): boolean;
}

const missing = (p: string) => new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(p)}`);

/** The real path of `p` when it exists and is allowed; missing and refused are the same NOT_FOUND. */
async function resolveAllowed(p: string, allows: (real: string) => boolean, onRefused?: (real: string) => void): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(p));
  } catch {
    throw missing(p);
  }
  if (!allows(real)) {
    onRefused?.(real);
    throw missing(p);
  }
  return real;
}

async function resolveKind(p: string, want: 'file' | 'folder', allows: (real: string) => boolean, onRefused?: (real: string) => void): Promise<string> {
  const real = await resolveAllowed(p, allows, onRefused);
  const info = await stat(real).catch(() => null);
  if (!info) throw missing(p);
  if (want === 'folder' ? !info.isDirectory() : !info.isFile()) {
    if (info.isFIFO() || info.isSocket() || info.isCharacterDevice() || info.isBlockDevice()) {
      throw new VoxaError('UNSUPPORTED', `${path.basename(p)} is not a regular file (a pipe, socket or device) and is not opened`);
    }
    throw new VoxaError(want === 'folder' ? 'BAD_REQUEST' : 'UNSUPPORTED', `${path.basename(p)} is ${want === 'folder' ? 'not a folder' : 'a folder, not a file'}`);
  }
  return real;
}

/** No containment (the CLI runs with the user's own rights), but special files are still refused. */
export const OPEN_ACCESS: FileAccess = {
  file: (p) => resolveKind(p, 'file', () => true),
  folder: (p) => resolveKind(p, 'folder', () => true),
  allows: () => true,
};

/**
 * A path for the log: the home folder as `~`, every other component as a
 * short hash (folder and file names often carry patient names), the file
 * extension kept so a reader of the log can tell a .dcm from a .nrrd.
 */
export function redactPath(p: string): string {
  const home = os.homedir();
  let rest = path.resolve(p);
  let prefix = '';
  if (home && home !== '/' && (rest === home || rest.startsWith(home + path.sep))) {
    prefix = '~';
    rest = rest.slice(home.length);
  }
  const parts = rest.split(path.sep).filter(Boolean);
  const hashed = parts.map((c, n) => {
    const h = createHash('sha256').update(c).digest('hex').slice(0, 6);
    const ext = n === parts.length - 1 ? /(\.[a-z0-9]{1,5}(\.gz)?)$/i.exec(c)?.[1] ?? '' : '';
    return h + ext;
  });
  return `${prefix}/${hashed.join('/')}`;
}

export class PathGrants implements FileAccess {
  private readonly granted = new Map<string, { label: string }>();
  /** Called with the real path of every refused request (for the log; redact before writing it). */
  onRefused: ((real: string) => void) | null = null;

  /** Grants a file or folder (and everything below a folder). Missing paths are ignored. */
  grant(p: string, label = path.basename(p)): string | null {
    try {
      const real = realpathSync(path.resolve(p));
      this.granted.set(real, { label });
      return real;
    } catch {
      return null;
    }
  }

  roots(): { path: string; label: string }[] {
    return [...this.granted.entries()].map(([p, v]) => ({ path: p, label: v.label }));
  }

  /**
   * The real path of `p` (file or folder) if it lies within a grant. Missing and
   * not allowed are the same NOT_FOUND to the caller.
   */
  check(p: string): Promise<string> {
    return resolveAllowed(p, (r) => this.allows(r), this.onRefused ?? undefined);
  }

  file(p: string): Promise<string> {
    return resolveKind(p, 'file', (r) => this.allows(r), this.onRefused ?? undefined);
  }

  folder(p: string): Promise<string> {
    return resolveKind(p, 'folder', (r) => this.allows(r), this.onRefused ?? undefined);
  }

  allows(real: string): boolean {
    for (const g of this.granted.keys()) {
      if (real === g || real.startsWith(g.endsWith(path.sep) ? g : g + path.sep)) return true;
    }
    return false;
  }
}
