/**
 * A torso phantom as the built-in heads' training recipe makes them
 * (192 × 160 × 60 at 2 × 2 × 5 mm, lesions 15–50 mm), with each lesion's
 * truth. Tests use seeds ≥ 1000, which training never saw.
 */
import type { Vec3 } from '../../../../common/volume';
import { generatePhantomLesions, lesionTruths } from '../../phantom/phantomLesions';
import { generateTorsoPhantom } from '../../phantom/torsoPhantom';

export function recipePhantom(seed: number, lesionCount: number) {
  const dimensions: Vec3 = [192, 160, 60];
  const spacingMm: Vec3 = [2, 2, 5];
  const lesions = generatePhantomLesions({ seed, dimensions, spacingMm, count: lesionCount, diameterRangeMm: [15, 50] });
  const p = generateTorsoPhantom({ dimensions, spacingMm, seed, lesions });
  return { ...p, truth: lesionTruths(lesions, p.labels, spacingMm, [0, 0, 1]), mask: { geometry: p.volume.geometry, voxels: p.labels } };
}
