/**
 * The point prompt's state: whether a plain click adds a negative point (a
 * toggle, for one-button mice). A slice of the tool store (toolStore.ts); no
 * React, no vtk.js.
 */
export interface PointState {
  /** A plain click adds a negative point. */
  negativeClicks: boolean;
}

export interface PointActions {
  setNegativeClicks(on: boolean): void;
}

export function pointSlice(set: (patch: Partial<PointState>) => void): PointState & PointActions {
  return {
    negativeClicks: false,
    setNegativeClicks(negativeClicks) {
      set({ negativeClicks });
    },
  };
}
