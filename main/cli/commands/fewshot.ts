import path from 'node:path';
import { ModelRegistry } from '../../services/inference/registry';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { loadVolume } from '../../services/io/volumeLoader';
import { trainFewShot, type FewShotCaseInput } from '../../services/tasks/fewShotService';
import { TaskService } from '../../services/tasks/taskService';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { userDataDir } from './segment';

const r = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;

/** `image` or `image::mask` or `image::mask::label`. */
function parseCase(spec: string, positive: boolean): FewShotCaseInput {
  const [image, mask, label] = spec.split('::');
  if (!image) throw new UsageError(`empty case "${spec}"`);
  const lab = label === undefined ? undefined : Number(label);
  if (lab !== undefined && !(Number.isInteger(lab) && lab > 0)) throw new UsageError(`case "${spec}": the label after the second :: must be a positive integer`);
  return {
    positive,
    name: path.basename(image),
    ...(lab !== undefined ? { label: lab } : {}),
    load: async () => {
      const volume = await loadVolume(path.resolve(image));
      if (!mask) return { volume };
      const m = await loadVolume(path.resolve(mask));
      return { volume, mask: { geometry: m.geometry, voxels: m.voxels } };
    },
  };
}

export const fewshotCommand: CliCommand = {
  name: 'fewshot',
  usage: [
    'fewshot <pack-id> --finding "<name>" --pos <image>[::mask[::label]] … --neg <image>… [--scope series|slice|lesion] [--encoder voxa-encoder] [--overwrite] [--user-data <dir>] [--json]',
    '    teaches a new finding from ≥ 4 positive and ≥ 4 negative cases: embeds them, fits a probe, reports cross-validated AUROC ± sd, saves a user classify pack (apply with voxa classify --model <pack-id>)',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['json', 'overwrite']);
    const packId = positional[0];
    if (!packId) throw new UsageError('missing <pack-id>');
    const finding = flags.get('finding')?.[0];
    if (!finding) throw new UsageError('missing --finding "<name>"');
    const scope = (flags.get('scope')?.[0] ?? 'series') as 'series' | 'slice' | 'lesion';
    if (!['series', 'slice', 'lesion'].includes(scope)) throw new UsageError('--scope takes series, slice or lesion');
    const cases = [...(flags.get('pos') ?? []).map((s) => parseCase(s, true)), ...(flags.get('neg') ?? []).map((s) => parseCase(s, false))];
    const userData = userDataDir(flags.get('user-data')?.[0]);
    const service = new TaskService({ registry: new ModelRegistry({ userData }) });
    try {
      const res = await trainFewShot(service, cases, {
        finding,
        packId,
        encoderId: flags.get('encoder')?.[0] ?? 'voxa-encoder',
        scope,
        userData,
        overwrite: has('overwrite'),
        onProgress: (d, t) => io.err(`\rembedded ${d}/${t}${d === t ? '\n' : ''}`),
      });
      const cv = res.probe.cv;
      const out = {
        pack: res.packId,
        dir: res.dir,
        finding,
        encoder: res.probe.encoderId,
        cases: res.probe.counts,
        cvAuroc: { mean: r(cv.meanAuroc), sd: r(cv.sdAuroc), min: r(cv.minAuroc), max: r(cv.maxAuroc), pooled: r(cv.pooledAuroc), folds: cv.k, repeats: cv.repeats },
        timingsMs: { embed: Math.round(res.embedMs), fit: Math.round(res.fitMs) },
      };
      io.out(has('json') ? `${JSON.stringify(out, null, 2)}\n` : `${res.packId}: cross-validated AUROC ${out.cvAuroc.mean} ± ${out.cvAuroc.sd} (${cv.k}-fold × ${cv.repeats}; ${res.probe.counts.positive} positive, ${res.probe.counts.negative} negative) → ${res.dir}\n`);
      return 0;
    } finally {
      await sharedInferenceClient().close();
    }
  },
};
