/**
 * Writes torso phantoms (CT + lesion labelmap, NIfTI) for the encoder and head recipes:
 *   npx tsx native-models/training/encoder/writePhantoms.ts <out-dir> <first-seed> <count>
 * Seeds ≥ 1000 are reserved for tests (main/services/tasks), so training never sees a test phantom.
 * Every third phantom has no lesions (negatives for the abnormality head).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Vec3 } from '../../../common/volume';
import { writeNifti } from '../../../main/services/io/niftiWriter';
import { generatePhantomLesions } from '../../../main/services/phantom/phantomLesions';
import { generateTorsoPhantom } from '../../../main/services/phantom/torsoPhantom';

async function main() {
  const [out, first, count] = process.argv.slice(2);
  if (!out || !first || !count) throw new Error('usage: writePhantoms.ts <out-dir> <first-seed> <count>');
  mkdirSync(out, { recursive: true });
  const spacingMm: Vec3 = [2, 2, 5];
  const dimensions: Vec3 = [192, 160, 60];
  for (let s = Number(first); s < Number(first) + Number(count); s++) {
    if (s >= 1000) throw new Error('seeds ≥ 1000 are test phantoms');
    const lesionCount = s % 3 === 0 ? 0 : 2 + (s % 4);
    const lesions = generatePhantomLesions({ seed: s, dimensions, spacingMm, oblique: s % 2 === 0, count: lesionCount });
    const p = generateTorsoPhantom({ dimensions, spacingMm, seed: s, lesions });
    await writeNifti(p.volume, path.join(out, `phantom_${s}_ct.nii.gz`));
    await writeNifti({ ...p.volume, dtype: 'uint8', voxels: p.labels }, path.join(out, `phantom_${s}_mask.nii.gz`));
    // Label n of the mask is lesions[n − 1].
    writeFileSync(path.join(out, `phantom_${s}_lesions.json`), JSON.stringify(lesions.map((l) => ({ name: l.name, organ: l.organ }))));
  }
}
void main();
