/** The bundled demo study: generated on first start, so the installer stays small. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeNifti } from '../io/niftiWriter';
import { generateTorsoPhantom } from './torsoPhantom';

export async function ensureDemoStudy(dir: string): Promise<string> {
  const file = path.join(dir, 'voxa-demo-torso-ct.nii.gz');
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  const phantom = generateTorsoPhantom({ seed: 7 });
  await writeNifti(phantom.volume, file);
  await writeNifti(
    { ...phantom.volume, dtype: 'uint8', voxels: phantom.labels, meta: { ...phantom.volume.meta, description: 'lesion labels' } },
    path.join(dir, 'voxa-demo-torso-ct.lesions.nii.gz'),
  );
  await writeFile(path.join(dir, 'voxa-demo-torso-ct.lesions.json'), `${JSON.stringify(phantom.lesions, null, 2)}\n`);
  return file;
}
