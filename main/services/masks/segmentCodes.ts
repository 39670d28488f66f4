/**
 * SNOMED CT codes (scheme designator "SCT") for segment category, type and
 * anatomic region, from DICOM PS3.16 CID 7150 (Segmentation Property
 * Categories), CID 7151 (Segmentation Property Types) and CID 4 / 7154
 * (anatomic regions).
 */
import type { Code } from '../io/dicom/codeItems';
import type { SegmentInfo } from './segmentation';

const sct = (value: string, meaning: string): Code => ({ value, scheme: 'SCT', meaning });

export const CATEGORY = {
  tissue: sct('85756007', 'Tissue'),
  anatomicalStructure: sct('123037004', 'Anatomical Structure'),
  morphologicallyAltered: sct('49755003', 'Morphologically Altered Structure'),
} as const;

export const TYPE = {
  lesion: sct('52988006', 'Lesion'),
  mass: sct('4147007', 'Mass'),
  neoplasm: sct('108369006', 'Neoplasm'),
  nodule: sct('27925004', 'Nodule'),
  liver: sct('10200004', 'Liver'),
  lung: sct('39607008', 'Lung'),
  tissue: sct('85756007', 'Tissue'),
} as const;

export const REGION = {
  liver: sct('10200004', 'Liver'),
  lung: sct('39607008', 'Lung'),
  chest: sct('51185008', 'Thorax'),
} as const;

/** Colours assigned to segments without one (distinct, readable on grey CT). */
export const DEFAULT_COLOURS: [number, number, number][] = [
  [230, 80, 60], [60, 180, 75], [255, 200, 40], [70, 130, 230], [240, 130, 40],
  [145, 30, 180], [70, 240, 240], [240, 50, 230], [190, 230, 60], [250, 190, 190],
];

/** Metadata of a lesion segment found in `organ`: category Morphologically Altered Structure, type Lesion (Nodule in lung), region the organ. */
export function lesionSegmentInfo(number: number, label: string, organ?: 'lung' | 'liver' | 'soft tissue'): SegmentInfo {
  return {
    number,
    label,
    category: CATEGORY.morphologicallyAltered,
    type: organ === 'lung' ? TYPE.nodule : TYPE.lesion,
    ...(organ === 'lung' ? { anatomicRegion: REGION.lung } : organ === 'liver' ? { anatomicRegion: REGION.liver } : {}),
    colorRgb: DEFAULT_COLOURS[(number - 1) % DEFAULT_COLOURS.length] as [number, number, number],
    algorithmType: 'MANUAL',
  };
}
