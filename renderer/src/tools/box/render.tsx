/** The box prompt's rubber band while dragging (screen pixels, inside the viewport's tool overlay). */

export interface RubberBandPx {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function RubberBand({ band }: { band: RubberBandPx }) {
  return <rect x={Math.min(band.x0, band.x1)} y={Math.min(band.y0, band.y1)} width={Math.abs(band.x1 - band.x0)} height={Math.abs(band.y1 - band.y0)} />;
}
