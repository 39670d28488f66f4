/** Draws a RECIST plot (common/recist/plots: spider plot or sum-of-diameters curve) as SVG; the PDF report draws the same paths. */
import { SERIES_COLOURS, type Plot } from '../../../common/recist/plots';

export function RecistPlot({ plot, testId }: { plot: Plot; testId: string }) {
  const a = plot.area;
  return (
    <svg className="recist-plot" width={plot.width} height={plot.height} viewBox={`0 0 ${plot.width} ${plot.height}`} data-testid={testId}>
      <text x={a.left} y={14} className="title">
        {plot.title}
      </text>
      <path d={`M ${a.left} ${a.top} L ${a.left} ${a.bottom} L ${a.right} ${a.bottom}`} className="axis" />
      {plot.yTicks.map((t) => (
        <text key={`y${t.label}`} x={a.left - 4} y={t.y + 3} textAnchor="end">
          {t.label}
        </text>
      ))}
      {plot.xTicks.map((t, n) => (
        <text key={`x${n}`} x={t.x} y={a.bottom + 12} textAnchor="middle">
          {t.label}
        </text>
      ))}
      {plot.guides.map((g) => (
        <g key={g.label} className="guide">
          <path d={g.path} />
          <text x={a.right} y={g.y - 2} textAnchor="end">
            {g.label}
          </text>
        </g>
      ))}
      {plot.series.map((s, n) => {
        const colour = SERIES_COLOURS[n % SERIES_COLOURS.length];
        return (
          <g key={s.id} data-series={s.id}>
            <path d={s.path} stroke={colour} strokeWidth={2} fill="none" />
            {s.points.map((p, k) => (
              <circle key={k} cx={p.x} cy={p.y} r={3} fill={colour}>
                <title>{p.label}</title>
              </circle>
            ))}
          </g>
        );
      })}
    </svg>
  );
}
