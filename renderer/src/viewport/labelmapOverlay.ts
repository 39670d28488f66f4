/**
 * Colours one resliced labelmap slice (pure; no WebGL) as RGBA for the
 * overlay image: per-segment colour, hidden segments transparent, fill or
 * outline (a pixel is on the outline when a 4-neighbour has another label,
 * or lies outside the slice).
 */
export type OverlayMode = 'fill' | 'outline';

/** A 256-entry RGBA table (alpha 0 = not drawn) indexed by label value. */
export type LabelColourTable = Uint8Array;

export function colourLabels(labels: ArrayLike<number>, width: number, height: number, table: LabelColourTable, mode: OverlayMode, out: Uint8Array): void {
  if (out.length < width * height * 4) throw new RangeError('output buffer too small');
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o++) {
      const l = labels[o] as number;
      const t = (l & 255) * 4;
      let draw = l !== 0 && table[t + 3]! > 0;
      if (draw && mode === 'outline') {
        draw =
          x === 0 || y === 0 || x === width - 1 || y === height - 1 ||
          labels[o - 1] !== l || labels[o + 1] !== l || labels[o - width] !== l || labels[o + width] !== l;
      }
      const q = o * 4;
      if (draw) {
        out[q] = table[t]!;
        out[q + 1] = table[t + 1]!;
        out[q + 2] = table[t + 2]!;
        out[q + 3] = table[t + 3]!;
      } else {
        out[q] = 0;
        out[q + 1] = 0;
        out[q + 2] = 0;
        out[q + 3] = 0;
      }
    }
  }
}
