/** The brush's (and eraser's) cursor: a circle of the brush radius under the pointer, inside the viewport's tool overlay. */

export function BrushCursor({ at, radiusMm, mmPerPx }: { at: { x: number; y: number }; radiusMm: number; mmPerPx: number }) {
  return <circle cx={at.x} cy={at.y} r={radiusMm / mmPerPx} />;
}
