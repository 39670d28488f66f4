/**
 * sRGB (0–255) ↔ DICOM CIELab (PS3.3 C.10.7.1.1: L*, a*, b* under D65 scaled
 * to 0–65535, a* and b* offset by 128). Used for RecommendedDisplayCIELabValue.
 */
import type { Vec3 } from '../../../common/volume';

const WHITE: Vec3 = [0.950456, 1, 1.088754]; // D65

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const f = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);
const fInv = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));

export function rgbToCielab(rgb: Vec3): [number, number, number] {
  const [r, g, b] = rgb.map((c) => toLinear(Math.min(255, Math.max(0, c)) / 255)) as Vec3;
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / WHITE[0];
  const y = (0.2126729 * r + 0.7151522 * g + 0.072175 * b) / WHITE[1];
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / WHITE[2];
  const L = 116 * f(y) - 16;
  const A = 500 * (f(x) - f(y));
  const B = 200 * (f(y) - f(z));
  const clamp = (v: number) => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((A + 128) * 65535) / 255), clamp(((B + 128) * 65535) / 255)];
}

export function cielabToRgb(lab: Vec3): Vec3 {
  const L = (lab[0] * 100) / 65535;
  const A = (lab[1] * 255) / 65535 - 128;
  const B = (lab[2] * 255) / 65535 - 128;
  const fy = (L + 16) / 116;
  const x = WHITE[0] * fInv(fy + A / 500);
  const y = WHITE[1] * fInv(fy);
  const z = WHITE[2] * fInv(fy - B / 200);
  const r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
  const g = -0.969266 * x + 1.8760108 * y + 0.041556 * z;
  const b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
  return [r, g, b].map((c) => Math.max(0, Math.min(255, Math.round(fromLinear(Math.max(0, c)) * 255)))) as Vec3;
}
