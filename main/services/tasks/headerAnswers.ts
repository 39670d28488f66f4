/**
 * Questions whose answer is in the image's own header — modality, study date,
 * slice thickness and spacing, pixel spacing, and (when the DICOM header holds
 * them) body part examined and contrast agent — are answered from it and marked
 * `source: "header"`; they never reach a model (a CT asked "What is the
 * imaging modality?" was answered "MR" by the VQA model).
 */
import type { Volume, VolumeMeta } from '../../../common/volume';

export type HeaderField = 'modality' | 'studyDate' | 'sliceSpacing' | 'pixelSpacing' | 'bodyPart' | 'contrast';

const MODALITY_WORDS: Record<string, string[]> = {
  CT: ['ct', 'computed tomography', 'cat scan'],
  MR: ['mr', 'mri', 'magnetic resonance'],
  PT: ['pet', 'positron'],
  US: ['ultrasound', 'sonography', 'us'],
  CR: ['x-ray', 'xray', 'radiograph'],
};

const BODY_PART = /\b(body ?part|part of the body)\b|\b(what|which) (anatomical |body )?(region|area)\b.*\b(scanned|imaged|examined|covered|shown|this)\b/;
const CONTRAST = /\bcontrast[- ](enhanced|agent|medium|material|bolus)\b|\bcontrast (given|used|administered|injected)\b|\b(with|without|any|iv|intravenous|oral|was|is there)\b[^?]*\bcontrast\b(?! (between|of the|ratio))/;

/**
 * Which header field a question asks about, or null. Body part and contrast are the header's
 * only when it holds them (`meta`): otherwise the question goes on to the model.
 */
export function headerIntent(question: string, meta?: Pick<VolumeMeta, 'bodyPart' | 'contrastAgent'>): HeaderField | null {
  const q = question.toLowerCase();
  if (meta?.contrastAgent && CONTRAST.test(q)) return 'contrast';
  if (meta?.bodyPart && BODY_PART.test(q)) return 'bodyPart';
  if (/\bmodality\b|\bwhat (kind|type|sort) of (scan|image|imaging|study)\b|\b(is|was) (this|it) (an? )?(ct|mri?|pet|ultrasound|x-?ray|cat scan)( scan| image| study)?\s*\??$/.test(q)) return 'modality';
  if (/\bslice (thickness|spacing|interval|distance)\b|\bhow thick are the slices\b/.test(q)) return 'sliceSpacing';
  if (/\b(pixel|voxel) (spacing|size)\b|\bin-?plane resolution\b/.test(q)) return 'pixelSpacing';
  if (/\b(study|scan|exam|acquisition) date\b|\bwhen was (this|the|it) (scan|study|image|exam|acquired|taken|done)\b|\bdate of (the )?(scan|study|exam)\b/.test(q)) return 'studyDate';
  return null;
}

export interface HeaderAnswer {
  source: 'header';
  field: HeaderField;
  /** Null when the header does not hold it. */
  answer: string | null;
  values: Record<string, number | string | null>;
  message?: string;
}

const mm = (v: number) => `${Math.round(v * 100) / 100} mm`;

/** "YYYYMMDD" → "YYYY-MM-DD". */
const isoDate = (d: string) => (/^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d);

export function answerFromHeader(field: HeaderField, volume: Volume, question: string): HeaderAnswer {
  const sp = volume.geometry.spacingMm;
  if (field === 'modality') {
    const m = (volume.meta.modality || '').toUpperCase();
    if (!m || m === 'OT') return { source: 'header', field, answer: null, values: { modality: m || null }, message: 'the image header does not say which modality this is' };
    // "Is this an MRI?": yes or no from the header.
    const asked = Object.entries(MODALITY_WORDS).find(([, words]) => words.some((w) => new RegExp(`\\b(is|was) (this|it) (an? )?${w.replace('-', '-?')}\\b`).test(question.toLowerCase())));
    if (asked) return { source: 'header', field, answer: asked[0] === m ? 'yes' : 'no', values: { modality: m } };
    return { source: 'header', field, answer: m, values: { modality: m } };
  }
  if (field === 'studyDate') {
    const d = volume.meta.studyDate;
    return d ? { source: 'header', field, answer: isoDate(d), values: { studyDate: d } } : { source: 'header', field, answer: null, values: { studyDate: null }, message: 'the image header holds no study date' };
  }
  if (field === 'sliceSpacing') {
    const thickness = volume.meta.sliceThicknessMm;
    // Asked for thickness and the header has it: Slice Thickness; otherwise the spacing between slice centres.
    if (thickness !== undefined && /\bthick/.test(question.toLowerCase())) {
      return { source: 'header', field, answer: mm(thickness), values: { sliceThicknessMm: thickness, sliceSpacingMm: sp[2] }, ...(Math.abs(thickness - sp[2]) > 0.01 ? { message: `slices are ${mm(sp[2])} apart (centre to centre)` } : {}) };
    }
    return { source: 'header', field, answer: mm(sp[2]), values: { sliceSpacingMm: sp[2] }, message: 'the spacing between slice centres (from the image geometry); slice thickness can differ' };
  }
  if (field === 'bodyPart') {
    const part = volume.meta.bodyPart ?? '';
    return part ? { source: 'header', field, answer: part.toLowerCase().replace(/_/g, ' '), values: { bodyPartExamined: part } } : { source: 'header', field, answer: null, values: { bodyPartExamined: null }, message: 'the image header does not say which body part was examined' };
  }
  if (field === 'contrast') {
    const agent = volume.meta.contrastAgent ?? '';
    if (!agent) return { source: 'header', field, answer: null, values: { contrastAgent: null }, message: 'the image header does not record a contrast agent' };
    // "Which contrast agent?" gets the agent; a yes/no question gets yes, with the agent beside it.
    const which = /\b(which|what)\b/.test(question.toLowerCase());
    return { source: 'header', field, answer: which ? agent : 'yes', values: { contrastAgent: agent } };
  }
  return { source: 'header', field, answer: `${mm(sp[0])} × ${mm(sp[1])}`, values: { rowSpacingMm: sp[0], columnSpacingMm: sp[1] } };
}
