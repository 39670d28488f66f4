/**
 * Inference worker thread: owns the onnxruntime-node sessions so that model
 * runs never block the thread that serves the UI. Sessions are created once per
 * model (first `load`) and reused; execution providers are tried in the order
 * given, the first that creates a session wins and is reported back.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ProviderAttempt, WireTensor, WorkerReply, WorkerRequest } from './protocol';

interface Loaded {
  sessions: ort.InferenceSession[];
  provider: string;
  attempts: ProviderAttempt[];
}

const models = new Map<string, Promise<Loaded>>();
// Probing a provider whose libraries are absent (CUDA on a machine without them) logs natively at error level; the attempts list reports it instead.
ort.env.logLevel = 'fatal';
const port = parentPort;

async function createAll(files: string[], provider: string, threads: number): Promise<ort.InferenceSession[]> {
  const sessions: ort.InferenceSession[] = [];
  try {
    for (const f of files) {
      sessions.push(
        await ort.InferenceSession.create(f, {
          executionProviders: [provider],
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          // Probing a provider that is not installed logs an error natively; the attempt list reports it instead.
          logSeverityLevel: 4,
        }),
      );
    }
    return sessions;
  } catch (e) {
    for (const s of sessions) await s.release();
    throw e;
  }
}

async function load(files: string[], providers: string[], threads: number): Promise<Loaded> {
  const attempts: ProviderAttempt[] = [];
  for (const provider of providers) {
    try {
      const sessions = await createAll(files, provider, threads);
      attempts.push({ provider });
      return { sessions, provider, attempts };
    } catch (e) {
      attempts.push({ provider, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]?.slice(0, 200) ?? 'failed' });
    }
  }
  throw new Error(`no execution provider could load the model: ${attempts.map((a) => `${a.provider}: ${a.error}`).join('; ')}`);
}

function toTensor(w: WireTensor): ort.Tensor {
  return new ort.Tensor(w.dtype, w.data as Float32Array, w.dims);
}

function toWire(t: ort.Tensor): WireTensor {
  const d = t.data as Float32Array;
  // Own buffer, so transferring it detaches nothing else.
  const data = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength ? d : d.slice();
  return { dtype: t.type as WireTensor['dtype'], dims: [...t.dims], data };
}

async function run(loaded: Loaded, feeds: Record<string, WireTensor>): Promise<Record<string, WireTensor>> {
  const available: Record<string, ort.Tensor> = {};
  for (const [name, w] of Object.entries(feeds)) available[name] = toTensor(w);
  let last: ort.InferenceSession.OnnxValueMapType = {};
  for (const s of loaded.sessions) {
    const input: Record<string, ort.Tensor> = {};
    for (const name of s.inputNames) {
      const t = available[name];
      if (!t) throw new Error(`no value for model input "${name}"`);
      input[name] = t;
    }
    last = await s.run(input);
    // Encoder outputs (e.g. image_embeddings) become the decoder's inputs.
    for (const [name, v] of Object.entries(last)) available[name] = v as ort.Tensor;
  }
  const out: Record<string, WireTensor> = {};
  for (const [name, v] of Object.entries(last)) out[name] = toWire(v as ort.Tensor);
  return out;
}

function reply(r: WorkerReply, transfer: ArrayBuffer[] = []) {
  port?.postMessage(r, transfer);
}

port?.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      if (req.type === 'load') {
        const t0 = performance.now();
        const cached = models.has(req.modelKey);
        let p = models.get(req.modelKey);
        if (!p) {
          p = load(req.files, req.providers, req.threads);
          models.set(req.modelKey, p);
          p.catch(() => models.delete(req.modelKey));
        }
        const l = await p;
        reply({ type: 'loaded', id: req.id, provider: l.provider, attempts: l.attempts, cached, loadMs: performance.now() - t0 });
      } else if (req.type === 'run') {
        const p = models.get(req.modelKey);
        if (!p) throw Object.assign(new Error(`model ${req.modelKey} is not loaded`), { code: 'NOT_FOUND' });
        const t0 = performance.now();
        const outputs = await run(await p, req.feeds);
        const transfer = Object.values(outputs).map((o) => o.data.buffer as ArrayBuffer);
        reply({ type: 'result', id: req.id, outputs, runMs: performance.now() - t0 }, transfer);
      } else if (req.type === 'release') {
        const p = models.get(req.modelKey);
        models.delete(req.modelKey);
        if (p) for (const s of (await p).sessions) await s.release();
        reply({ type: 'released', id: req.id });
      }
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      reply({ type: 'error', id: req.id, code: typeof code === 'string' ? code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
