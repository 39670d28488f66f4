import { describe, expect, it } from 'vitest';
import { fileStem, studyName } from './studyName';

const none = { patientName: '', patientId: '' };

describe('studyName', () => {
  it('an image without a patient (the demo NIfTI) is named after its file, not "Unnamed patient"', () => {
    expect(studyName(none, '/u/demo/IBSI STS_008 CT.nii.gz', false)).toBe('IBSI STS_008 CT');
    expect(studyName({ patientName: '^', patientId: ' ' }, 'C:\\d\\t1.nrrd', false)).toBe('t1');
  });
  it('the patient when the header has one; "Patient" when anonymised, never the file name', () => {
    expect(studyName({ patientName: 'DOE^JANE', patientId: '7' }, '/d/x.nii', false)).toBe('DOE JANE');
    expect(studyName({ patientName: '', patientId: '7' }, '/d/x.nii', false)).toBe('Patient 7');
    expect(studyName(none, '/d/Jane Doe.nii.gz', true)).toBe('Patient');
  });
  it('no file to name it after: "Unnamed patient" stays', () => {
    expect(studyName(none, 'series:2.25.1', false)).toBe('Unnamed patient');
    expect(studyName(none, undefined, false)).toBe('Unnamed patient');
    expect(fileStem('/d/ct_folder/')).toBe('ct_folder');
  });
});
