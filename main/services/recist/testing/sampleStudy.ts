/** A four-timepoint RECIST study with hand-computed sums and responses, shared by the report tests. */
import type { TimepointsFileInput } from '../../../../common/recist/timepoints';

// Baseline sum 40 + 20 (node short axis) = 60 mm. FU1: 28 + 14 = 42 (−30 % exactly: PR).
// FU2: 33 + 14 = 47 (+5 mm = +11.9 % over the 42 nadir: SD, still −21.7 % vs baseline).
// FU3: 40 + 14 = 54 (+12 mm, +28.6 % over nadir ≥ 20 % and ≥ 5 mm: PD).
export const STUDY: TimepointsFileInput = {
  timepoints: [
    {
      id: 'base',
      date: '2026-01-05',
      lesions: [
        { id: 'T1', role: 'target', organ: 'liver', longAxisMm: 40, shortAxisMm: 25 },
        { id: 'N1', role: 'target', organ: 'lymph nodes', isNode: true, longAxisMm: 26, shortAxisMm: 20 },
        { id: 'NT1', role: 'nonTarget', organ: 'lung' },
      ],
    },
    { id: 'fu1', date: '2026-03-02', lesions: [{ id: 'T1', longAxisMm: 28 }, { id: 'N1', shortAxisMm: 14 }, { id: 'NT1' }] },
    { id: 'fu2', date: '2026-04-27', lesions: [{ id: 'T1', longAxisMm: 33, manual: true }, { id: 'N1', shortAxisMm: 14 }, { id: 'NT1' }] },
    { id: 'fu3', date: '2026-06-22', lesions: [{ id: 'T1', longAxisMm: 40 }, { id: 'N1', shortAxisMm: 14 }, { id: 'NT1' }] },
  ],
};
