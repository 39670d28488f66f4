/**
 * `voxa models import <dir|zip>`: copies a pack into the user-data folder only
 * after it has passed the full verification (packVerify.ts). A zip is
 * unpacked into a staging folder first (no absolute paths or `..`, size
 * capped); the pack's files may sit at the zip's root or in one top folder.
 * The staging folder is renamed into place only when everything passed, so a
 * refused pack leaves nothing behind.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { VoxaError } from '../../../common/contract';
import { MAX_PACK_FILE_BYTES, verifyPack, type VerifiedPack } from './packVerify';
import { ModelRegistry } from './registry';

const MAX_ZIP_TOTAL_BYTES = 4 * 1024 ** 3;

async function unzipInto(zipFile: string, dest: string): Promise<void> {
  const bytes = await readFile(zipFile);
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (f.originalSize > MAX_PACK_FILE_BYTES || total > MAX_ZIP_TOTAL_BYTES) throw new VoxaError('TOO_LARGE', `${path.basename(zipFile)} unpacks to more than the limit`);
        return !f.name.endsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', `${path.basename(zipFile)} is not a readable zip file (${e instanceof Error ? e.message : String(e)})`);
  }
  for (const [name, data] of Object.entries(entries)) {
    const parts = name.split('/');
    if (name.startsWith('/') || name.includes('\\') || parts.includes('..') || /^[a-zA-Z]:/.test(name)) {
      throw new VoxaError('CORRUPT_INPUT', `${path.basename(zipFile)}: entry "${name}" would unpack outside the pack folder`);
    }
    const out = path.join(dest, ...parts);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, data);
  }
}

/** A pack folder to import may hold no symbolic link (it could point anywhere) and no special file. */
async function refuseLinks(dir: string): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    for (const e of await readdir(cur, { withFileTypes: true })) {
      const rel = path.relative(dir, path.join(cur, e.name));
      if (e.isSymbolicLink()) throw new VoxaError('CORRUPT_INPUT', `${rel} in the pack is a symbolic link; a pack holds plain files (copy the file itself)`);
      if (e.isDirectory()) stack.push(path.join(cur, e.name));
      else if (!e.isFile()) throw new VoxaError('CORRUPT_INPUT', `${rel} in the pack is not a regular file`);
      if (++seen > 10_000) throw new VoxaError('TOO_LARGE', 'the pack folder holds more than 10,000 entries');
    }
  }
}

/** The pack root in an unpacked tree: the folder itself, or its only subfolder. */
async function packRoot(dir: string): Promise<string> {
  if (existsSync(path.join(dir, 'manifest.json'))) return dir;
  const { readdir } = await import('node:fs/promises');
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.') && n !== '__MACOSX');
  if (names.length === 1 && existsSync(path.join(dir, names[0] as string, 'manifest.json'))) return path.join(dir, names[0] as string);
  throw new VoxaError('NOT_FOUND', 'no manifest.json at the top of the pack (or of its single top folder)');
}

export interface ImportResult {
  id: string;
  dir: string;
  replaced: boolean;
  pack: VerifiedPack;
}

export async function importPack(source: string, userData: string, opts: { replace?: boolean; builtinDir?: string } = {}): Promise<ImportResult> {
  let info;
  try {
    info = await stat(source);
  } catch {
    throw new VoxaError('NOT_FOUND', `no such file or folder: ${path.basename(source)}`);
  }
  const registry = new ModelRegistry({ builtinDir: opts.builtinDir, userData });
  const modelsDir = registry.userDir as string;
  await mkdir(modelsDir, { recursive: true });
  const staging = await mkdtemp(path.join(modelsDir, '.import-'));
  try {
    if (info.isDirectory()) {
      await refuseLinks(source);
      await cp(source, staging, { recursive: true });
    }
    else if (source.toLowerCase().endsWith('.zip')) await unzipInto(source, staging);
    else throw new VoxaError('UNSUPPORTED', `${path.basename(source)}: import a pack folder or a .zip of one`);
    const root = await packRoot(staging);
    const pack = await verifyPack(root);
    const id = pack.manifest.id;
    if (registry.isBuiltin(id)) throw new VoxaError('FORBIDDEN', `id ${id} belongs to a built-in pack; give the imported pack another id`);
    const target = path.join(modelsDir, id);
    const replaced = existsSync(target);
    if (replaced && !opts.replace) throw new VoxaError('FORBIDDEN', `a user pack ${id} is already installed (use --replace to overwrite it)`);
    if (replaced) await rm(target, { recursive: true, force: true });
    await rename(root, target);
    return { id, dir: target, replaced, pack: { ...pack, dir: target, onnxFiles: pack.onnxFiles.map((f) => ({ ...f, path: path.join(target, path.relative(root, f.path)) })) } };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
