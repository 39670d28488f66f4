/**
 * Click → 3D mask (issues 5 and 14): an evaluation of interactive
 * segmentation, for the classical fallback and every built-in
 * segment.prompt2d / segment.prompt3d pack, each called the same way through
 * SegmentationService.segment and the segmentation session the UI uses.
 *
 * Protocols, per case (scripts/bench/segment/cases.ts lists them):
 * - click: one positive click at the reference's deepest voxel (phantoms: the lesion centre);
 *   the first call of each method is cold and repeated warm, the warm one is measured;
 * - box: the tight box of the reference on its largest axial slice;
 * - click + N corrections through SegmentSessions, by the simulated reader of
 *   common/segmentation/readerClick.ts (and, for the models, the same with the whole prompt
 *   list re-run instead of local corrections, unless --no-rerun);
 * - consistency: the masks of three interior clicks, mean pairwise Dice (segment/consistency.ts).
 * Metrics: Dice; RECIST long- and short-axis error in % against the reference's axes, each mask
 * measured by the app's RECIST code on its own slice (segment/recistError.ts); latency.
 * Per case and protocol, then per group and over all cases (segment/summary.ts, segment/report.ts).
 *
 * Run: npm run bench:segment [-- --help]   (or npm run bench -- segment)
 * Under tsx the script bundles itself with esbuild next to the CLI bundle
 * (the NIfTI reader's package does not load through tsx) and runs that.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { diceBy } from '../../common/segmentation/dice';
import { deepestVoxel, readerCorrection, toIjk } from '../../common/segmentation/readerClick';
import type { Vec3, Volume } from '../../common/volume';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './segment/args';
import { largestSliceBox } from './segment/boxPrompt';
import { consistencyClicks, pairwiseDice, seedOf } from './segment/consistency';
import { recistAxesMm, recistAxisError } from './segment/recistError';
import { caseTables, summaryTables } from './segment/report';
import { summarise, type CaseInfo, type ClickResult, type CorrectionsResult, type CorrectionStep, type MethodResult } from './segment/summary';
import { selfBundle } from './selfBundle';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** Paths on the command line are relative to where npm was started, not the repository root it runs in. */
const fromCaller = (p: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), p);

async function bench(opts: BenchOptions): Promise<void> {
  const startedAt = new Date().toISOString();
  const { maskFromDelta } = await import('../../common/labelmap/labelmapDelta');
  const { CLASSICAL_MODEL_ID, ModelRegistry } = await import('../../main/services/inference/registry');
  const { SegmentationService } = await import('../../main/services/inference/segmentService');
  const { InferenceClient } = await import('../../main/services/inference/worker/inferenceClient');
  const { VolumeStore } = await import('../../main/services/volumeStore');
  const { SegmentSessions } = await import('../../main/services/segmentation/segmentSessions');
  const { listCases } = await import('./segment/cases');

  const notes: string[] = [];
  const note = (line: string) => {
    notes.push(line);
    console.log(line);
  };

  // Methods: classical and every segmentation pack (or the --models ones), all alike.
  const registry = new ModelRegistry();
  const entries = (await registry.list()).filter((e) => e.id !== CLASSICAL_MODEL_ID && (e.task === 'segment.prompt2d' || e.task === 'segment.prompt3d'));
  for (const e of entries.filter((x) => x.status !== 'ok')) note(`pack ${e.id} is invalid and not benchmarked: ${e.error ?? 'no reason given'}`);
  const packs = entries.filter((e) => e.status === 'ok');
  const unknown = (opts.models ?? []).filter((m) => !packs.some((e) => e.id === m));
  if (unknown.length) throw new UsageError(`no usable segmentation pack ${unknown.join(', ')} (available: ${packs.map((e) => e.id).join(', ') || 'none'})`);
  const models = opts.models ?? packs.map((e) => e.id);
  const methods = [...(opts.skip.includes('classical') ? [] : [CLASSICAL_MODEL_ID]), ...models];
  if (opts.skip.length) note(`left out of this run: ${opts.skip.join(', ')}`);
  note(`segmentation packs: ${packs.map((e) => `${e.id} (${e.task})`).join(', ') || 'none'}; benchmarking ${methods.join(', ')}`);

  const client = new InferenceClient();
  const service = new SegmentationService({ registry, client });
  const roots = { repo: path.resolve(__dirname, '..', '..'), data: path.resolve(process.env.VOXA_DATA_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'data')) };
  const cases = await listCases({ ...opts, pairsDir: opts.pairsDir && fromCaller(opts.pairsDir) }, roots, note);
  note(`${cases.length} cases; ${opts.corrections} corrections`);

  const caseInfos: CaseInfo[] = [];
  const results: MethodResult[] = [];
  const warmed = new Set<string>();
  for (const [n, c] of cases.entries()) {
    const t0 = performance.now();
    let volume: Volume;
    let ref: Uint8Array;
    let known: Vec3 | undefined;
    try {
      ({ volume, ref, click: known } = await c.load());
    } catch (e) {
      note(`error: ${c.name} could not be loaded (${message(e)}); skipped`);
      continue;
    }
    const g = volume.geometry;
    const dims = g.dimensions;
    const reference = recistAxesMm(g, ref);
    if (!reference) {
      note(`error: ${c.name} has an empty reference mask; skipped`);
      continue;
    }
    const click = known ?? toIjk(deepestVoxel(ref, dims), dims);
    const clicks = consistencyClicks(ref, dims, g.spacingMm, click, seedOf(c.name));
    const box = largestSliceBox(ref, dims)!;
    const plane = dims[0] * dims[1];
    const refSlices = new Set<number>();
    let voxels = 0;
    for (let q = 0; q < ref.length; q++)
      if (ref[q]) {
        voxels++;
        refSlices.add(Math.floor(q / plane));
      }
    caseInfos.push({ name: c.name, set: c.set, group: c.group, voxels, refSlices: refSlices.size, reference, clicks });

    const dice = (m: Uint8Array) => diceBy(m.length, (q) => m[q] !== 0, (q) => ref[q] === 1);
    const measure = (m: Uint8Array) => ({ dice: dice(m), recist: recistAxisError(g, m, reference) });
    const clickMask = async (m: string, at: Vec3) => {
      const res = await service.segment(volume, { modelId: m, points: [{ ijk: at, positive: true }] });
      return { res, mask: maskFromDelta(res.delta) };
    };

    /** Click + corrections in a fresh session; `local`: the product's local corrections, else the whole prompt list re-run. */
    const corrected = async (m: string, local: boolean): Promise<CorrectionsResult> => {
      const volumes = new VolumeStore();
      const sessions = new SegmentSessions({ volumes, dataDir: null, segmenter: service, localCorrections: local });
      try {
        const s = sessions.open(volumes.add(volume, null).volumeId);
        const first = await s.prompt({ target: { kind: 'new' }, modelId: m, plane: 'axial', points: [{ ijk: click, positive: true }] });
        const seg = () => Uint8Array.from(s.state.labels, (v) => (v === first.label ? 1 : 0));
        let mask = seg();
        const steps: CorrectionStep[] = [{ ...measure(mask), click: null, ms: null }];
        for (let k = 0; k < opts.corrections; k++) {
          const next = readerCorrection(mask, ref, dims);
          if (!next) break; // the mask is the reference
          const t = performance.now();
          await s.prompt({ target: { kind: 'refine', label: first.label }, modelId: m, plane: 'axial', points: [{ ijk: next.ijk, positive: next.positive }] });
          const ms = performance.now() - t;
          mask = seg();
          steps.push({ ...measure(mask), click: { ijk: next.ijk, positive: next.positive }, ms });
        }
        const times = steps.slice(1).map((x) => x.ms!);
        return {
          steps,
          worstStep: Math.min(0, ...steps.slice(1).map((x, i) => x.dice - steps[i]!.dice)),
          msPerCorrection: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null,
        };
      } finally {
        sessions.closeAll();
      }
    };

    for (const m of methods) {
      const r: MethodResult = { case: c.name, group: c.group, method: m, errors: [] };
      const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
        try {
          return await run();
        } catch (e) {
          r.errors.push(`${what}: ${message(e)}`);
          return undefined;
        }
      };
      let firstMask: Uint8Array | undefined;
      r.click = await attempt('click', async (): Promise<ClickResult> => {
        const cold = warmed.has(m) ? null : (await clickMask(m, click)).res.timings.totalMs;
        warmed.add(m);
        const { res, mask } = await clickMask(m, click);
        firstMask = mask;
        return { ...measure(mask), totalMs: res.timings.totalMs, modelMs: res.timings.modelMs, perSliceModelMs: res.perSliceModelMs, slicesSpanned: res.slicesSpanned, provider: res.provider, coldTotalMs: cold, ...(res.crops ? { crops: res.crops.map(({ fovMm, voxels, touchesBorder, sharpness }) => ({ fovMm, voxels, touchesBorder, sharpness })) } : {}), ...(res.fusion ? { fusion: res.fusion } : {}) };
      });
      const boxRun = async () => {
        const res = await service.segment(volume, { modelId: m, points: [], box: { a: { ijk: box.a }, b: { ijk: box.b } } });
        return { ...measure(maskFromDelta(res.delta)), totalMs: res.timings.totalMs };
      };
      if (!opts.skip.includes('box')) r.box = await attempt('box', boxRun);
      if (opts.corrections > 0) r.corrections = await attempt('corrections', () => corrected(m, true));
      const consistencyRun = async () => {
        const masks = [firstMask ?? (await clickMask(m, clicks[0]!)).mask];
        for (const at of clicks.slice(1)) masks.push((await clickMask(m, at)).mask);
        const { pairs, mean } = pairwiseDice(masks);
        return { clicks, pairs, meanDice: mean };
      };
      if (!opts.skip.includes('consistency')) r.consistency = await attempt('consistency', consistencyRun);
      for (const e of r.errors) console.log(`error: ${c.name}, ${m}: ${e}`);
      results.push(r);
      if (m !== CLASSICAL_MODEL_ID && opts.rerun && opts.corrections > 0) {
        const rr: MethodResult = { case: c.name, group: c.group, method: `${m} (re-run)`, errors: [] };
        try {
          rr.corrections = await corrected(m, false);
        } catch (e) {
          rr.errors.push(`corrections: ${message(e)}`);
          console.log(`error: ${c.name}, ${rr.method}: ${rr.errors[0]}`);
        }
        results.push(rr);
      }
    }
    process.stderr.write(`[${n + 1}/${cases.length}] ${c.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  await client.close();

  const summary = summarise(results, opts.corrections);
  for (const line of [...caseTables(caseInfos, results, opts.corrections), ...summaryTables(summary, opts.corrections)]) console.log(line);
  if (opts.json) {
    const file = fromCaller(opts.json);
    writeFileSync(file, `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), options: opts, methods, packs: packs.map(({ id, version, task }) => ({ id, version, task })), notes, cases: caseInfos, results, summary }, null, 1)}\n`);
    console.log(`\nwrote ${file}`);
  }
}

/** The options, or an exit: usage errors and --help are answered before anything is bundled or loaded. */
function options(): BenchOptions {
  try {
    const opts = parseBenchArgs(process.argv.slice(2), process.env);
    if (opts.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return opts;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench:segment: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const opts = options();
if (__filename.endsWith('.ts')) void selfBundle(__filename, 'segment-bench.cjs').then((code) => process.exit(code));
else
  bench(opts).catch((e: unknown) => {
    if (e instanceof UsageError) console.error(`bench:segment: ${e.message}`);
    else console.error(e);
    process.exit(e instanceof UsageError ? 2 : 1);
  });
