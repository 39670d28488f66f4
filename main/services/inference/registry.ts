/**
 * The model packs this installation can run: built-in packs shipped in
 * `native-models/<id>/` and user packs imported into `<user-data>/models/<id>/`,
 * plus the classical fallback, which needs no pack and is always there.
 *
 * Listing reads every manifest and checks files and sha256 (so a damaged pack
 * shows as invalid with its reason); resolving a pack for inference runs the
 * full verification including the ONNX interface, once per pack and process.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { ModelTask } from '../../../common/models/manifest';
import { checkFiles, readManifest, verifyPack, type VerifiedPack } from './packVerify';

export const CLASSICAL_MODEL_ID = 'classical';

export interface ModelEntry {
  id: string;
  name: string;
  version: string;
  task: ModelTask;
  source: 'builtin' | 'user' | 'classical';
  dir: string | null;
  status: 'ok' | 'invalid';
  /** Why an invalid pack was refused. */
  error?: string;
  licence?: string;
}

/** `native-models/` of this checkout or installation: the first one found walking up from this file. */
export function defaultBuiltinDir(): string {
  if (process.env.VOXA_BUILTIN_MODELS) return path.resolve(process.env.VOXA_BUILTIN_MODELS);
  let dir = __dirname;
  for (let n = 0; n < 6; n++) {
    const candidate = path.join(dir, 'native-models');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve('native-models');
}

/** User packs live in `<userData>/models`. */
export function userModelsDir(userData: string): string {
  return path.join(userData, 'models');
}

export const CLASSICAL_ENTRY: ModelEntry = {
  id: CLASSICAL_MODEL_ID,
  name: 'Classical region growing',
  version: '1',
  task: 'segment.prompt3d',
  source: 'classical',
  dir: null,
  status: 'ok',
  licence: 'part of Voxa',
};

async function packDirs(root: string | null): Promise<string[]> {
  if (!root) return [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names.sort()) {
    if (n.startsWith('.')) continue;
    const d = path.join(root, n);
    if ((await stat(d)).isDirectory() && existsSync(path.join(d, 'manifest.json'))) out.push(d);
  }
  return out;
}

export class ModelRegistry {
  readonly builtinDir: string;
  readonly userDir: string | null;
  private readonly verified = new Map<string, Promise<VerifiedPack>>();

  constructor(opts: { builtinDir?: string; userData?: string | null } = {}) {
    this.builtinDir = opts.builtinDir ?? defaultBuiltinDir();
    this.userDir = opts.userData ? userModelsDir(opts.userData) : null;
  }

  async list(): Promise<ModelEntry[]> {
    const entries: ModelEntry[] = [];
    const seen = new Set<string>([CLASSICAL_MODEL_ID]);
    for (const [source, root] of [['builtin', this.builtinDir], ['user', this.userDir]] as const) {
      for (const dir of await packDirs(root)) {
        try {
          const m = await readManifest(dir);
          if (seen.has(m.id)) throw new VoxaError('CORRUPT_INPUT', `id ${m.id} is already taken by another pack`);
          if (m.id !== path.basename(dir)) throw new VoxaError('CORRUPT_INPUT', `pack folder ${path.basename(dir)} holds id ${m.id}; the folder must be named after the id`);
          await checkFiles(dir, m);
          seen.add(m.id);
          entries.push({ id: m.id, name: m.name, version: m.version, task: m.task, source, dir, status: 'ok', licence: m.licence });
        } catch (e) {
          const id = path.basename(dir);
          entries.push({ id, name: id, version: '?', task: 'segment.prompt2d', source, dir, status: 'invalid', error: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    entries.push(CLASSICAL_ENTRY);
    return entries;
  }

  /** The fully verified pack for `id` (cached); NOT_FOUND or the verification error otherwise. */
  async resolve(id: string): Promise<VerifiedPack> {
    const cached = this.verified.get(id);
    if (cached) return cached;
    const p = (async () => {
      for (const root of [this.builtinDir, this.userDir]) {
        if (!root) continue;
        const dir = path.join(root, id);
        if (/^[a-z0-9-]+$/.test(id) && existsSync(path.join(dir, 'manifest.json'))) {
          const pack = await verifyPack(dir);
          if (pack.manifest.id !== id) throw new VoxaError('CORRUPT_INPUT', `pack folder ${id} holds id ${pack.manifest.id}`);
          return pack;
        }
      }
      const known = (await this.list()).filter((e) => e.status === 'ok').map((e) => e.id);
      throw new VoxaError('NOT_FOUND', `no model pack "${id}" (available: ${known.join(', ')})`);
    })();
    this.verified.set(id, p);
    p.catch(() => this.verified.delete(id));
    return p;
  }

  /** Drops the cached verification of `id` (its folder was rewritten, e.g. a retrained few-shot probe). */
  forget(id: string): void {
    this.verified.delete(id);
  }

  /** Is `id` a built-in pack? (user imports may not shadow one) */
  isBuiltin(id: string): boolean {
    return existsSync(path.join(this.builtinDir, id, 'manifest.json'));
  }
}
