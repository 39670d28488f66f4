/** `voxa response` through runCli on timepoints JSON files written here. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../testing/captureCli';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'voxa-response-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
async function file(name: string, content: unknown): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

// Baseline 42 + 18 (node short axis) = 60 mm; then 40 (−33 %, PR); then 46 (+15 % / +6 mm vs nadir 40: SD);
// then 49 with a new lesion (PD).
const STUDY = {
  timepoints: [
    {
      id: 'baseline',
      date: '2024-01-15',
      sliceThicknessMm: 2.5,
      lesions: [
        { id: 'liver-1', role: 'target', organ: 'liver', longAxisMm: 42, shortAxisMm: 30 },
        { id: 'node-1', role: 'target', organ: 'mediastinum', isNode: true, longAxisMm: 25, shortAxisMm: 18 },
        { id: 'bone-1', role: 'nonTarget', organ: 'bone' },
      ],
    },
    { id: 'fu2', date: '2024-06-10', lesions: [{ id: 'liver-1', longAxisMm: 34 }, { id: 'node-1', shortAxisMm: 12 }, { id: 'bone-1' }] },
    { id: 'fu1', date: '2024-03-20', lesions: [{ id: 'liver-1', longAxisMm: 28 }, { id: 'node-1', shortAxisMm: 12 }, { id: 'bone-1' }] },
    {
      id: 'fu3',
      date: '2024-09-02',
      lesions: [{ id: 'liver-1', longAxisMm: 37 }, { id: 'node-1', shortAxisMm: 12 }, { id: 'bone-1' }, { id: 'lung-new', role: 'new', organ: 'lung' }],
    },
  ],
};

describe('voxa response', () => {
  it('--json: sums, changes vs baseline and nadir, and the response per follow-up in date order', async () => {
    const r = await cli(['response', await file('study.json', STUDY), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      baseline: { sumMm: number; targets: { id: string; measurability: string }[] };
      followUps: { timepointId: string; sumMm: number; changeFromBaselinePct: number; nadirMm: number; changeFromNadirMm: number; overall: string; newLesions: string[] }[];
    };
    expect(out.baseline.sumMm).toBe(60);
    expect(out.baseline.targets.map((t) => t.measurability)).toEqual(['measurable', 'measurable']);
    expect(out.followUps.map((f) => [f.timepointId, f.sumMm, f.nadirMm, f.overall])).toEqual([
      ['fu1', 40, 60, 'PR'],
      ['fu2', 46, 40, 'SD'],
      ['fu3', 49, 40, 'PD'],
    ]);
    expect(out.followUps[0]!.changeFromBaselinePct).toBe(-33.33);
    expect(out.followUps[1]!.changeFromNadirMm).toBe(6);
    expect(out.followUps[2]!.newLesions).toEqual(['lung-new']);
  });

  it('prints a readable report without --json', async () => {
    const r = await cli(['response', await file('study2.json', STUDY)]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fu1 \(2024-03-20\): PR\s+sum 40 mm, -33\.33 % vs baseline/);
    expect(r.out).toMatch(/new lesion\(s\): lung-new → PD/);
  });

  it('refuses bad files with specific errors', async () => {
    const missing = await cli(['response', path.join(dir, 'nope.json')]);
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/NOT_FOUND/)]);
    expect((await cli(['response', await file('broken.json', '{"timepoints": [')])).err).toMatch(/CORRUPT_INPUT.*not valid JSON/);
    const tooMany = {
      timepoints: [
        {
          id: 'b',
          date: '2024-01-01',
          lesions: ['a', 'b', 'c'].map((id) => ({ id, role: 'target', organ: 'liver', longAxisMm: 20 })),
        },
      ],
    };
    const r = await cli(['response', await file('many.json', tooMany)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/BAD_REQUEST.*3 targets in liver \(a, b, c\)/s);
    expect((await cli(['response'])).code).toBe(2);
  });
});
