/**
 * The only paths services may read: those the user picked in a dialog
 * (Electron) or the configured roots of the file browser (host mode).
 * Paths are compared after resolving symbolic links, so a link cannot lead
 * out of a granted folder.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';

export class PathGrants {
  private readonly granted = new Map<string, { label: string }>();

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

  /** Resolves `p` and returns its real path if it lies within a grant; throws FORBIDDEN or NOT_FOUND otherwise. */
  async check(p: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(path.resolve(p));
    } catch {
      throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(p)}`);
    }
    if (!this.allows(real)) {
      throw new VoxaError('FORBIDDEN', 'this path was not opened through a dialog or a configured root');
    }
    return real;
  }

  private allows(real: string): boolean {
    for (const g of this.granted.keys()) {
      if (real === g || real.startsWith(g.endsWith(path.sep) ? g : g + path.sep)) return true;
    }
    return false;
  }
}
