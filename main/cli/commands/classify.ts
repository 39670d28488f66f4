import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelRegistry } from '../../services/inference/registry';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { loadVolume } from '../../services/io/volumeLoader';
import { TaskService, type ImageTarget } from '../../services/tasks/taskService';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { userDataDir } from './segment';

const r = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** `--slice k`, `--mask m [--label n]` or `--series` → an image target (default: the middle slice). */
export async function targetFromFlags(flags: Map<string, string[]>, has: (f: string) => boolean): Promise<ImageTarget> {
  const sliceText = flags.get('slice')?.[0];
  const maskPath = flags.get('mask')?.[0];
  const labelText = flags.get('label')?.[0];
  if ([sliceText !== undefined && !maskPath, !!maskPath, has('series')].filter(Boolean).length > 1) throw new UsageError('give one of --slice, --mask or --series');
  const slice = sliceText === undefined ? undefined : Number(sliceText);
  if (slice !== undefined && !(Number.isInteger(slice) && slice >= 0)) throw new UsageError('--slice needs a non-negative integer');
  const label = labelText === undefined ? undefined : Number(labelText);
  if (label !== undefined && !(Number.isInteger(label) && label > 0)) throw new UsageError('--label needs a positive integer');
  if (maskPath) {
    const mask = await loadVolume(path.resolve(maskPath));
    return { kind: 'lesion', mask: { geometry: mask.geometry, voxels: mask.voxels }, ...(label !== undefined ? { label } : {}), ...(slice !== undefined ? { slice } : {}) };
  }
  if (has('series')) return { kind: 'series' };
  return { kind: 'slice', ...(slice !== undefined ? { slice } : {}) };
}

export const classifyCommand: CliCommand = {
  name: 'classify',
  usage: ['classify <image> --model <id> [--slice k | --mask <mask> [--label n] | --series] [--user-data <dir>] [--json]   class probabilities from a classify pack (built-in head or few-shot probe)'],
  async run(args, io) {
    const t0 = performance.now();
    const { positional, flags, has } = parseFlags(args, ['json', 'series']);
    const input = positional[0];
    if (!input) throw new UsageError('missing <image>');
    const modelId = flags.get('model')?.[0];
    if (!modelId) throw new UsageError('missing --model <id> (voxa models list shows the classify packs)');
    const target = await targetFromFlags(flags, has);
    const tl = performance.now();
    const volume = await loadVolume(path.resolve(input));
    const loadImageMs = performance.now() - tl;
    const service = new TaskService({ registry: new ModelRegistry({ userData: userDataDir(flags.get('user-data')?.[0]) }) });
    try {
      const res = await service.classify(volume, modelId, target);
      const out = {
        image: input,
        model: res.modelId,
        ...(res.encoderId ? { encoder: res.encoderId } : {}),
        provider: res.provider,
        scope: res.scope,
        slices: res.scope === 'series' ? res.slices.length : res.slices,
        top: { label: res.top.label, probability: r(res.top.probability, 4) },
        scores: res.scores.map((s) => ({ label: s.label, probability: r(s.probability, 4) })),
        timingsMs: { loadImage: r(loadImageMs), loadModel: r(res.timings.loadMs), preprocess: r(res.timings.preprocessMs), model: r(res.timings.modelMs), total: r(performance.now() - t0) },
      };
      const outFile = flags.get('out')?.[0];
      if (outFile) await writeFile(path.resolve(outFile), `${JSON.stringify(out, null, 2)}\n`);
      if (has('json')) io.out(`${JSON.stringify(out, null, 2)}\n`);
      else io.out(`${out.top.label} (${(100 * out.top.probability).toFixed(1)}%) — ${out.scores.map((s) => `${s.label} ${(100 * s.probability).toFixed(1)}%`).join(', ')} [${res.modelId} on ${res.provider}, ${out.timingsMs.model} ms model]\n`);
      return 0;
    } finally {
      await sharedInferenceClient().close();
    }
  },
};
