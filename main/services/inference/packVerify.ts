/**
 * Verifies a model pack before anything in it is loaded (DESIGN §9): the
 * manifest against its zod schema, a model card, every listed file present
 * with the sha256 the manifest gives, and every ONNX file's opset, inputs and
 * outputs (names, dtypes, ranks, fixed dimensions) against the manifest, read
 * from an onnxruntime session's metadata. Each failure is a VoxaError whose
 * message says what is wrong with which file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { parseManifest, type ModelManifest, type PackFile, type TensorSpec } from '../../../common/models/manifest';
import type * as OrtNamespace from 'onnxruntime-node';
import { readOnnxHeader } from './onnxHeader';

/** Largest file a pack may hold (a ViT-B SAM encoder is ~360 MB). */
export const MAX_PACK_FILE_BYTES = 2 * 1024 ** 3;

export interface VerifiedPack {
  dir: string;
  manifest: ModelManifest;
  /** Absolute paths of the ONNX files in run order (encoder before decoder). */
  onnxFiles: { role: PackFile['role']; path: string; spec: { inputs: TensorSpec[]; outputs: TensorSpec[] } }[];
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve())
      .on('error', reject);
  });
  return hash.digest('hex');
}

/** Reads and schema-checks `manifest.json` of a pack folder. */
export async function readManifest(dir: string): Promise<ModelManifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new VoxaError('NOT_FOUND', `model pack ${path.basename(dir)} has no manifest.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `manifest.json of ${path.basename(dir)} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const r = parseManifest(json);
  if (!r.ok) throw new VoxaError('CORRUPT_INPUT', `manifest.json of ${path.basename(dir)} does not match the manifest schema: ${r.errors[0]}`, r.errors);
  return r.manifest;
}

/** Presence, size and sha256 of every listed file, and the model card. */
export async function checkFiles(dir: string, manifest: ModelManifest): Promise<void> {
  try {
    await stat(path.join(dir, 'MODEL_CARD.md'));
  } catch {
    throw new VoxaError('NOT_FOUND', `model pack ${manifest.id} has no MODEL_CARD.md`);
  }
  for (const f of manifest.files) {
    const file = path.join(dir, f.path);
    let size: number;
    const link = await lstat(file).catch(() => null);
    // A pack's files are its own: a symbolic link could make verification read (and sessions load) anything.
    if (link?.isSymbolicLink()) throw new VoxaError('CORRUPT_INPUT', `model pack ${manifest.id}: ${f.path} is a symbolic link; a pack holds plain files`);
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      size = s.size;
    } catch {
      throw new VoxaError('NOT_FOUND', `model pack ${manifest.id}: file ${f.path} listed in manifest.json is missing`);
    }
    if (size > MAX_PACK_FILE_BYTES) throw new VoxaError('TOO_LARGE', `model pack ${manifest.id}: ${f.path} is ${size} bytes, above the ${MAX_PACK_FILE_BYTES}-byte limit`);
    const actual = await sha256File(file);
    if (actual !== f.sha256) {
      throw new VoxaError('CORRUPT_INPUT', `model pack ${manifest.id}: sha256 mismatch for ${f.path} (manifest ${f.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…)`);
    }
  }
}

type OrtModule = typeof OrtNamespace;
let ortModule: OrtModule | null = null;
export async function loadOrt(): Promise<OrtModule> {
  ortModule ??= await import('onnxruntime-node');
  return ortModule;
}

interface ValueMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

/** Differences between what a manifest declares and what a model file holds, one line each. */
export function compareInterface(file: string, kind: 'input' | 'output', declared: TensorSpec[], actual: ValueMeta[]): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((m) => [m.name, m]));
  for (const d of declared) {
    const a = byName.get(d.name);
    if (!a) {
      problems.push(`${file}: ${kind} "${d.name}" declared in manifest.json is not in the model (model ${kind}s: ${actual.map((m) => m.name).join(', ')})`);
      continue;
    }
    if (!a.isTensor || !a.type || !a.shape) {
      problems.push(`${file}: ${kind} "${d.name}" is not a tensor`);
      continue;
    }
    if (a.type !== d.dtype) problems.push(`${file}: ${kind} "${d.name}" is ${a.type} in the model, ${d.dtype} in manifest.json`);
    const shape = a.shape.map((x) => (typeof x === 'number' && x > 0 ? x : -1));
    if (shape.length !== d.shape.length) {
      problems.push(`${file}: ${kind} "${d.name}" has rank ${shape.length} [${shape.join(', ')}] in the model, rank ${d.shape.length} [${d.shape.join(', ')}] in manifest.json`);
      continue;
    }
    for (let n = 0; n < shape.length; n++) {
      const m = shape[n] as number;
      const decl = d.shape[n] as number;
      if (m !== decl) {
        problems.push(
          `${file}: ${kind} "${d.name}" dimension ${n} is ${m === -1 ? 'dynamic' : m} in the model, ${decl === -1 ? 'dynamic' : decl} in manifest.json`,
        );
      }
    }
  }
  for (const a of actual) {
    if (!declared.some((d) => d.name === a.name)) problems.push(`${file}: model ${kind} "${a.name}" is not declared in manifest.json`);
  }
  return problems;
}

/** Checks each ONNX file's opset and interface against the manifest. */
export async function checkOnnx(dir: string, manifest: ModelManifest): Promise<VerifiedPack['onnxFiles']> {
  const ort = await loadOrt();
  const order = { encoder: 0, model: 1, decoder: 2 } as const;
  const onnx = manifest.files
    .filter((f): f is PackFile & { role: 'encoder' | 'model' | 'decoder' } => f.role === 'model' || f.role === 'encoder' || f.role === 'decoder')
    .sort((a, b) => order[a.role] - order[b.role]);
  const out: VerifiedPack['onnxFiles'] = [];
  for (const f of onnx) {
    const file = path.join(dir, f.path);
    const bytes = await readFile(file);
    const header = readOnnxHeader(bytes, f.path);
    const opset = header.opsets.get('');
    if (opset !== manifest.onnx.opset) {
      throw new VoxaError('CORRUPT_INPUT', `model pack ${manifest.id}: ${f.path} imports ONNX opset ${opset ?? 'none'}, manifest.json says ${manifest.onnx.opset}`);
    }
    const spec = f.io ?? { inputs: manifest.onnx.inputs, outputs: manifest.onnx.outputs };
    let session: Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 4 });
    } catch (e) {
      throw new VoxaError('CORRUPT_INPUT', `model pack ${manifest.id}: onnxruntime cannot load ${f.path} (${(e instanceof Error ? e.message : String(e)).slice(0, 200)})`);
    }
    try {
      const problems = [
        ...compareInterface(f.path, 'input', spec.inputs, session.inputMetadata as unknown as ValueMeta[]),
        ...compareInterface(f.path, 'output', spec.outputs, session.outputMetadata as unknown as ValueMeta[]),
      ];
      if (problems.length) throw new VoxaError('CORRUPT_INPUT', `model pack ${manifest.id}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
    } finally {
      await session.release();
    }
    out.push({ role: f.role, path: file, spec });
  }
  return out;
}

/** Full verification of a pack folder: schema, files, sha256, ONNX interface. */
export async function verifyPack(dir: string): Promise<VerifiedPack> {
  const manifest = await readManifest(dir);
  await checkFiles(dir, manifest);
  const onnxFiles = await checkOnnx(dir, manifest);
  return { dir, manifest, onnxFiles };
}
