import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelRegistry } from '../../services/inference/registry';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { loadVolume } from '../../services/io/volumeLoader';
import { TaskService } from '../../services/tasks/taskService';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { targetFromFlags } from './classify';
import { userDataDir } from './segment';

const r = (v: number) => Math.round(v * 10) / 10;

export const embedCommand: CliCommand = {
  name: 'embed',
  usage: ['embed <image> --model <id> --out <file.json> [--slice k | --mask <mask> [--label n] | --series] [--user-data <dir>] [--json]   image embedding from an embed pack (series: mean ‖ max over slices)'],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json', 'series']);
    const input = positional[0];
    if (!input) throw new UsageError('missing <image>');
    const modelId = flags.get('model')?.[0] ?? 'voxa-encoder';
    const outFile = flags.get('out')?.[0];
    if (!outFile) throw new UsageError('missing --out <file.json>');
    const target = await targetFromFlags(flags, has);
    const volume = await loadVolume(path.resolve(input));
    const service = new TaskService({ registry: new ModelRegistry({ userData: userDataDir(flags.get('user-data')?.[0]) }) });
    try {
      const res = await service.embed(volume, modelId, target);
      const doc = { image: input, model: res.modelId, scope: res.scope, slices: res.slices, dim: res.embedding.length, embedding: res.embedding };
      await writeFile(path.resolve(outFile), `${JSON.stringify(doc)}\n`);
      const summary = { out: outFile, model: res.modelId, provider: res.provider, scope: res.scope, slices: res.slices.length, dim: res.embedding.length, timingsMs: { loadModel: r(res.timings.loadMs), preprocess: r(res.timings.preprocessMs), model: r(res.timings.modelMs), total: r(res.timings.totalMs) } };
      io.out(has('json') ? `${JSON.stringify(summary, null, 2)}\n` : `${outFile}: ${summary.dim} floats from ${summary.slices} slice(s) (${res.modelId} on ${res.provider}, ${summary.timingsMs.model} ms model)\n`);
      return 0;
    } finally {
      await sharedInferenceClient().close();
    }
  },
};
