import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { ModelRegistry } from '../../services/inference/registry';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { loadVolume } from '../../services/io/volumeLoader';
import { measurementsFromMask, responseFromTimepoints, type MeasurementSource } from '../../services/tasks/measuredAnswers';
import { answerFromHeader, headerIntent } from '../../services/tasks/headerAnswers';
import { TaskService, type MaskInput } from '../../services/tasks/taskService';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { userDataDir } from './segment';

export const DEFAULT_VQA_MODEL = 'voxa-vqa';
const r = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export const vqaCommand: CliCommand = {
  name: 'vqa',
  usage: [
    'vqa <image> --question "…" [--model <id>] [--slice k] [--lesion n --mask <labelmap>] [--options a,b,…] [--timepoints <file.json>] [--user-data <dir>] [--json]',
    '    answers about the slice from a vqa pack; questions about size, volume, change or RECIST are answered from Voxa\'s measurements (of --mask, or --timepoints), marked "measured"; modality, study date and spacing from the image header, marked "from the image header"',
  ],
  async run(args, io) {
    const t0 = performance.now();
    const { positional, flags, has } = parseFlags(args, ['json']);
    const input = positional[0];
    if (!input) throw new UsageError('missing <image>');
    const question = flags.get('question')?.[0];
    if (!question) throw new UsageError('missing --question "…"');
    const modelId = flags.get('model')?.[0] ?? DEFAULT_VQA_MODEL;
    const sliceText = flags.get('slice')?.[0];
    const slice = sliceText === undefined ? undefined : Number(sliceText);
    if (slice !== undefined && !(Number.isInteger(slice) && slice >= 0)) throw new UsageError('--slice needs a non-negative integer');
    const lesionText = flags.get('lesion')?.[0];
    const lesion = lesionText === undefined ? undefined : Number(lesionText);
    if (lesion !== undefined && !(Number.isInteger(lesion) && lesion > 0)) throw new UsageError('--lesion needs a positive integer (the label in --mask)');
    const options = flags.get('options')?.[0]?.split(',').map((s) => s.trim()).filter(Boolean);
    let mask: MaskInput | undefined;
    const maskPath = flags.get('mask')?.[0];
    if (maskPath) {
      const m = await loadVolume(path.resolve(maskPath));
      mask = { geometry: m.geometry, voxels: m.voxels };
    }
    let timepoints: unknown = null;
    const tpPath = flags.get('timepoints')?.[0];
    if (tpPath) {
      try {
        timepoints = JSON.parse(await readFile(path.resolve(tpPath), 'utf8'));
      } catch (e) {
        throw new VoxaError('CORRUPT_INPUT', `${tpPath} is not readable JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    const lesions = mask ? measurementsFromMask(mask) : [];
    const response = timepoints ? responseFromTimepoints(timepoints) : null;
    const measurements: MeasurementSource = { lesions: () => lesions, response: () => response };
    const volume = await loadVolume(path.resolve(input));
    // Questions the image header answers (modality, date, spacing) are answered from it, as in the workstation.
    const field = headerIntent(question, volume.meta);
    if (field) {
      const h = answerFromHeader(field, volume, question.trim());
      if (has('json')) io.out(`${JSON.stringify({ question: question.trim(), ...h, timingsMs: { total: r(performance.now() - t0) } }, null, 2)}\n`);
      else io.out(`${h.answer ?? 'not in the header'} (from the image header${h.message ? `; ${h.message}` : ''})\n`);
      return 0;
    }
    const service = new TaskService({ registry: new ModelRegistry({ userData: userDataDir(flags.get('user-data')?.[0]) }) });
    try {
      const a = await service.vqa(volume, modelId, question, { ...(slice !== undefined ? { slice } : {}), ...(lesion !== undefined ? { lesion } : {}), ...(mask ? { mask } : {}), ...(options ? { options } : {}), measurements });
      const out =
        a.source === 'measured'
          ? { ...a, timingsMs: { total: r(performance.now() - t0) } }
          : {
              question: a.question,
              source: a.source,
              model: a.modelId,
              provider: a.provider,
              slice: a.slice,
              answerType: a.answerType,
              answer: a.answer,
              confidence: r(a.confidence, 4),
              alternatives: a.alternatives.map((x) => ({ answer: x.answer, probability: r(x.probability, 4) })),
              family: a.family,
              ...(a.unknownWords.length ? { unknownWords: a.unknownWords } : {}),
              ...(a.notInVocabulary.length ? { notInVocabulary: a.notInVocabulary } : {}),
              timingsMs: { loadModel: r(a.timings.loadMs), preprocess: r(a.timings.preprocessMs), model: r(a.timings.modelMs), query: r(a.timings.totalMs), total: r(performance.now() - t0) },
            };
      if (has('json')) io.out(`${JSON.stringify(out, null, 2)}\n`);
      else if (a.source === 'measured') io.out(`${a.answer ?? 'no measurement'} (measured by Voxa${a.message ? `; ${a.message}` : ''})\n`);
      else io.out(`${a.answer} (${(100 * a.confidence).toFixed(1)}%, ${a.answerType}; ${a.alternatives.slice(0, 3).map((x) => `${x.answer} ${(100 * x.probability).toFixed(1)}%`).join(', ')}) [${a.modelId}, slice ${a.slice}]\n`);
      return 0;
    } finally {
      await sharedInferenceClient().close();
    }
  },
};
