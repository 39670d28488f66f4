/**
 * Volume-rendering presets of the 3D view (data only). CT presets are in HU;
 * the MR preset is in fractions of the volume's automatic window
 * (0 = its low end, 1 = its high end), since MR has no absolute units.
 * Points follow the spirit of 3D Slicer's CT-Bone / CT-Soft-Tissue / CT-Lung / MR-Default.
 */
export type VrPresetId = 'ct-bone' | 'ct-soft' | 'ct-lung' | 'mr-default';

export interface VrPreset {
  id: VrPresetId;
  label: string;
  units: 'hu' | 'relative';
  /** [value, r, g, b] with colours 0..1. */
  colour: [number, number, number, number][];
  /** [value, opacity 0..1]. */
  opacity: [number, number][];
  /** Ambient/diffuse/specular shading on. */
  shade: boolean;
}

export const VR_PRESETS: VrPreset[] = [
  {
    id: 'ct-bone',
    label: 'CT bone',
    units: 'hu',
    colour: [[-1000, 0, 0, 0], [150, 0.55, 0.25, 0.15], [300, 0.88, 0.6, 0.29], [1000, 1, 1, 0.9], [3000, 1, 1, 1]],
    opacity: [[-1000, 0], [150, 0], [300, 0.15], [600, 0.6], [3000, 0.9]],
    shade: true,
  },
  {
    id: 'ct-soft',
    label: 'CT soft tissue',
    units: 'hu',
    colour: [[-1000, 0, 0, 0], [-200, 0.55, 0.25, 0.15], [40, 0.85, 0.45, 0.35], [200, 1, 0.85, 0.75], [1000, 1, 1, 1]],
    opacity: [[-1000, 0], [-300, 0], [-100, 0.05], [60, 0.25], [300, 0.5], [1000, 0.8]],
    shade: true,
  },
  {
    id: 'ct-lung',
    label: 'CT lung',
    units: 'hu',
    colour: [[-1000, 0.3, 0.3, 1], [-600, 0, 0, 1], [-500, 0.5, 0.8, 1], [-100, 0.9, 0.7, 0.6], [400, 1, 1, 1]],
    opacity: [[-1000, 0], [-900, 0], [-750, 0.15], [-500, 0.05], [-300, 0], [100, 0], [400, 0.3]],
    shade: true,
  },
  {
    id: 'mr-default',
    label: 'MR default',
    units: 'relative',
    colour: [[0, 0, 0, 0], [0.3, 0.7, 0.4, 0.3], [0.7, 0.95, 0.85, 0.7], [1, 1, 1, 1]],
    opacity: [[0, 0], [0.15, 0], [0.4, 0.1], [1, 0.6]],
    shade: true,
  },
];
