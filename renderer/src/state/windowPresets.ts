/** Window/level presets in Hounsfield units (width, level). */
export interface WindowPreset {
  id: string;
  label: string;
  widthHu: number;
  levelHu: number;
}

export const CT_PRESETS: WindowPreset[] = [
  { id: 'abdomen', label: 'Abdomen', widthHu: 400, levelHu: 40 },
  { id: 'lung', label: 'Lung', widthHu: 1500, levelHu: -600 },
  { id: 'mediastinum', label: 'Mediastinum', widthHu: 350, levelHu: 50 },
  { id: 'liver', label: 'Liver', widthHu: 150, levelHu: 30 },
  { id: 'bone', label: 'Bone', widthHu: 1800, levelHu: 400 },
  { id: 'brain', label: 'Brain', widthHu: 80, levelHu: 40 },
];

/** A default window for a volume: abdomen for CT, the value range otherwise. */
export function defaultWindow(modality: string, range: [number, number]): { width: number; level: number } {
  if (modality === 'CT') return { width: 400, level: 40 };
  const width = Math.max(1, range[1] - range[0]);
  return { width, level: range[0] + width / 2 };
}
