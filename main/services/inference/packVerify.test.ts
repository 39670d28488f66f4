import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoxaError } from '../../../common/contract';
import { importPack } from './importPack';
import { verifyPack } from './packVerify';
import { ModelRegistry } from './registry';
import { HAS_ONNX_PYTHON, makeTestModels, writePack } from './testing/testModels';

const S = 32;
let models = '';
let root = '';

beforeAll(() => {
  if (!HAS_ONNX_PYTHON) return;
  models = makeTestModels(S);
  root = mkdtempSync(path.join(os.tmpdir(), 'voxa-packs-'));
});
afterAll(() => {
  for (const d of [models, root]) if (d) rmSync(d, { recursive: true, force: true });
});

async function refusal(dir: string): Promise<VoxaError> {
  try {
    await verifyPack(dir);
  } catch (e) {
    if (e instanceof VoxaError) return e;
    throw e;
  }
  throw new Error('pack was accepted');
}

describe.skipIf(!HAS_ONNX_PYTHON)('model pack verification', () => {
  it('accepts a good single-file pack and a split encoder/decoder pack', async () => {
    const good = await verifyPack(writePack(models, root, { id: 'good', s: S }));
    expect(good.manifest.id).toBe('good');
    expect(good.onnxFiles.map((f) => f.role)).toEqual(['model']);
    const split = await verifyPack(writePack(models, root, { id: 'split', s: S, split: true }));
    expect(split.onnxFiles.map((f) => f.role)).toEqual(['encoder', 'decoder']);
  });

  it('refuses a wrong sha256', async () => {
    const dir = writePack(models, root, { id: 'bad-sha', s: S, mutate: (m) => ((m.files as { sha256: string }[])[0]!.sha256 = '0'.repeat(64)) });
    const e = await refusal(dir);
    expect(e.code).toBe('CORRUPT_INPUT');
    expect(e.message).toMatch(/sha256 mismatch for model\.onnx \(manifest 000000000000…, file [0-9a-f]{12}…\)/);
  });

  it('refuses a file changed after the manifest was written', async () => {
    const dir = writePack(models, root, { id: 'tampered', s: S });
    const f = path.join(dir, 'model.onnx');
    const bytes = readFileSync(f);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(f, bytes);
    expect((await refusal(dir)).message).toMatch(/sha256 mismatch for model\.onnx/);
  });

  it('refuses a missing file and a missing model card', async () => {
    const dir = writePack(models, root, { id: 'missing', s: S });
    rmSync(path.join(dir, 'model.onnx'));
    const e = await refusal(dir);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('model pack missing: file model.onnx listed in manifest.json is missing');
    const dir2 = writePack(models, root, { id: 'nocard', s: S });
    rmSync(path.join(dir2, 'MODEL_CARD.md'));
    expect((await refusal(dir2)).message).toBe('model pack nocard has no MODEL_CARD.md');
  });

  it('refuses ONNX inputs that do not match the manifest, naming the input', async () => {
    const cases: [string, RegExp][] = [
      ['bad-renamed.onnx', /input "image" declared in manifest\.json is not in the model \(model inputs: img, point_coords/],
      ['bad-dtype.onnx', /input "point_labels" is int64 in the model, float32 in manifest\.json/],
      ['bad-rank.onnx', /input "has_mask_input" has rank 2 \[1, 1\] in the model, rank 1 \[1\] in manifest\.json/],
      ['bad-size.onnx', /input "image" dimension 2 is 16 in the model, 32 in manifest\.json/],
    ];
    for (const [file, message] of cases) {
      const e = await refusal(writePack(models, root, { id: file.replace('.onnx', ''), s: S, modelFile: file }));
      expect(e.code, file).toBe('CORRUPT_INPUT');
      expect(e.message, file).toMatch(message);
    }
  });

  it('refuses a manifest that declares a dynamic dimension the model fixes, or an opset it does not import', async () => {
    const dyn = writePack(models, root, { id: 'dyn', s: S, mutate: (m) => ((m.onnx as { outputs: { shape: number[] }[] }).outputs[1]!.shape = [1, -1]) });
    expect((await refusal(dyn)).message).toMatch(/output "iou_predictions" dimension 1 is 1 in the model, dynamic in manifest\.json/);
    const op = writePack(models, root, { id: 'opset', s: S, mutate: (m) => ((m.onnx as { opset: number }).opset = 18) });
    expect((await refusal(op)).message).toMatch(/model\.onnx imports ONNX opset 17, manifest\.json says 18/);
  });

  it('refuses a manifest that fails the schema or is not JSON', async () => {
    const dir = writePack(models, root, { id: 'schema', s: S, mutate: (m) => delete m.licence });
    const e = await refusal(dir);
    expect(e.message).toMatch(/does not match the manifest schema: licence:/);
    writeFileSync(path.join(dir, 'manifest.json'), '{ "schemaVersion": 1,');
    expect((await refusal(dir)).message).toMatch(/manifest\.json of schema is not valid JSON/);
  });

  it('imports a folder and a zip into user data, lists them, and leaves nothing behind for a refused pack', async () => {
    const userData = mkdtempSync(path.join(os.tmpdir(), 'voxa-user-'));
    const builtin = mkdtempSync(path.join(os.tmpdir(), 'voxa-builtin-'));
    writePack(models, builtin, { id: 'shipped', s: S });
    const src = mkdtempSync(path.join(os.tmpdir(), 'voxa-src-'));
    const folder = writePack(models, src, { id: 'from-folder', s: S });
    const r = await importPack(folder, userData, { builtinDir: builtin });
    expect(r.id).toBe('from-folder');
    expect(existsSync(path.join(userData, 'models', 'from-folder', 'model.onnx'))).toBe(true);

    const zdir = writePack(models, src, { id: 'from-zip', s: S });
    const zip = zipSync({ 'pack/manifest.json': readFileSync(path.join(zdir, 'manifest.json')), 'pack/model.onnx': readFileSync(path.join(zdir, 'model.onnx')), 'pack/MODEL_CARD.md': readFileSync(path.join(zdir, 'MODEL_CARD.md')) });
    writeFileSync(path.join(src, 'p.zip'), zip);
    expect((await importPack(path.join(src, 'p.zip'), userData, { builtinDir: builtin })).id).toBe('from-zip');

    const evil = zipSync({ '../escape.txt': new Uint8Array(1) });
    writeFileSync(path.join(src, 'evil.zip'), evil);
    await expect(importPack(path.join(src, 'evil.zip'), userData, { builtinDir: builtin })).rejects.toThrow(/would unpack outside the pack folder/);

    const bad = writePack(models, src, { id: 'bad-import', s: S, mutate: (m) => ((m.files as { sha256: string }[])[0]!.sha256 = 'f'.repeat(64)) });
    await expect(importPack(bad, userData, { builtinDir: builtin })).rejects.toThrow(/sha256 mismatch/);
    await expect(importPack(folder, userData, { builtinDir: builtin })).rejects.toThrow(/already installed/);
    await expect(importPack(path.join(builtin, 'shipped'), userData, { builtinDir: builtin })).rejects.toThrow(/belongs to a built-in pack/);

    const list = await new ModelRegistry({ builtinDir: builtin, userData }).list();
    expect(list.map((e) => `${e.source}:${e.id}:${e.status}`)).toEqual(['builtin:shipped:ok', 'user:from-folder:ok', 'user:from-zip:ok', 'classical:classical:ok']);
    for (const d of [userData, builtin, src]) rmSync(d, { recursive: true, force: true });
  });
});
