/**
 * Task runners for `embed`, `classify`, `vqa` and `regress` packs on the
 * inference engine: the same registry (schema, sha256 and ONNX interface
 * checks before any session), the same worker with execution-provider
 * fallback, and cancellation (an AbortSignal, and calls sharing a `key`
 * supersede each other, as segmentation does: main/services/jobs/jobRunner.ts).
 * What model outputs become (probabilities, pooled embeddings, a series
 * answer) is in taskOutputs.ts.
 *
 * Targets of a 2D model: one slice (default the middle one), a lesion (a crop
 * around its mask), or the series (whole slices spread over it; embeddings are
 * pooled as [mean ‖ max] over slices, so one slice with a finding still shows).
 */
import { VoxaError } from '../../../common/contract';
import type { Volume, VolumeGeometry } from '../../../common/volume';
import { ModelRegistry } from '../inference/registry';
import type { VerifiedPack } from '../inference/packVerify';
import { sharedInferenceClient, type InferenceClient } from '../inference/worker/inferenceClient';
import type { WireTensor } from '../inference/worker/protocol';
import { lesionInput, seriesInputs, seriesSliceIndices, sliceCount, sliceInput, type SliceInput } from './imageInput';
import { answerMeasured, measuredIntent, type MeasuredAnswer, type MeasurementSource } from './measuredAnswers';
import { taskConfig, type Slice2dPreprocessing, type TaskConfig } from './taskConfig';
import { VqaVocabs } from './vqaVocabs';
import { answerSpace, rankAnswers, tokenise, type AnswerType } from './vqaText';
import { volume3dInput } from './volumeInput';
import { activate, combineSeriesAnswers, poolMeanMax } from './taskOutputs';
import { throwIfCancelled } from '../jobs/cancelled';
import { JobRunner } from '../jobs/jobRunner';

export type MaskInput = { geometry: VolumeGeometry; voxels: ArrayLike<number> };
export type ImageTarget = { kind: 'slice'; slice?: number } | { kind: 'lesion'; mask: MaskInput; label?: number; slice?: number } | { kind: 'series' };

export interface RunInfo {
  modelId: string;
  provider: string;
  warm: boolean;
  timings: { loadMs: number; preprocessMs: number; modelMs: number; totalMs: number };
}

export interface EmbedResult extends RunInfo {
  scope: ImageTarget['kind'];
  slices: number[];
  /** One vector; for a series [mean ‖ max] over its slices. */
  embedding: number[];
}

export interface ClassifyResult extends RunInfo {
  scope: ImageTarget['kind'];
  slices: number[];
  /** Every label with its probability, best first. */
  scores: { label: string; probability: number }[];
  top: { label: string; probability: number };
  /** For few-shot probes: the encoder that made the embedding. */
  encoderId?: string;
}

export interface ModelAnswer extends RunInfo {
  source: 'model';
  question: string;
  answerType: AnswerType;
  answer: string;
  confidence: number;
  alternatives: { answer: string; probability: number }[];
  family: string | null;
  slice: number;
  /** Question words the model's vocabulary does not know (the answer is less reliable). */
  unknownWords: string[];
  notInVocabulary: string[];
  /** With a calibrated pack: the confidence is below its "uncertain" threshold. */
  uncertain?: boolean;
}

export type VqaResult = ModelAnswer | (MeasuredAnswer & { question: string; modelId: null });

export interface RegressResult extends RunInfo {
  value: number;
  unit: string;
  warnings: string[];
}

export interface TaskOptions {
  signal?: AbortSignal;
  key?: string;
}

function f32(data: Float32Array, dims: number[]): WireTensor {
  return { dtype: 'float32', dims, data };
}

export class TaskService {
  readonly registry: ModelRegistry;
  private readonly client: InferenceClient;
  /** Calls sharing a key supersede each other (main/services/jobs). */
  private readonly jobs = new JobRunner();
  private readonly vocabs = new VqaVocabs();

  constructor(opts: { registry?: ModelRegistry; client?: InferenceClient } = {}) {
    this.registry = opts.registry ?? new ModelRegistry();
    this.client = opts.client ?? sharedInferenceClient();
  }

  private supersede<T>(opts: TaskOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.jobs.start(opts.key ?? 'default', fn, { signal: opts.signal });
  }

  /** Resolves, checks the task and loads sessions (once per pack). */
  private async open(modelId: string, tasks: TaskConfig['task'][]): Promise<{ pack: VerifiedPack; cfg: TaskConfig; provider: string; warm: boolean; loadMs: number }> {
    const t0 = performance.now();
    const pack = await this.registry.resolve(modelId);
    if (!(tasks as string[]).includes(pack.manifest.task)) {
      throw new VoxaError('UNSUPPORTED', `model ${modelId} is a ${pack.manifest.task} model; this needs a ${tasks.join(' or ')} model`);
    }
    const cfg = taskConfig(pack.manifest);
    const loaded = await this.client.load(pack.dir, pack.onnxFiles.map((f) => f.path));
    return { pack, cfg, provider: loaded.provider, warm: loaded.cached, loadMs: performance.now() - t0 };
  }

  private inputs(volume: Volume, pre: Slice2dPreprocessing, target: ImageTarget): SliceInput[] {
    if (target.kind === 'series') return seriesInputs(volume, pre);
    if (target.kind === 'lesion') return [lesionInput(volume, target.mask, pre, target.label, target.slice)];
    return [sliceInput(volume, pre, target.slice)];
  }

  /** Runs a 2D image model on a batch of inputs; returns the first output, [batch, n]. */
  private async runImages(pack: VerifiedPack, pre: Slice2dPreprocessing, inputs: SliceInput[], signal: AbortSignal, extra: Record<string, WireTensor> = {}): Promise<{ rows: Float32Array[]; modelMs: number }> {
    const s = pre.sizePx;
    const batch = new Float32Array(inputs.length * s * s);
    inputs.forEach((inp, n) => batch.set(inp.data, n * s * s));
    const outName = pack.manifest.onnx.outputs[0]?.name ?? '';
    const { outputs, runMs } = await this.client.run(pack.dir, { image: f32(batch, [inputs.length, 1, s, s]), ...extra }, signal);
    const out = outputs[outName];
    if (!out || !(out.data instanceof Float32Array)) throw new VoxaError('CORRUPT_INPUT', `model ${pack.manifest.id} gave no float output "${outName}"`);
    const width = out.data.length / inputs.length;
    return { rows: inputs.map((_, n) => (out.data as Float32Array).slice(n * width, (n + 1) * width)), modelMs: runMs };
  }

  async embed(volume: Volume, modelId: string, target: ImageTarget, opts: TaskOptions = {}): Promise<EmbedResult> {
    return this.supersede(opts, async (signal) => {
      const t0 = performance.now();
      const o = await this.open(modelId, ['embed']);
      if (o.cfg.task !== 'embed') throw new VoxaError('INTERNAL', 'unexpected task');
      const tp = performance.now();
      const inputs = this.inputs(volume, o.cfg.pre, target);
      const preprocessMs = performance.now() - tp;
      const { rows, modelMs } = await this.runImages(o.pack, o.cfg.pre, inputs, signal);
      return {
        modelId,
        provider: o.provider,
        warm: o.warm,
        scope: target.kind,
        slices: inputs.map((i) => i.slice),
        embedding: target.kind === 'series' ? poolMeanMax(rows) : Array.from(rows[0] as Float32Array),
        timings: { loadMs: o.loadMs, preprocessMs, modelMs, totalMs: performance.now() - t0 },
      };
    });
  }

  async classify(volume: Volume, modelId: string, target: ImageTarget, opts: TaskOptions = {}): Promise<ClassifyResult> {
    return this.supersede(opts, async (signal) => {
      const t0 = performance.now();
      const o = await this.open(modelId, ['classify']);
      if (o.cfg.task !== 'classify') throw new VoxaError('INTERNAL', 'unexpected task');
      const labels = o.pack.manifest.labels;
      const post = o.cfg.post;
      let logits: Float32Array;
      let slices: number[];
      let preprocessMs = 0;
      let modelMs = 0;
      let encoderId: string | undefined;
      if (o.cfg.pre.input === 'embedding') {
        // A few-shot probe: embed with its encoder (same scope as when it was trained), then the probe.
        const pre = o.cfg.pre;
        encoderId = pre.encoder;
        const scopeTarget: ImageTarget = pre.scope === 'series' ? { kind: 'series' } : target.kind === 'series' ? { kind: 'slice' } : target;
        if (pre.scope === 'lesion' && target.kind !== 'lesion') throw new VoxaError('BAD_REQUEST', `model ${modelId} was trained on lesions: give a lesion mask (--mask)`);
        if (pre.scope === 'slice' && target.kind === 'lesion') throw new VoxaError('BAD_REQUEST', `model ${modelId} was trained on whole slices, not lesion crops`);
        const e = await this.embed(volume, pre.encoder, scopeTarget, { signal, key: `${opts.key ?? 'default'}:encoder` });
        const dim = o.pack.manifest.onnx.inputs[0]?.shape[1];
        if (dim !== undefined && dim !== -1 && dim !== e.embedding.length) {
          throw new VoxaError('CORRUPT_INPUT', `model ${modelId} takes ${dim}-float embeddings; encoder ${pre.encoder} gives ${e.embedding.length}`);
        }
        const { outputs, runMs } = await this.client.run(o.pack.dir, { embedding: f32(Float32Array.from(e.embedding), [1, e.embedding.length]) }, signal);
        const out = Object.values(outputs)[0];
        if (!out || !(out.data instanceof Float32Array)) throw new VoxaError('CORRUPT_INPUT', `model ${modelId} gave no float output`);
        logits = out.data;
        slices = e.slices;
        preprocessMs = e.timings.preprocessMs;
        modelMs = e.timings.modelMs + runMs;
      } else {
        const tp = performance.now();
        const inputs = this.inputs(volume, o.cfg.pre, target);
        preprocessMs = performance.now() - tp;
        const r = await this.runImages(o.pack, o.cfg.pre, inputs, signal);
        modelMs = r.modelMs;
        slices = inputs.map((i) => i.slice);
        // A series: the mean of the per-slice probabilities.
        const probs = r.rows.map((row) => activate(row, post));
        logits = new Float32Array(0);
        const mean = (probs[0] as number[]).map((_, c) => probs.reduce((a, p) => a + (p[c] as number), 0) / probs.length);
        return this.finishClassify(modelId, o, labels, mean, target.kind, slices, { preprocessMs, modelMs }, t0);
      }
      return this.finishClassify(modelId, o, labels, activate(logits, post), target.kind, slices, { preprocessMs, modelMs }, t0, encoderId);
    });
  }

  private finishClassify(
    modelId: string,
    o: { provider: string; warm: boolean; loadMs: number },
    labels: string[],
    probs: number[],
    scope: ImageTarget['kind'],
    slices: number[],
    t: { preprocessMs: number; modelMs: number },
    t0: number,
    encoderId?: string,
  ): ClassifyResult {
    const names = probs.length === labels.length ? labels : probs.map((_, n) => labels[n] ?? `class ${n}`);
    const scores = probs.map((p, n) => ({ label: names[n] as string, probability: p })).sort((a, b) => b.probability - a.probability);
    return {
      modelId,
      provider: o.provider,
      warm: o.warm,
      scope,
      slices,
      scores,
      top: scores[0] as { label: string; probability: number },
      ...(encoderId ? { encoderId } : {}),
      timings: { loadMs: o.loadMs, preprocessMs: t.preprocessMs, modelMs: t.modelMs, totalMs: performance.now() - t0 },
    };
  }

  /** Suggested questions of a VQA pack (chips in the UI). */
  async suggestedQuestions(modelId: string): Promise<string[]> {
    const pack = await this.registry.resolve(modelId);
    const cfg = taskConfig(pack.manifest);
    if (cfg.task !== 'vqa') throw new VoxaError('UNSUPPORTED', `model ${modelId} is not a vqa model`);
    return (await this.vocabs.load(pack, cfg.pre.question.vocab)).suggestedQuestions;
  }

  /**
   * Answers a question about a slice. Questions about measurements go to
   * `measurements` and are marked `source: "measured"`; the rest go to the
   * model. `lesion` picks the lesion for measured questions and, with a mask,
   * the slice where that lesion is largest.
   */
  async vqa(
    volume: Volume,
    modelId: string,
    question: string,
    req: { slice?: number; lesion?: number; mask?: MaskInput; options?: string[]; measurements?: MeasurementSource | null } = {},
    opts: TaskOptions = {},
  ): Promise<VqaResult> {
    const q = question.trim();
    if (!q) throw new VoxaError('BAD_REQUEST', 'the question is empty');
    if (q.length > 500) throw new VoxaError('BAD_REQUEST', 'the question is longer than 500 characters');
    const intent = measuredIntent(q);
    if (intent) return { ...answerMeasured(intent, req.measurements ?? null, req.lesion), question: q, modelId: null };
    return this.supersede(opts, async (signal) => {
      const t0 = performance.now();
      const o = await this.open(modelId, ['vqa']);
      if (o.cfg.task !== 'vqa') throw new VoxaError('INTERNAL', 'unexpected task');
      const vocab = await this.vocabs.load(o.pack, o.cfg.pre.question.vocab);
      if (vocab.maxTokens !== o.cfg.pre.question.maxTokens) throw new VoxaError('CORRUPT_INPUT', `model pack ${modelId}: vocab maxTokens ${vocab.maxTokens} ≠ preprocessing ${o.cfg.pre.question.maxTokens}`);
      const tp = performance.now();
      let input: SliceInput;
      if (req.slice === undefined && req.lesion !== undefined && req.mask) {
        // The whole slice where the lesion is largest (the model was trained on whole slices).
        const at = lesionInput(volume, req.mask, o.cfg.pre, req.lesion);
        input = sliceInput(volume, o.cfg.pre, at.slice);
      } else input = sliceInput(volume, o.cfg.pre, req.slice);
      const { ids, unknown } = tokenise(q, vocab);
      const preprocessMs = performance.now() - tp;
      const { rows, modelMs } = await this.runImages(o.pack, o.cfg.pre, [input], signal, { question: { dtype: 'int64', dims: [1, vocab.maxTokens], data: ids } });
      const logits = rows[0] as Float32Array;
      if (logits.length !== vocab.answers.length) throw new VoxaError('CORRUPT_INPUT', `model ${modelId} scores ${logits.length} answers, its vocabulary lists ${vocab.answers.length}`);
      const space = answerSpace(q, vocab.answers, req.options);
      if (space.allowed.length === 0) throw new VoxaError('BAD_REQUEST', `none of the offered options (${(req.options ?? []).join(', ')}) is an answer this model knows (${vocab.answers.join(', ')})`);
      const familyOf = (answer: string) => (space.type === 'yes/no' ? null : (Object.entries(vocab.families).find(([, f]) => f.answers.includes(answer))?.[0] ?? null));
      const family = familyOf((rankAnswers(logits, vocab.answers, space.allowed)[0] as { answer: string }).answer);
      // Calibrated packs: the probabilities of the answer's family, temperature-scaled.
      const cal = o.cfg.post.calibration;
      const ranked = rankAnswers(logits, vocab.answers, space.allowed, cal?.temperature[family ?? 'yes/no'] ?? 1);
      const best = ranked[0] as { answer: string; probability: number };
      return {
        source: 'model',
        modelId,
        provider: o.provider,
        warm: o.warm,
        question: q,
        answerType: space.type,
        answer: best.answer,
        confidence: best.probability,
        alternatives: ranked.slice(1),
        family,
        ...(cal ? { uncertain: best.probability < cal.uncertainBelow } : {}),
        slice: input.slice,
        unknownWords: unknown,
        notInVocabulary: space.notInVocabulary,
        timings: { loadMs: o.loadMs, preprocessMs, modelMs, totalMs: performance.now() - t0 },
      };
    });
  }

  /**
   * A question about the whole series: the model answers on evenly spaced slices
   * (at most `maxSlices`). Yes/no: "yes" when any slice says so (P(yes) = the
   * largest over slices, and that slice is reported); other types: the mean of
   * the per-slice distributions, reported on the slice most sure of the winner.
   */
  async vqaSeries(volume: Volume, modelId: string, question: string, req: { options?: string[]; maxSlices?: number } = {}, opts: TaskOptions = {}): Promise<ModelAnswer & { slices: number[] }> {
    const pre = await this.slicePreprocessing(modelId);
    const picks = seriesSliceIndices(sliceCount(volume, pre), req.maxSlices ?? 16);
    const t0 = performance.now();
    const answers: ModelAnswer[] = [];
    for (const k of picks) {
      throwIfCancelled(opts.signal, 'the question was cancelled');
      const a = await this.vqa(volume, modelId, question, { slice: k, ...(req.options ? { options: req.options } : {}) }, opts);
      if (a.source !== 'model') throw new VoxaError('INTERNAL', 'a measured question reached the series path');
      answers.push(a);
    }
    const first = answers[0];
    if (!first) throw new VoxaError('BAD_REQUEST', 'the series has no slice');
    const combined = combineSeriesAnswers(answers);
    const sum = (f: (a: ModelAnswer) => number) => answers.reduce((x, a) => x + f(a), 0);
    const threshold = await this.uncertainBelow(modelId);
    return {
      ...first,
      ...combined,
      ...(threshold !== null ? { uncertain: combined.confidence < threshold } : {}),
      slices: picks,
      timings: { loadMs: first.timings.loadMs, preprocessMs: sum((a) => a.timings.preprocessMs), modelMs: sum((a) => a.timings.modelMs), totalMs: performance.now() - t0 },
    };
  }

  /** A calibrated vqa pack's "uncertain" threshold; null without calibration. */
  private async uncertainBelow(modelId: string): Promise<number | null> {
    const cfg = taskConfig((await this.registry.resolve(modelId)).manifest);
    return cfg.task === 'vqa' ? (cfg.post.calibration?.uncertainBelow ?? null) : null;
  }

  /** The 2D preprocessing a pack's images follow (a few-shot probe: its encoder's). */
  async slicePreprocessing(modelId: string): Promise<Slice2dPreprocessing> {
    const pack = await this.registry.resolve(modelId);
    const cfg = taskConfig(pack.manifest);
    if (cfg.task === 'classify' && cfg.pre.input === 'embedding') return this.slicePreprocessing(cfg.pre.encoder);
    if (cfg.task === 'regress' || cfg.pre.input !== 'slice2d') throw new VoxaError('UNSUPPORTED', `model ${modelId} does not take 2D slices`);
    return cfg.pre;
  }

  /** Forgets a pack whose folder was rewritten (a retrained probe): its verification and its sessions. */
  async forgetPack(modelId: string, dir: string): Promise<void> {
    this.registry.forget(modelId);
    await this.client.release(dir).catch(() => undefined);
  }

  async regress(volume: Volume, modelId: string, opts: TaskOptions = {}): Promise<RegressResult> {
    return this.supersede(opts, async (signal) => {
      const t0 = performance.now();
      const o = await this.open(modelId, ['regress']);
      if (o.cfg.task !== 'regress') throw new VoxaError('INTERNAL', 'unexpected task');
      const tp = performance.now();
      const inp = volume3dInput(volume, o.cfg.pre);
      const preprocessMs = performance.now() - tp;
      const name = o.pack.manifest.onnx.inputs[0]?.name ?? 'volume';
      const [si, sj, sk] = o.cfg.pre.shape;
      const { outputs, runMs } = await this.client.run(o.pack.dir, { [name]: f32(inp.data, [1, 1, sk, sj, si]) }, signal);
      const out = Object.values(outputs)[0];
      if (!out || !(out.data instanceof Float32Array) || out.data.length < 1) throw new VoxaError('CORRUPT_INPUT', `model ${modelId} gave no float output`);
      const post = o.cfg.post;
      return {
        modelId,
        provider: o.provider,
        warm: o.warm,
        value: (out.data[0] as number) * post.scale + post.offset,
        unit: post.unit,
        warnings: inp.warnings,
        timings: { loadMs: o.loadMs, preprocessMs, modelMs: runMs, totalMs: performance.now() - t0 },
      };
    });
  }
}
