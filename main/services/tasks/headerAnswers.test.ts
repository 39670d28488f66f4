/**
 * Questions the image header answers never reach the VQA model: on a real CT
 * series "What is the imaging modality?" is "CT" (the model said "MR" at 90 %),
 * marked as from the header; the router's task:vqa channel answers it so.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../common/volume';
import type { CallContext } from '../../ipc/router';
import { PathGrants } from '../access/pathGrants';
import { loadVolume } from '../io/volumeLoader';
import { dataPath, HAS_DATA } from '../../testing/dataDir';
import { VolumeStore } from '../volumeStore';
import { answerFromHeader, headerIntent } from './headerAnswers';
import { measuredIntent } from './measuredAnswers';
import { createTaskHandlers } from '../../ipc/handlers/tasks';

const ctx = (): CallContext => ({ sender: { kind: 'internal' } as CallContext['sender'], emit: () => {}, signal: new AbortController().signal });

describe('questions the header answers', () => {
  it('recognises modality, date and spacing questions, and leaves image and measurement questions alone', () => {
    expect(headerIntent('What is the imaging modality?')).toBe('modality');
    expect(headerIntent('Is this an MRI?')).toBe('modality');
    expect(headerIntent('what kind of scan is this')).toBe('modality');
    expect(headerIntent('When was this scan taken?')).toBe('studyDate');
    expect(headerIntent('What is the slice thickness?')).toBe('sliceSpacing');
    expect(headerIntent('What is the pixel spacing?')).toBe('pixelSpacing');
    for (const q of ['Is there an abnormality?', 'Which organ is shown?', 'How big is the lesion?', 'Is this a liver lesion?']) expect(headerIntent(q), q).toBeNull();
    // The measured path keeps its questions.
    expect(measuredIntent('What is the slice thickness?')).toBe(null);
  });

  it('answers from the volume: modality (and yes/no about it), ISO date, spacing; says when the header lacks it', () => {
    const v = { geometry: { dimensions: [2, 2, 2], spacingMm: [0.7, 0.7, 2.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, meta: { modality: 'CT', studyDate: '20240117' } } as unknown as Volume;
    expect(answerFromHeader('modality', v, 'What is the imaging modality?').answer).toBe('CT');
    expect(answerFromHeader('modality', v, 'Is this an MRI?').answer).toBe('no');
    expect(answerFromHeader('modality', v, 'Is this a CT scan?').answer).toBe('yes');
    expect(answerFromHeader('studyDate', v, 'When was this scan taken?').answer).toBe('2024-01-17');
    expect(answerFromHeader('sliceSpacing', v, 'slice thickness?').answer).toBe('2.5 mm');
    expect(answerFromHeader('pixelSpacing', v, 'pixel spacing?').answer).toBe('0.7 mm × 0.7 mm');
    const bare = { ...v, meta: { modality: '', studyDate: '' } } as unknown as Volume;
    expect(answerFromHeader('modality', bare, 'modality?')).toMatchObject({ answer: null, message: expect.stringMatching(/does not say/) });
    expect(answerFromHeader('studyDate', bare, 'date of the scan?').answer).toBeNull();
  });

  it('body part and contrast come from the header only when it holds them; slice thickness is Slice Thickness when given', () => {
    const meta = { bodyPart: 'ABDOMEN', contrastAgent: '11 ml Omniscan' };
    expect(headerIntent('Which body part was scanned?', meta)).toBe('bodyPart');
    expect(headerIntent('What region is shown in this image?', meta)).toBe('bodyPart');
    expect(headerIntent('Was contrast given?', meta)).toBe('contrast');
    expect(headerIntent('Is this a contrast-enhanced scan?', meta)).toBe('contrast');
    expect(headerIntent('Which contrast agent was used?', meta)).toBe('contrast');
    // Without the header fields, the same questions go to the model (its region classifier, its image answer).
    expect(headerIntent('Which body part was scanned?', {})).toBeNull();
    expect(headerIntent('Was contrast given?')).toBeNull();
    // Not about contrast agents, and image questions stay with the model.
    expect(headerIntent('Is there low contrast between the lesion and the liver?', meta)).toBeNull();
    expect(headerIntent('Which organ is shown?', meta)).toBeNull();
    const v = { geometry: { dimensions: [2, 2, 2], spacingMm: [0.7, 0.7, 2.5], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, meta: { modality: 'MR', studyDate: '', sliceThicknessMm: 3, ...meta } } as unknown as Volume;
    expect(answerFromHeader('bodyPart', v, 'Which body part was scanned?').answer).toBe('abdomen');
    expect(answerFromHeader('contrast', v, 'Was contrast given?')).toMatchObject({ answer: 'yes', values: { contrastAgent: '11 ml Omniscan' } });
    expect(answerFromHeader('contrast', v, 'Which contrast agent was used?').answer).toBe('11 ml Omniscan');
    expect(answerFromHeader('sliceSpacing', v, 'What is the slice thickness?')).toMatchObject({ answer: '3 mm', message: expect.stringMatching(/2\.5 mm apart/) });
    expect(answerFromHeader('sliceSpacing', v, 'What is the slice spacing?').answer).toBe('2.5 mm');
  });

  it.skipIf(!HAS_DATA)('real headers: the Siemens MR (ABDOMEN, 11 ml Omniscan) and the GE CT_small (ISOVUE300/100) through task:vqa', async () => {
    const volumes = new VolumeStore();
    const h = createTaskHandlers({ grants: new PathGrants(), volumes, shell: { info: () => ({}) as never } }, { labelmap: () => null });
    const ask = async (file: string, question: string) => {
      const { volumeId } = volumes.add(await loadVolume(dataPath(file)), path.join('/x'));
      return h['task:vqa']({ volumeId, question, scope: { kind: 'slice', slice: 0 }, modelId: 'no-such-model' }, ctx());
    };
    expect(await ask('dicom_edge_cases/MR-SIEMENS-DICOM-WithOverlays.dcm', 'Which body part was examined?')).toMatchObject({ source: 'header', field: 'bodyPart', answer: 'abdomen' });
    expect(await ask('dicom_edge_cases/MR-SIEMENS-DICOM-WithOverlays.dcm', 'Was contrast given?')).toMatchObject({ source: 'header', field: 'contrast', answer: 'yes', values: { contrastAgent: '11 ml Omniscan' } });
    expect(await ask('dicom_ts_misc_pydicom/CT_small.dcm', 'Which contrast agent was used?')).toMatchObject({ source: 'header', answer: 'ISOVUE300/100' });
  });

  it.skipIf(!HAS_DATA)('task:vqa on a real CT series answers "CT", from the header, without a model', async () => {
    const volume = await loadVolume(dataPath('seg_dicom_liver_ct3slice_dcmqi', 'ct'));
    const volumes = new VolumeStore();
    const { volumeId } = volumes.add(volume, path.join('/x'));
    const h = createTaskHandlers({ grants: new PathGrants(), volumes, shell: { info: () => ({}) as never } }, { labelmap: () => null });
    const a = await h['task:vqa']({ volumeId, question: 'What is the imaging modality?', scope: { kind: 'slice', slice: 1 }, modelId: 'no-such-model' }, ctx());
    expect(a).toMatchObject({ source: 'header', field: 'modality', answer: 'CT', modelId: null });
    const d = await h['task:vqa']({ volumeId, question: 'When was this scan taken?', scope: { kind: 'slice', slice: 1 }, modelId: 'no-such-model' }, ctx());
    expect(d.source).toBe('header');
    expect(d.answer).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
