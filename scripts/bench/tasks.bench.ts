/**
 * Latency per classification / VQA / embedding query on CPU (issue 8): one
 * cold call (session creation) and 20 warm calls per built-in pack on a torso
 * phantom slice, with the preprocessing alone as the in-run baseline; a series
 * embedding and a series VQA question (16 slices).
 *
 * Run: npm run bench -- tasks   (or node --import tsx scripts/bench/tasks.bench.ts)
 */
import type { Vec3 } from '../../common/volume';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const p95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))] as number;

async function main() {
  process.env.VOXA_EXECUTION_PROVIDERS ??= 'cpu';
  const { generatePhantomLesions } = await import('../../main/services/phantom/phantomLesions');
  const { generateTorsoPhantom } = await import('../../main/services/phantom/torsoPhantom');
  const { ModelRegistry } = await import('../../main/services/inference/registry');
  const { InferenceClient } = await import('../../main/services/inference/worker/inferenceClient');
  const { TaskService } = await import('../../main/services/tasks/taskService');
  const { sliceInput } = await import('../../main/services/tasks/imageInput');
  const { taskConfig } = await import('../../main/services/tasks/taskConfig');

  const dimensions: Vec3 = [192, 160, 120];
  const spacingMm: Vec3 = [2, 2, 2.5];
  const p = generateTorsoPhantom({ dimensions, spacingMm, seed: 1300, lesions: generatePhantomLesions({ seed: 1300, dimensions, spacingMm, count: 3 }) });
  const registry = new ModelRegistry();
  const threads = Number(process.env.VOXA_BENCH_THREADS ?? 1);
  const client = new InferenceClient({ threads });
  const service = new TaskService({ registry, client });
  const packs = (await registry.list()).filter((e) => e.status === 'ok' && ['classify', 'vqa', 'embed'].includes(e.task));
  if (packs.length === 0) {
    console.log('no classify / vqa / embed packs installed (native-models/voxa-*): nothing to measure');
    return;
  }
  const rows: string[][] = [];
  const N = 20;
  for (const e of packs) {
    const pack = await registry.resolve(e.id);
    const cfg = taskConfig(pack.manifest);
    if (cfg.pre.input !== 'slice2d') continue;
    const pre = cfg.pre;
    const base: number[] = [];
    for (let n = 0; n < N; n++) {
      const t = performance.now();
      sliceInput(p.volume, pre, 40 + n);
      base.push(performance.now() - t);
    }
    const call = async (n: number) => {
      const t = performance.now();
      if (e.task === 'classify') await service.classify(p.volume, e.id, { kind: 'slice', slice: 40 + n });
      else if (e.task === 'embed') await service.embed(p.volume, e.id, { kind: 'slice', slice: 40 + n });
      else await service.vqa(p.volume, e.id, n % 2 ? 'Is there an abnormality in this image?' : 'Which body region is shown?', { slice: 40 + n });
      return performance.now() - t;
    };
    const cold = await call(0);
    const warm: number[] = [];
    for (let n = 0; n < N; n++) warm.push(await call(n));
    rows.push([e.id, e.task, cold.toFixed(0), median(warm).toFixed(1), p95(warm).toFixed(1), median(base).toFixed(1), (median(warm) / median(base)).toFixed(1)]);
  }
  const enc = packs.find((e) => e.task === 'embed');
  if (enc) {
    const t: number[] = [];
    let slices = 0;
    for (let n = 0; n < 3; n++) {
      const t0 = performance.now();
      slices = (await service.embed(p.volume, enc.id, { kind: 'series' })).slices.length;
      t.push(performance.now() - t0);
    }
    rows.push([`${enc.id} (series, ${slices} slices)`, 'embed', '—', median(t).toFixed(1), Math.max(...t).toFixed(1), '—', '—']);
  }
  const vqa = packs.find((e) => e.task === 'vqa');
  if (vqa) {
    // A question about the whole series (task:vqa scope "series"): the model on 16 evenly spaced slices.
    const t: number[] = [];
    let slices = 0;
    for (let n = 0; n < 3; n++) {
      const t0 = performance.now();
      slices = (await service.vqaSeries(p.volume, vqa.id, 'Is there an abnormality in this image?')).slices.length;
      t.push(performance.now() - t0);
    }
    rows.push([`${vqa.id} (series, ${slices} slices)`, 'vqa', '—', median(t).toFixed(1), Math.max(...t).toFixed(1), '—', '—']);
  }
  const head = ['pack', 'task', 'cold ms', 'warm median ms', 'warm p95 ms', 'preprocess-only ms', 'ratio'];
  const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((x, c) => x.padEnd(w[c] as number)).join('  ');
  console.log(`CPU, ${threads} intra-op thread(s); phantom slice ${dimensions[0]}×${dimensions[1]} → 96×96; ${N} warm queries each`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  await client.close();
}
void main();
