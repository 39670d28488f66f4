/**
 * The brush's state (shared by the eraser): radius, shape and the optional
 * intensity limit. A slice of the tool store (toolStore.ts); no React, no
 * vtk.js.
 */
export const MIN_BRUSH_MM = 0.5;
export const MAX_BRUSH_MM = 100;

export interface BrushState {
  brushRadiusMm: number;
  brushShape: 'disc' | 'sphere';
  /** Threshold-limited brush: only voxels within ± this many HU of the first clicked voxel; null = off. */
  brushToleranceHu: number | null;
}

export interface BrushActions {
  /** Multiplies the brush radius by `factor` (clamped to 0.5–100 mm). */
  scaleBrush(factor: number): void;
  setBrushRadius(mm: number): void;
  setBrushShape(shape: 'disc' | 'sphere'): void;
  setBrushTolerance(hu: number | null): void;
}

/** The brush's part of the store, given the store's `set` and `get`. */
export function brushSlice(set: (patch: Partial<BrushState>) => void, get: () => BrushState & BrushActions): BrushState & BrushActions {
  return {
    brushRadiusMm: 5,
    brushShape: 'disc',
    brushToleranceHu: null,
    scaleBrush(factor) {
      get().setBrushRadius(get().brushRadiusMm * factor);
    },
    setBrushRadius(mm) {
      if (!Number.isFinite(mm)) return;
      set({ brushRadiusMm: Math.round(Math.min(MAX_BRUSH_MM, Math.max(MIN_BRUSH_MM, mm)) * 10) / 10 });
    },
    setBrushShape(brushShape) {
      set({ brushShape });
    },
    setBrushTolerance(hu) {
      set({ brushToleranceHu: hu === null || !(hu >= 0) ? null : hu });
    },
  };
}
