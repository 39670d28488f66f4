/**
 * The vocabulary files of VQA packs, read and checked once per file (a failed
 * read is forgotten, so a repaired pack is read again).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import type { VerifiedPack } from '../inference/packVerify';
import { vqaVocabSchema, type VqaVocab } from './taskConfig';

export class VqaVocabs {
  private readonly byFile = new Map<string, Promise<VqaVocab>>();

  load(pack: VerifiedPack, file: string): Promise<VqaVocab> {
    const key = path.join(pack.dir, file);
    let v = this.byFile.get(key);
    if (!v) {
      v = (async () => {
        // Listed in the manifest, so its sha256 was checked with the pack.
        let json: unknown;
        try {
          json = JSON.parse(await readFile(key, 'utf8'));
        } catch (e) {
          throw new VoxaError('CORRUPT_INPUT', `model pack ${pack.manifest.id}: ${file} is not readable JSON (${e instanceof Error ? e.message : String(e)})`);
        }
        const r = vqaVocabSchema.safeParse(json);
        if (!r.success) throw new VoxaError('CORRUPT_INPUT', `model pack ${pack.manifest.id}: ${file}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
        return r.data;
      })();
      this.byFile.set(key, v);
      v.catch(() => this.byFile.delete(key));
    }
    return v;
  }
}
