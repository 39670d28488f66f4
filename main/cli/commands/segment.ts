import { DEFAULT_SEGMENT_MODEL_ID } from '../../../common/models/defaults';
import path from 'node:path';
import type { Vec3, Volume } from '../../../common/volume';
import { maskFromDelta } from '../../../common/labelmap/labelmapDelta';
import type { PlaneName } from '../../../common/segmentation/slicePlane';
import { CLASSICAL_MODEL_ID, ModelRegistry } from '../../services/inference/registry';
import { SegmentationService, type PromptPoint, type SegmentRequest } from '../../services/inference/segmentService';
import { sharedInferenceClient } from '../../services/inference/worker/inferenceClient';
import { loadVolume } from '../../services/io/volumeLoader';
import { writeNifti } from '../../services/io/niftiWriter';
import { parseFlags, UsageError, type CliCommand } from '../command';
import { readPromptSequence, runPromptSequence } from './promptSequence';

function numbers(flag: string, v: string, n: number): number[] {
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length !== n || parts.some((p) => !Number.isFinite(p))) throw new UsageError(`--${flag} needs ${n} comma-separated numbers, got "${v}"`);
  return parts;
}

export function userDataDir(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.VOXA_USER_DATA ?? '.voxa-data');
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export const segmentCommand: CliCommand = {
  name: 'segment',
  usage: [
    'segment <image> --point x,y,z [--point ...] [--negative x,y,z ...] [--box x1,y1,x2,y2,z] [--model <id>|classical] --out <mask.nii.gz> [--json]   one click → 3D mask (LPS mm)',
    'segment <image> --voxel i,j,k [--negative-voxel i,j,k ...] [--box-voxel i1,j1,i2,j2,k] [--plane axial|coronal|sagittal] [--user-data <dir>] ...   the same with voxel indices',
    'segment <image> --prompts <sequence.json> [--model <id>] --out <mask.nii.gz> [--json]   a whole prompt sequence (clicks, negatives, a box, then corrections) replayed as the UI does; see main/cli/commands/promptSequence.ts',
  ],
  async run(args, io) {
    const t0 = performance.now();
    const { positional, flags, has } = parseFlags(args, ['json']);
    const input = positional[0];
    if (!input) throw new UsageError('missing <image>');
    const out = flags.get('out')?.[0];
    if (!out) throw new UsageError('missing --out <mask.nii.gz>');
    if (!/\.nii(\.gz)?$/i.test(out)) throw new UsageError('--out must end in .nii or .nii.gz');
    const promptsFile = flags.get('prompts')?.[0];
    const sequence = promptsFile ? await readPromptSequence(path.resolve(promptsFile)) : null;
    const plane = (flags.get('plane')?.[0] ?? sequence?.plane ?? 'axial') as PlaneName;
    if (!['axial', 'coronal', 'sagittal'].includes(plane)) throw new UsageError('--plane takes axial, coronal or sagittal');
    const points: PromptPoint[] = [
      ...(flags.get('point') ?? []).map((v) => ({ lps: numbers('point', v, 3) as Vec3, positive: true })),
      ...(flags.get('voxel') ?? []).map((v) => ({ ijk: numbers('voxel', v, 3) as Vec3, positive: true })),
      ...(flags.get('negative') ?? []).map((v) => ({ lps: numbers('negative', v, 3) as Vec3, positive: false })),
      ...(flags.get('negative-voxel') ?? []).map((v) => ({ ijk: numbers('negative-voxel', v, 3) as Vec3, positive: false })),
    ];
    let box: SegmentRequest['box'];
    const boxText = flags.get('box')?.[0];
    const boxVoxel = flags.get('box-voxel')?.[0];
    if (boxText) {
      const [x1, y1, x2, y2, z] = numbers('box', boxText, 5) as [number, number, number, number, number];
      box = { a: { lps: [x1, y1, z] }, b: { lps: [x2, y2, z] } };
    } else if (boxVoxel) {
      const [i1, j1, i2, j2, k] = numbers('box-voxel', boxVoxel, 5) as [number, number, number, number, number];
      box = { a: { ijk: [i1, j1, k] }, b: { ijk: [i2, j2, k] } };
    }
    if (sequence && (points.length > 0 || box)) throw new UsageError('--prompts holds the whole sequence: give no --point, --voxel, --negative or --box with it');
    if (!sequence && !points.some((p) => p.positive) && !box) throw new UsageError('give a positive prompt: --point, --voxel, --box or --box-voxel (or a sequence with --prompts)');

    const registry = new ModelRegistry({ userData: userDataDir(flags.get('user-data')?.[0]) });
    let modelId = flags.get('model')?.[0] ?? sequence?.model;
    let note: string | undefined;
    if (!modelId) {
      const entry = (await registry.list()).find((e) => e.id === DEFAULT_SEGMENT_MODEL_ID && e.status === 'ok');
      modelId = entry ? DEFAULT_SEGMENT_MODEL_ID : CLASSICAL_MODEL_ID;
      if (!entry) note = `${DEFAULT_SEGMENT_MODEL_ID} is not installed; used the classical fallback`;
    }

    const tLoad = performance.now();
    const volume = await loadVolume(path.resolve(input));
    const loadImageMs = performance.now() - tLoad;
    const service = new SegmentationService({ registry });
    try {
      if (sequence) {
        const r = await runPromptSequence(volume, sequence, modelId, service);
        const mask: Volume = { geometry: volume.geometry, dtype: 'uint8', voxels: r.mask, meta: { ...volume.meta, description: `Voxa ${modelId} segmentation`, warnings: [] } };
        await writeNifti(mask, path.resolve(out));
        const sp = volume.geometry.spacingMm;
        const voxels = r.mask.reduce((a, v) => a + v, 0);
        const result = { image: input, out, model: modelId, ...(note ? { note } : {}), provider: r.provider, voxelCount: voxels, volumeMl: round((voxels * sp[0] * sp[1] * sp[2]) / 1000, 3), steps: r.steps.map((s) => ({ voxels: s.voxels, ms: round(s.ms) })), timingsMs: { loadImage: round(loadImageMs), total: round(performance.now() - t0) } };
        if (has('json')) io.out(`${JSON.stringify(result, null, 2)}\n`);
        else io.out(`${out}: ${voxels} voxels, ${result.volumeMl} mL after ${r.steps.length} prompt steps (${modelId} on ${r.provider}); voxels per step ${r.steps.map((s) => s.voxels).join(' → ')}\n`);
        return 0;
      }
      const r = await service.segment(volume, { modelId, plane, points, box });
      const tWrite = performance.now();
      const mask: Volume = {
        geometry: volume.geometry,
        dtype: 'uint8',
        voxels: maskFromDelta(r.delta),
        meta: { ...volume.meta, description: `Voxa ${modelId} segmentation`, warnings: [] },
      };
      await writeNifti(mask, path.resolve(out));
      const writeMs = performance.now() - tWrite;
      const result = {
        image: input,
        out,
        model: modelId,
        ...(note ? { note } : {}),
        provider: r.provider,
        warmSession: r.warm,
        voxelCount: r.voxelCount,
        volumeMl: round(r.volumeMl, 3),
        slicesSpanned: r.slicesSpanned,
        sliceSteps: r.steps.length,
        stops: r.stops,
        timingsMs: {
          loadImage: round(loadImageMs),
          loadModel: round(r.timings.loadMs),
          preprocess: round(r.timings.preprocessMs),
          model: round(r.timings.modelMs),
          postprocess: round(r.timings.postprocessMs),
          segmentTotal: round(r.timings.totalMs),
          writeMask: round(writeMs),
          total: round(performance.now() - t0),
        },
        perSliceModelMs: round(r.perSliceModelMs, 2),
        ...(r.fusion ? { fusion: { used: r.fusion.used, agreement: round(r.fusion.agreement, 3) } } : {}),
      };
      if (has('json')) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else {
        io.out(
          [
            `${out}: ${r.voxelCount} voxels, ${result.volumeMl} mL, ${r.slicesSpanned} slices (${modelId} on ${r.provider})`,
            ...(note ? [`  note: ${note}`] : []),
            ...(r.fusion ? [`  fusion: the ${r.fusion.used === 'classical' ? "classical region (it agrees with the model's mask" : "model's mask (the classical region disagrees"}, Dice ${round(r.fusion.agreement, 2)})`] : []),
            `  time: ${result.timingsMs.total} ms total (image ${result.timingsMs.loadImage}, model load ${result.timingsMs.loadModel}, model ${result.timingsMs.model} in ${r.steps.length} slice steps, ${result.perSliceModelMs} ms each)`,
            '',
          ].join('\n'),
        );
      }
      return 0;
    } finally {
      await sharedInferenceClient().close();
    }
  },
};
