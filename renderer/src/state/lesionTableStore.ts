/**
 * The lesion table of the open study (one RECIST timepoint): rows measured
 * from the labelmap (common/geometry measureLesion, so the values are the
 * CLI's and the report's), the reader's role/organ/node choices, manual
 * calipers that override the automatic axes, and the table's checks (target
 * limits, measurability). Saved to and loaded from the services by the panel.
 */
import { createStore } from 'zustand/vanilla';
import { measureLesion } from '../../../common/geometry/recistAxes';
import { autoFromMeasurement, checkLesionTable, effectiveObservation, type CaliperRecord, type LesionRecord, type LesionTableCheck, type TimepointRecord } from '../../../common/recist/lesionTable';
import type { LesionRole } from '../../../common/recist/timepoints';
import type { Vec3, VolumeGeometry } from '../../../common/volume';

/** Organs offered in the table (RECIST counts all lymph nodes as one organ). */
export const ORGANS = ['liver', 'lung', 'lymph nodes', 'adrenal', 'kidney', 'pancreas', 'spleen', 'bone', 'brain', 'peritoneum', 'soft tissue', 'other'] as const;

export interface LesionTableState {
  patientKey: string | null;
  timepointId: string;
  date: string;
  sliceThicknessMm: number | undefined;
  lesions: LesionRecord[];
  check: LesionTableCheck;
  /** The lesion whose calipers are selected (drawn highlighted, jumped to). */
  selected: string | null;
  /** Manual line tool: the next drag on the axial view draws this caliper. */
  drawing: { id: string; which: 'long' | 'short' } | null;
}

export interface LesionTableActions {
  setTimepoint(patientKey: string, timepointId: string, date: string, sliceThicknessMm?: number): void;
  load(tp: TimepointRecord): void;
  /** Measures every label of the labelmap: new labels become rows, existing rows get fresh automatic values. */
  /** Measures each segment in `labels` (null: an empty labelmap, nothing allocated: no segment has voxels). */
  measureLabelmap(geometry: VolumeGeometry, labels: ArrayLike<number> | null, segments: { label: number; name: string }[]): void;
  update(id: string, patch: Partial<Pick<LesionRecord, 'role' | 'organ' | 'isNode' | 'status'>>): void;
  /** Sets (or clears, with null) the manual long or short axis caliper. */
  setManual(id: string, which: 'long' | 'short', caliper: CaliperRecord | null): void;
  /** Moves one end of a caliper (the manual one, created from the automatic one on first drag). */
  dragEndpoint(id: string, which: 'long' | 'short', end: 'start' | 'end', lps: Vec3): void;
  select(id: string | null): void;
  /** Arms the manual line tool for one caliper of a lesion (null disarms). */
  startDrawing(target: { id: string; which: 'long' | 'short' } | null): void;
  /** Ends the line tool's drag: the caliper from a to b becomes the lesion's manual one (a click without a drag is ignored). */
  finishDrawing(a: Vec3, b: Vec3): void;
  timepoint(): TimepointRecord;
}

export type LesionTableStore = ReturnType<typeof createLesionTableStore>;

const dist = (a: Vec3, b: Vec3) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The caliper a row shows for an axis: manual when drawn, else automatic (node short axis = nodal short axis). */
export function shownCaliper(r: LesionRecord, which: 'long' | 'short'): { caliper: CaliperRecord; manual: boolean } | null {
  const manual = which === 'long' ? r.manualLongAxis : r.manualShortAxis;
  if (manual) return { caliper: manual, manual: true };
  if (!r.auto) return null;
  return { caliper: which === 'long' ? r.auto.longAxis : r.isNode ? r.auto.nodalShortAxis : r.auto.shortAxis, manual: false };
}

export function createLesionTableStore() {
  return createStore<LesionTableState & LesionTableActions>()((set, get) => {
    const withCheck = (patch: Partial<LesionTableState>) => {
      const s = { ...get(), ...patch };
      const tp: TimepointRecord = { id: s.timepointId, date: s.date, lesions: s.lesions, ...(s.sliceThicknessMm !== undefined ? { sliceThicknessMm: s.sliceThicknessMm } : {}) };
      set({ ...patch, check: checkLesionTable(tp) });
    };
    const mapRow = (id: string, f: (r: LesionRecord) => LesionRecord) => withCheck({ lesions: get().lesions.map((r) => (r.id === id ? f(r) : r)) });
    return {
      patientKey: null,
      timepointId: 'baseline',
      date: new Date().toISOString().slice(0, 10),
      sliceThicknessMm: undefined,
      lesions: [],
      check: { errors: [], warnings: {} },
      selected: null,
      drawing: null,
      setTimepoint: (patientKey, timepointId, date, sliceThicknessMm) => withCheck({ patientKey, timepointId, date, sliceThicknessMm, lesions: [], selected: null }),
      load: (tp) => withCheck({ timepointId: tp.id, date: tp.date, sliceThicknessMm: tp.sliceThicknessMm, lesions: tp.lesions }),
      measureLabelmap: (geometry, labels, segments) => {
        const rows = [...get().lesions];
        for (const seg of segments) {
          const m = labels ? measureLesion({ geometry, voxels: labels }, { label: seg.label }) : null;
          const existing = rows.findIndex((r) => r.segmentNumber === seg.label);
          if (!m) {
            if (existing >= 0) rows[existing] = { ...(rows[existing] as LesionRecord), auto: undefined } as LesionRecord;
            continue;
          }
          const auto = autoFromMeasurement(m);
          if (existing >= 0) rows[existing] = { ...(rows[existing] as LesionRecord), auto };
          else {
            const targets = rows.filter((r) => r.role === 'target').length;
            const role: LesionRole = targets < 5 ? 'target' : 'nonTarget';
            rows.push({ id: seg.name || `L${seg.label}`, role, status: 'present', segmentNumber: seg.label, auto });
          }
        }
        withCheck({ lesions: rows });
      },
      update: (id, patch) => mapRow(id, (r) => ({ ...r, ...patch })),
      setManual: (id, which, caliper) =>
        mapRow(id, (r) => {
          const next = { ...r };
          if (which === 'long') {
            if (caliper) next.manualLongAxis = caliper;
            else delete next.manualLongAxis;
          } else if (caliper) next.manualShortAxis = caliper;
          else delete next.manualShortAxis;
          return next;
        }),
      dragEndpoint: (id, which, end, lps) => {
        const r = get().lesions.find((x) => x.id === id);
        const shown = r && shownCaliper(r, which);
        if (!shown) return;
        const c = { ...shown.caliper, [end === 'start' ? 'startLps' : 'endLps']: lps };
        get().setManual(id, which, { ...c, lengthMm: dist(c.startLps, c.endLps) });
      },
      select: (id) => set({ selected: id }),
      startDrawing: (target) => set({ drawing: target, ...(target ? { selected: target.id } : {}) }),
      finishDrawing: (a, b) => {
        const d = get().drawing;
        set({ drawing: null });
        const lengthMm = dist(a, b);
        if (!d || !(lengthMm > 0)) return;
        get().setManual(d.id, d.which, { lengthMm, startLps: a, endLps: b });
      },
      timepoint: () => {
        const s = get();
        return { id: s.timepointId, date: s.date, lesions: s.lesions, ...(s.sliceThicknessMm !== undefined ? { sliceThicknessMm: s.sliceThicknessMm } : {}) };
      },
    };
  });
}

/** The values a row shows (manual calipers win), for the table. */
export function rowValues(r: LesionRecord) {
  const o = effectiveObservation(r);
  return { longAxisMm: o.longAxisMm, shortAxisMm: o.shortAxisMm, manualLong: r.manualLongAxis !== undefined, manualShort: r.manualShortAxis !== undefined, volumeMl: r.auto?.volumeMl };
}
