import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { modelAnswerSchema, vqaAnswerSchema } from '../../../common/contract/channels/tasks';
import type { VqaAnswer } from '../../../common/contract/channels/tasks';
import { AnswerView } from './VqaPanel';

const base = modelAnswerSchema.parse({
  source: 'model',
  question: 'Is there an abnormality in this image?',
  modelId: 'voxa-vqa',
  provider: 'cpu',
  scope: 'slice',
  answerType: 'yes/no',
  answer: 'yes',
  confidence: 0.62,
  alternatives: [{ answer: 'no', probability: 0.38 }],
  family: null,
  slice: 4,
  slices: [4],
  unknownWords: [],
  notInVocabulary: [],
  timingsMs: { loadModel: 0, preprocess: 1, model: 10, total: 12 },
});

const html = (answer: VqaAnswer) => renderToStaticMarkup(createElement(AnswerView, { answer }));

describe('VQA answer', () => {
  it('says "uncertain" beside the answer and its confidence when the calibrated pack marks it', () => {
    const out = html({ ...base, uncertain: true });
    expect(out).toMatch(/data-testid="vqa-confidence">62\.0%<\/span> <span class="badge uncertain" data-testid="vqa-uncertain"[^>]*>uncertain<\/span>/);
    expect(out).toContain('data-uncertain="true"');
  });
  it('shows no "uncertain" for a confident answer or a pack without calibration', () => {
    for (const a of [{ ...base, uncertain: false }, base]) expect(html(a)).not.toContain('uncertain<');
  });
  it('keeps the "from the header" and "measured" badges', () => {
    const known = { question: 'q', modelId: null, answer: 'CT', values: {} };
    expect(html(vqaAnswerSchema.parse({ ...known, source: 'header', field: 'modality' }))).toContain('from the header');
    expect(html(vqaAnswerSchema.parse({ ...known, source: 'measured', intent: 'size', measuredFrom: 'labelmap' }))).toContain('>measured<');
  });
});
