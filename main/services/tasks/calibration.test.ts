/**
 * VQA calibration (issue 17): the built-in pack's answers are temperature-scaled per question
 * family (softmax(logit / T), i.e. p^(1/T) renormalised, of the uncalibrated answer) and marked
 * uncertain below its threshold; and the calibration script, run again here on the real slices of
 * ../shared/data, reproduces the pack's temperatures and lowers the held-out ECE.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, REPO_ROOT, HAS_DATA } from '../../testing/dataDir';
import { ModelRegistry } from '../inference/registry';
import { sharedInferenceClient } from '../inference/worker/inferenceClient';
import { lesionInput } from './imageInput';
import { slice2dPreprocessingSchema } from './taskConfig';
import { TaskService } from './taskService';
import { recipePhantom } from './testing/recipePhantom';
import { rankAnswers } from './vqaText';

const PACK = path.join(REPO_ROOT, 'native-models', 'voxa-vqa');
const manifest = JSON.parse(readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as { postprocessing: { calibration: { temperature: Record<string, number>; uncertainBelow: number } } };
const cal = manifest.postprocessing.calibration;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-calibration-'));
afterAll(async () => {
  await sharedInferenceClient().close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('VQA calibration', () => {
  it('rankAnswers at temperature T is softmax(logit / T)', () => {
    const logits = [2, 0.5, -1];
    const answers = ['yes', 'no', 'maybe'];
    const t = 3;
    const e = logits.map((l) => Math.exp(l / t));
    const z = e.reduce((a, b) => a + b, 0);
    const r = rankAnswers(logits, answers, answers, t);
    expect(r.map((x) => x.answer)).toEqual(['yes', 'no', 'maybe']);
    r.forEach((x, n) => expect(x.probability).toBeCloseTo((e[n] as number) / z, 12));
    expect(rankAnswers(logits, answers, answers, 1)[0]!.probability).toBeGreaterThan(r[0]!.probability);
  });

  it('the built-in pack: calibrated = the uncalibrated distribution at its family temperature; uncertain below the threshold', async () => {
    // The same pack without its calibration, as a second built-in folder.
    const raw = path.join(tmp, 'raw');
    cpSync(PACK, path.join(raw, 'voxa-vqa'), { recursive: true });
    const m = JSON.parse(readFileSync(path.join(raw, 'voxa-vqa', 'manifest.json'), 'utf8')) as { postprocessing: Record<string, unknown> };
    m.postprocessing = {};
    writeFileSync(path.join(raw, 'voxa-vqa', 'manifest.json'), JSON.stringify(m));
    const calibrated = new TaskService({ registry: new ModelRegistry({ builtinDir: path.join(REPO_ROOT, 'native-models') }) });
    const uncalibrated = new TaskService({ registry: new ModelRegistry({ builtinDir: raw }) });
    const p = recipePhantom(1200, 1);
    const pre = slice2dPreprocessingSchema.parse({ input: 'slice2d', sizePx: 96, lesionFov: { marginFactor: 2.5, minMm: 24, maxMm: 240 }, intensity: { CT: { type: 'window', minHu: -1000, maxHu: 1000 }, default: { type: 'percentile', low: 0.5, high: 99.5 } } });
    const k = lesionInput(p.volume, p.mask, pre).slice;
    for (const [question, family] of [
      ['Is there an abnormality in this image?', 'yes/no'],
      ['Which body region is shown?', 'anatomy'],
    ] as const) {
      const a = await calibrated.vqa(p.volume, 'voxa-vqa', question, { slice: k });
      const b = await uncalibrated.vqa(p.volume, 'voxa-vqa', question, { slice: k });
      if (a.source !== 'model' || b.source !== 'model') throw new Error('model answers expected');
      expect(b.uncertain).toBeUndefined();
      const t = cal.temperature[family]!;
      const dist = [{ answer: b.answer, probability: b.confidence }, ...b.alternatives];
      const w = dist.map((d) => d.probability ** (1 / t));
      const z = w.reduce((x, y) => x + y, 0);
      const expected = new Map(dist.map((d, n) => [d.answer, (w[n] as number) / z]));
      expect(a.answer).toBe(b.answer);
      expect(a.confidence).toBeCloseTo(expected.get(a.answer)!, 6);
      for (const alt of a.alternatives) expect(alt.probability).toBeCloseTo(expected.get(alt.answer)!, 6);
      expect(a.uncertain).toBe(a.confidence < cal.uncertainBelow);
      // Temperatures above 1 soften an overconfident model.
      if (t > 1) expect(a.confidence).toBeLessThanOrEqual(b.confidence + 1e-9);
    }
  }, 60_000);

  it.skipIf(!HAS_DATA || !existsSync(dataPath('training', 'ibsi_sts_extra')))(
    'scripts/calibrate-vqa.ts on the real slices reproduces the pack’s temperatures and threshold, and lowers the held-out ECE',
    () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'calibrate-vqa.ts')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      const temps = JSON.parse(/temperatures (\{.*\}); uncertain below ([\d.]+)/.exec(r.stdout)![1]!) as Record<string, number>;
      expect(temps).toEqual(cal.temperature);
      expect(Number(/uncertain below ([\d.]+)/.exec(r.stdout)![1])).toBe(cal.uncertainBelow);
      const [, before, after] = /held-out split \(\d+ answers\): ECE ([\d.]+) → ([\d.]+)/.exec(r.stdout)!;
      expect(Number(after)).toBeLessThan(Number(before));
    },
    300_000,
  );
});
