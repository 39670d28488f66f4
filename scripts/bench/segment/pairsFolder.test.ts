import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPairs, splitExtension } from './pairsFolder';

describe('findPairs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'voxa-pairs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const touch = (...p: string[]) => {
    mkdirSync(path.join(dir, ...p.slice(0, -1)), { recursive: true });
    writeFileSync(path.join(dir, ...p), '');
  };
  touch('a_image.nrrd');
  touch('a_mask.nii.gz');
  touch('b.nii.gz');
  touch('b_mask.nii.gz');
  touch('c', 'image.nii.gz');
  touch('c', 'mask.nrrd');
  touch('d_image.nii.gz'); // no mask
  touch('e_mask.nii.gz'); // no image
  touch('f.nii.gz');
  touch('f_image.nii');
  touch('f_mask.nii'); // two images for f
  touch('g', 'image.nii.gz'); // pair folder without its mask
  touch('h_image', '0001.dcm'); // a DICOM folder as the image
  touch('h_mask.nii.gz');
  touch('README.md');
  touch('.hidden_mask.nii.gz');

  const got = findPairs(dir);

  it('pairs the three layouts, DICOM folders included', () => {
    expect(got.pairs.map((p) => [p.name, path.relative(dir, p.image), path.relative(dir, p.mask)])).toEqual([
      ['a', 'a_image.nrrd', 'a_mask.nii.gz'],
      ['b', 'b.nii.gz', 'b_mask.nii.gz'],
      ['c', path.join('c', 'image.nii.gz'), path.join('c', 'mask.nrrd')],
      ['h', 'h_image', 'h_mask.nii.gz'],
    ]);
  });

  it('names every file it cannot pair, and passes over documents', () => {
    expect(got.problems).toHaveLength(4);
    expect(got.problems.find((p) => p.startsWith('d_image.nii.gz'))).toMatch(/no mask/);
    expect(got.problems.find((p) => p.startsWith('e_mask.nii.gz'))).toMatch(/no image/);
    expect(got.problems.find((p) => p.includes('f_image.nii'))).toMatch(/more than one/);
    expect(got.problems.find((p) => p.startsWith('g/'))).toMatch(/0 mask/);
    expect(got.ignored).toEqual(['README.md']);
  });
});

describe('splitExtension', () => {
  it('keeps .nii.gz whole', () => {
    expect(splitExtension('x_mask.nii.gz')).toEqual({ stem: 'x_mask', ext: '.nii.gz' });
    expect(splitExtension('p.1_image.NRRD')).toEqual({ stem: 'p.1_image', ext: '.nrrd' });
    expect(splitExtension('DICOMDIR')).toEqual({ stem: 'DICOMDIR', ext: '' });
  });
});
