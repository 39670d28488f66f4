/**
 * How an open study is named on screen (viewport corner, the study list, export names): the
 * patient as patientLabel says (name, else "Patient <ID>"), and for an image that carries no
 * patient at all (most NIfTI and NRRD files) the name of its file, e.g. "IBSI STS_008 CT" where
 * every view of the demo said "Unnamed patient". Anonymise always gives "Patient" (a file name
 * can hold a patient's name).
 */
import { patientLabel } from '../../../common/patientLabel';

/** A file's name without its folder and its image extension; '' for a database series key (`series:<uid>`). */
export function fileStem(path: string): string {
  if (path.startsWith('series:')) return '';
  return (path.split(/[\\/]/).filter(Boolean).pop() ?? '').replace(/\.(nii\.gz|nii|nrrd|nhdr|mha|mhd|dcm)$/i, '');
}

/** True when the header names no patient (no name, no ID). */
export const hasNoPatient = (p: { patientName: string; patientId: string }) => !p.patientName.replace(/\^/g, '').trim() && !p.patientId.trim();

export function studyName(p: { patientName: string; patientId: string }, path: string | undefined, anonymise: boolean): string {
  const stem = path ? fileStem(path) : '';
  return !anonymise && hasNoPatient(p) && stem ? stem : patientLabel(p, anonymise);
}
