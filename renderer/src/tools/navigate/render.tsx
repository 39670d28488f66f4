/** The crosshair of an MPR view: two lines through the crosshair's screen point (the e2e tests read its data-x/data-y). */
import type { MprView, Size } from '../../geometry/mprGeometry';

export function Crosshair({ view, size, at }: { view: MprView; size: Size; at: [number, number] }) {
  return (
    <svg className="crosshair" width={size.width} height={size.height} data-testid={`${view}-crosshair`} data-x={at[0].toFixed(2)} data-y={at[1].toFixed(2)}>
      <line x1={0} x2={size.width} y1={at[1]} y2={at[1]} />
      <line x1={at[0]} x2={at[0]} y1={0} y2={size.height} />
    </svg>
  );
}
