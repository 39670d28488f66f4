/**
 * RECIST 1.1 measurability of a lesion at baseline.
 * Units: millimetres.
 *
 * - Non-nodal: measurable when the long axis is ≥ 10 mm, and ≥ 2 × the slice
 *   thickness when slices are thicker than 5 mm.
 * - Lymph node (short axis): ≥ 15 mm measurable (pathological); 10 to < 15 mm
 *   pathological but non-measurable; < 10 mm normal.
 */

export type MeasurabilityCategory = 'measurable' | 'nonMeasurable' | 'pathologicalNode' | 'normalNode';

export interface Measurability {
  category: MeasurabilityCategory;
  measurable: boolean;
  /** The smallest measurable size that applied (mm). */
  minimumMm: number;
  /** One sentence a reader can act on. */
  reason: string;
}

export const NON_NODAL_MIN_MM = 10;
export const THICK_SLICE_MM = 5;
export const NODE_MEASURABLE_MIN_MM = 15;
export const NODE_PATHOLOGICAL_MIN_MM = 10;

const f = (v: number) => `${Math.round(v * 10) / 10} mm`;

export function assessMeasurability(lesion: { isNode: boolean; longAxisMm?: number; shortAxisMm?: number }, sliceThicknessMm?: number): Measurability {
  if (lesion.isNode) {
    const s = lesion.shortAxisMm;
    if (s === undefined) return { category: 'nonMeasurable', measurable: false, minimumMm: NODE_MEASURABLE_MIN_MM, reason: 'lymph node without a short axis measurement' };
    if (s >= NODE_MEASURABLE_MIN_MM) return { category: 'measurable', measurable: true, minimumMm: NODE_MEASURABLE_MIN_MM, reason: `node short axis ${f(s)} ≥ ${NODE_MEASURABLE_MIN_MM} mm` };
    if (s >= NODE_PATHOLOGICAL_MIN_MM) {
      return { category: 'pathologicalNode', measurable: false, minimumMm: NODE_MEASURABLE_MIN_MM, reason: `node short axis ${f(s)} is pathological (≥ ${NODE_PATHOLOGICAL_MIN_MM} mm) but below ${NODE_MEASURABLE_MIN_MM} mm: non-measurable, follow as non-target` };
    }
    return { category: 'normalNode', measurable: false, minimumMm: NODE_MEASURABLE_MIN_MM, reason: `node short axis ${f(s)} < ${NODE_PATHOLOGICAL_MIN_MM} mm: normal node` };
  }
  const thick = sliceThicknessMm !== undefined && sliceThicknessMm > THICK_SLICE_MM;
  const minimumMm = thick ? Math.max(NON_NODAL_MIN_MM, 2 * (sliceThicknessMm as number)) : NON_NODAL_MIN_MM;
  const rule = thick ? `2 × slice thickness (${f(sliceThicknessMm as number)})` : `${NON_NODAL_MIN_MM} mm`;
  const l = lesion.longAxisMm;
  if (l === undefined) return { category: 'nonMeasurable', measurable: false, minimumMm, reason: 'lesion without a long axis measurement' };
  if (l >= minimumMm) return { category: 'measurable', measurable: true, minimumMm, reason: `long axis ${f(l)} ≥ ${rule}` };
  return { category: 'nonMeasurable', measurable: false, minimumMm, reason: `long axis ${f(l)} < ${rule}: non-measurable, follow as non-target` };
}
