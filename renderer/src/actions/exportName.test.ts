import { describe, expect, it } from 'vitest';
import { exportFileName, exportFolder, safeFileName } from './exportName';

const pacs = { patientName: 'PACS^TEST', patientId: 'PT-1', description: 'test series 1', modality: 'CT' };

describe('default export name', () => {
  it('a database series: patient and series description, never the series UID', () => {
    const name = exportFileName(pacs, 'series:2.25.80123456789', 'dicom-seg', false);
    expect(name).toBe('PACS TEST – test series 1 seg.dcm');
    expect(exportFileName(pacs, 'series:2.25.80123456789', 'nifti', false)).toBe('PACS TEST – test series 1 seg.nii.gz');
  });
  it('honours Anonymise: no name in the file name', () => {
    expect(exportFileName(pacs, 'series:2.25.1', 'dicom-seg', true)).toBe('Patient – test series 1 seg.dcm');
  });
  it('the modality when there is no description', () => {
    expect(exportFileName({ ...pacs, description: '  ' }, '/d/ct', 'dicom-seg', false)).toBe('PACS TEST – CT seg.dcm');
  });
  it('a NIfTI file without patient: named after the file', () => {
    expect(exportFileName({ patientName: '', patientId: '', description: '', modality: 'CT' }, '/data/torso/example_ct.nii.gz', 'nifti', false)).toBe('example_ct seg.nii.gz');
  });
  it('characters a file system refuses are removed', () => {
    expect(exportFileName({ ...pacs, patientName: 'O"Brien^J/K', description: 'AX T1: post*C <3mm>' }, 'series:1', 'nifti', false)).toBe('O Brien J K – AX T1 post C 3mm seg.nii.gz');
    expect(safeFileName('..\u0000 a\tb .')).toBe('a b');
  });
  it('folder: beside a file, the Exports folder for a database series', () => {
    expect(exportFolder('/data/torso/ct.nii.gz', '/u/exports')).toBe('/data/torso');
    expect(exportFolder('C:\\data\\ct', null)).toBe('C:\\data');
    expect(exportFolder('series:2.25.1', '/u/exports')).toBe('/u/exports');
    expect(exportFolder(undefined, null)).toBeNull();
  });
});
