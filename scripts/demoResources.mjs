// Puts the real demo patient (IBSI STS_008, CC BY 3.0) where the installer carries it:
// dist-resources/demo/STS_008/{CT,MR_T1}_{image,mask}.nii.gz + ATTRIBUTION.txt, packed by
// electron-builder's extraResources as resources/demo/STS_008, where the Electron shell looks on
// first start (main/app/electronShell.ts → realDemoSource). 1.7 MB; never committed.
//
//   node scripts/demoResources.mjs [--source DIR] [--out DIR]
// The source defaults to $VOXA_DEMO_SOURCE, else $VOXA_DATA_DIR (or ../shared/data)/training/ibsi_sts/STS_008.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PATIENT = 'STS_008';
export const DEMO_FILES = ['CT_image.nii.gz', 'CT_mask.nii.gz', 'MR_T1_image.nii.gz', 'MR_T1_mask.nii.gz'];
export const ATTRIBUTION =
  'Demo study: soft-tissue sarcoma, CT and MR T1 (IBSI STS_008)\nLicence: CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/)\n' +
  'IBSI soft-tissue-sarcoma validation set, based on the TCIA Soft-tissue-Sarcoma collection: Vallières M, Freeman CR, Skamene SR, El Naqa I (2015), The Cancer Imaging Archive, DOI 10.7937/K9/TCIA.2015.7GO2GSKS; Vallières M et al. (2015) Phys Med Biol 60(14):5471; Clark K et al. (2013) J Digit Imaging 26(6):1045.\n';

export function demoResources({ source, out }) {
  const missing = DEMO_FILES.filter((f) => !existsSync(path.join(source, f)));
  if (missing.length) throw new Error(`demo source ${source} lacks ${missing.join(', ')}: set VOXA_DEMO_SOURCE (or VOXA_DATA_DIR) to a folder holding IBSI ${DEMO_PATIENT}`);
  const dir = path.join(out, DEMO_PATIENT);
  mkdirSync(dir, { recursive: true });
  for (const f of DEMO_FILES) copyFileSync(path.join(source, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'ATTRIBUTION.txt'), ATTRIBUTION);
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  if (process.argv.includes('--help')) {
    console.log('usage: node scripts/demoResources.mjs [--source DIR] [--out DIR]   copy the demo patient for the installer');
    process.exit(0);
  }
  const data = process.env.VOXA_DATA_DIR ?? path.join(root, '..', 'shared', 'data');
  const source = arg('--source') ?? process.env.VOXA_DEMO_SOURCE ?? path.join(data, 'training', 'ibsi_sts', DEMO_PATIENT);
  const out = arg('--out') ?? path.join(root, 'dist-resources', 'demo');
  try {
    console.log(`demo patient for the installer: ${demoResources({ source, out })}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
