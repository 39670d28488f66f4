/**
 * Few-shot adaptation as a service: embed the tagged cases with an `embed`
 * pack, fit the probe (common/fewshot), and save it as a user `classify` pack
 * whose preprocessing names the encoder: `{ input: "embedding", encoder, scope }`.
 * Applying it is then an ordinary `classify` call (TaskService runs the encoder,
 * then the probe, and Platt-calibrates the score).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { checkCases, trainProbe, type FewShotProbe } from '../../../common/fewshot/fewShotProbe';
import type { Volume } from '../../../common/volume';
import { sha256File } from '../inference/packVerify';
import { userModelsDir } from '../inference/registry';
import { throwIfCancelled } from '../jobs/cancelled';
import { PROBE_OPSET, probeOnnx } from './probeOnnx';
import type { MaskInput, TaskService } from './taskService';

export interface FewShotCaseInput {
  /** Loads the case's image (called one at a time, so only one volume is held). */
  load: () => Promise<{ volume: Volume; mask?: MaskInput }>;
  positive: boolean;
  /** For lesion scope: the mask label of the lesion (any non-zero voxel without one). */
  label?: number;
  name?: string;
}

export interface FewShotTrainRequest {
  finding: string;
  packId: string;
  encoderId: string;
  scope: 'series' | 'slice' | 'lesion';
  userData: string;
  l2?: number;
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface FewShotTrainResult {
  packId: string;
  dir: string;
  probe: FewShotProbe;
  embedMs: number;
  fitMs: number;
}

function card(p: FewShotProbe, req: Pick<FewShotTrainRequest, 'finding' | 'packId' | 'scope'>, names: { name: string; positive: boolean }[]): string {
  const f = (v: number) => v.toFixed(3);
  return `# ${req.finding} (few-shot probe \`${req.packId}\`)

A linear probe trained in Voxa on ${p.counts.positive} positive and ${p.counts.negative} negative ${req.scope === 'series' ? 'series' : req.scope === 'lesion' ? 'lesions' : 'slices'}
tagged by the user, on embeddings of \`${p.encoderId}\` (${p.embeddingDim} floats${req.scope === 'series' ? ': mean ‖ max over the series\' slices' : ''}).
L2-regularised logistic regression (λ = ${p.l2} on standardised features); scores are Platt-calibrated on out-of-fold values.

## Cross-validated skill (on the training cases; no independent test set)

Stratified ${p.cv.k}-fold, repeated ${p.cv.repeats}×: AUROC **${f(p.cv.meanAuroc)} ± ${f(p.cv.sdAuroc)}** (sd over ${p.cv.k * p.cv.repeats} folds; min ${f(p.cv.minAuroc)}, max ${f(p.cv.maxAuroc)});
pooled out-of-fold AUROC ${f(p.cv.pooledAuroc)}.

With this few cases the spread is wide: treat the probe as a research aid and check it on new cases before relying on it.

## Cases

${names.map((n) => `- ${n.positive ? 'positive' : 'negative'}: ${n.name}`).join('\n')}
`;
}

/** Refuses a pack id that is malformed, built in, or (without `overwrite`) already a user pack. */
export function checkProbePackId(service: TaskService, req: { packId: string; userData: string; overwrite?: boolean }): string {
  if (!/^[a-z0-9-]+$/.test(req.packId)) throw new VoxaError('BAD_REQUEST', `pack id "${req.packId}" must match [a-z0-9-]+`);
  if (service.registry.isBuiltin(req.packId)) throw new VoxaError('BAD_REQUEST', `"${req.packId}" is a built-in pack; choose another id`);
  const dir = path.join(userModelsDir(req.userData), req.packId);
  if (existsSync(dir) && !req.overwrite) throw new VoxaError('BAD_REQUEST', `a user pack "${req.packId}" already exists (overwrite it explicitly)`);
  return dir;
}

export async function trainFewShot(service: TaskService, cases: FewShotCaseInput[], req: FewShotTrainRequest): Promise<FewShotTrainResult> {
  if (!req.finding.trim()) throw new VoxaError('BAD_REQUEST', 'name the finding');
  checkProbePackId(service, req);
  // Refuse before embedding anything when there are too few cases.
  checkCases(cases.map((c) => ({ positive: c.positive, embedding: [0] })));
  const t0 = performance.now();
  const embedded: { embedding: number[]; positive: boolean }[] = [];
  for (const [n, c] of cases.entries()) {
    throwIfCancelled(req.signal, 'few-shot training cancelled');
    const { volume, mask } = await c.load();
    if (req.scope === 'lesion' && !mask) throw new VoxaError('BAD_REQUEST', `case ${c.name ?? n + 1} has no lesion mask (lesion scope needs one per case)`);
    const target = req.scope === 'series' ? ({ kind: 'series' } as const) : req.scope === 'lesion' && mask ? ({ kind: 'lesion', mask, label: c.label } as const) : ({ kind: 'slice' } as const);
    const e = await service.embed(volume, req.encoderId, target, { signal: req.signal, key: 'fewshot' });
    embedded.push({ embedding: e.embedding, positive: c.positive });
    req.onProgress?.(n + 1, cases.length);
  }
  const embedMs = performance.now() - t0;
  const r = await fitAndSaveProbe(service, embedded.map((e, n) => ({ ...e, name: cases[n]?.name ?? `case ${n + 1}` })), req);
  return { ...r, embedMs };
}

/**
 * Fits the probe on embedded cases (refused below 4 per class) and saves it as
 * a user classify pack: written into a temporary folder, then renamed, so a
 * half-written pack never appears.
 */
export async function fitAndSaveProbe(
  service: TaskService,
  cases: { embedding: number[]; positive: boolean; name: string }[],
  req: Omit<FewShotTrainRequest, 'onProgress' | 'signal'>,
): Promise<Omit<FewShotTrainResult, 'embedMs'>> {
  if (!req.finding.trim()) throw new VoxaError('BAD_REQUEST', 'name the finding');
  const dir = checkProbePackId(service, req);
  const t1 = performance.now();
  const { cvDetail: _cv, ...probe } = trainProbe(cases, { finding: req.finding, encoderId: req.encoderId, ...(req.l2 ? { l2: req.l2 } : {}) });
  const fitMs = performance.now() - t1;

  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(path.join(tmp, 'probe.onnx'), probeOnnx(probe));
  await writeFile(path.join(tmp, 'probe.json'), JSON.stringify(probe, null, 2));
  await writeFile(path.join(tmp, 'MODEL_CARD.md'), card(probe, req, cases.map((c) => ({ name: c.name, positive: c.positive }))));
  const manifest = {
    schemaVersion: 1,
    id: req.packId,
    name: `${req.finding} (few-shot)`,
    version: '1',
    task: 'classify',
    licence: 'trained by the user in Voxa on their own cases',
    intendedUse: `Flags "${req.finding}" (few-shot probe on ${req.encoderId}). Research use; validate locally.`,
    files: [
      { path: 'probe.onnx', sha256: await sha256File(path.join(tmp, 'probe.onnx')), role: 'model' },
      { path: 'probe.json', sha256: await sha256File(path.join(tmp, 'probe.json')), role: 'head' },
    ],
    onnx: { opset: PROBE_OPSET, inputs: [{ name: 'embedding', dtype: 'float32', shape: [-1, probe.embeddingDim] }], outputs: [{ name: 'logit', dtype: 'float32', shape: [-1, 1] }] },
    preprocessing: { input: 'embedding', encoder: req.encoderId, scope: req.scope },
    postprocessing: { activation: 'platt', platt: probe.platt },
    labels: ['absent', req.finding],
  };
  await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { packId: req.packId, dir, probe, fitMs };
}
