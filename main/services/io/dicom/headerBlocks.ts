/**
 * The header blocks every object Voxa writes shares: the patient and study
 * block (a series written from a volume, or a SEG/SR repeating its source's),
 * new UIDs (seeded or random), and the equipment and content date of the
 * objects derived from images (SEG, SR).
 */
import { hashedUid, randomUid, type NaturalDataset } from './part10';

/** Patient and General Study attributes a derived object (SEG, SR) repeats from its source. */
const PATIENT_STUDY_KEYWORDS = ['PatientName', 'PatientID', 'IssuerOfPatientID', 'PatientBirthDate', 'PatientSex', 'PatientAge', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'ReferringPhysicianName', 'StudyDescription'];

/** The source's patient and study attributes (those it has) and the study UID: the same study as the images it derives from. */
export function patientStudyOf(source: NaturalDataset, studyInstanceUid: string): NaturalDataset {
  const out: NaturalDataset = {};
  for (const key of PATIENT_STUDY_KEYWORDS) if (source[key] !== undefined) out[key] = source[key];
  out.StudyInstanceUID = studyInstanceUid;
  return out;
}

/** New UIDs, one per name: derived from `seed` (same seed, same UIDs: tests, reproducible exports), random without one. */
export function uidMaker(seed: string | undefined): (what: string) => string {
  return (what) => (seed !== undefined ? hashedUid(`${seed}|${what}`) : randomUid());
}

const pad = (n: number) => String(n).padStart(2, '0');

/** DICOM DA and TM values (UTC) of `now`. */
export function dicomDateTime(now: Date = new Date()): { date: string; time: string } {
  return {
    date: `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`,
    time: `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`,
  };
}

export interface DerivedObject {
  /** The source images' header (patient and study are copied from it) and study. */
  source: NaturalDataset;
  studyInstanceUid: string;
  sopClassUid: string;
  modality: string;
  seriesNumber: number;
  seriesDescription: string;
  uid: (what: string) => string;
  /** Content date and time (dicomDateTime). */
  date: string;
  time: string;
}

/**
 * The header of an object Voxa derives from images (SEG, SR): UTF-8, the
 * source's patient and study, a new series and instance, Voxa as the
 * equipment (General Equipment module), the content date.
 */
export function derivedObjectHeader(o: DerivedObject): NaturalDataset {
  return {
    SpecificCharacterSet: 'ISO_IR 192',
    ...patientStudyOf(o.source, o.studyInstanceUid),
    SOPClassUID: o.sopClassUid,
    SOPInstanceUID: o.uid('sop-instance'),
    Modality: o.modality,
    SeriesInstanceUID: o.uid('series'),
    SeriesNumber: String(o.seriesNumber),
    SeriesDescription: o.seriesDescription,
    Manufacturer: 'Voxa',
    ManufacturerModelName: 'Voxa workstation',
    SoftwareVersions: '0.1.0',
    InstanceNumber: '1',
    ContentDate: o.date,
    ContentTime: o.time,
  };
}
