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
import { createTaskHandlers } from './taskHandlers';

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
