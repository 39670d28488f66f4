/**
 * The export field's default: a folder and a readable file name.
 * Name: the patient as the screen shows them (patientLabel, so the Anonymise
 * toggle gives "Patient") and the series description, else its modality, e.g.
 * "PACS TEST – test series 1 seg.dcm"; an image with no patient name or ID
 * (most NIfTI files) is named after its file instead. Folder: beside the opened
 * file or folder; a series opened from the study database has only the key
 * `series:<uid>`, so its exports go to the Exports folder the services grant.
 */
import { fileStem, studyName } from '../state/studyName';

/** Characters Windows, macOS or Linux refuse in a file name, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|]+/g;

/** `text` as one file-name component: unsafe characters to spaces, runs of spaces collapsed, no leading or trailing dots or spaces, at most `max` characters. */
export function safeFileName(text: string, max = 120): string {
  const s = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  return s.slice(0, max).trim();
}

export interface NamedStudy {
  patientName: string;
  patientId: string;
  description: string;
  modality: string;
}

/** The default file name of a segmentation export of `study`, opened from `studyPath`. */
export function exportFileName(study: NamedStudy, studyPath: string, format: 'dicom-seg' | 'nifti', anonymise: boolean): string {
  const ext = format === 'nifti' ? '.nii.gz' : '.dcm';
  const what = study.description.trim() || study.modality;
  const who = studyName(study, studyPath, anonymise);
  const base = safeFileName(who === fileStem(studyPath) || !what ? who : `${who} – ${what}`) || 'segmentation';
  return `${base} seg${ext}`;
}

/** The folder exports are offered in: beside the opened file or folder, the Exports folder for a database series (null when unknown). */
export function exportFolder(studyPath: string | undefined, exportsRoot: string | null): string | null {
  if (!studyPath) return exportsRoot;
  if (studyPath.startsWith('series:')) return exportsRoot;
  return studyPath.replace(/[\\/][^\\/]*[\\/]?$/, '') || exportsRoot;
}
