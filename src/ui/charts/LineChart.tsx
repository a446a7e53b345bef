/**
 * A small SVG line chart for the live training curves. Plotly redrew in 100–250 ms per update,
 * which stalled the page every epoch; this renders in well under a millisecond. Presentational:
 * series in, SVG out.
 */
export interface LineSeries {
  name: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(+v.toPrecision(6));
  return out;
}

export function LineChart({ title, series, height = 220, testId }: { title: string; series: LineSeries[]; height?: number; testId?: string }) {
  const width = 460;
  const m = { l: 44, r: 12, t: 24, b: 40 };
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xMax = Math.max(1, ...pts.map((p) => p.x));
  const yLo = Math.min(...pts.map((p) => p.y), Infinity);
  const yHi = Math.max(...pts.map((p) => p.y), -Infinity);
  const pad = yHi > yLo ? (yHi - yLo) * 0.08 : 0.5;
  const y0 = pts.length ? yLo - pad : 0;
  const y1 = pts.length ? yHi + pad : 1;
  const sx = (x: number) => m.l + ((x - 1) / Math.max(1, xMax - 1)) * (width - m.l - m.r);
  const sy = (y: number) => height - m.b - ((y - y0) / (y1 - y0)) * (height - m.t - m.b);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="linechart" role="img" aria-label={title} data-testid={testId}>
      <text x={width / 2} y={14} textAnchor="middle" className="lc-title">
        {title}
      </text>
      {niceTicks(y0, y1).map((t) => (
        <g key={t}>
          <line x1={m.l} x2={width - m.r} y1={sy(t)} y2={sy(t)} className="lc-grid" />
          <text x={m.l - 6} y={sy(t) + 4} textAnchor="end" className="lc-tick">
            {t}
          </text>
        </g>
      ))}
      {niceTicks(1, xMax, 5)
        .filter((t) => Number.isInteger(t))
        .map((t) => (
          <text key={t} x={sx(t)} y={height - m.b + 14} textAnchor="middle" className="lc-tick">
            {t}
          </text>
        ))}
      {/* at the right end, clear of the legend along the bottom-left */}
      <text x={width - m.r} y={height - 6} textAnchor="end" className="lc-tick">
        epoch →
      </text>
      {series.map((s) => (
        <polyline
          key={s.name}
          fill="none"
          stroke={s.color}
          strokeWidth={2}
          strokeDasharray={s.dashed ? '5 4' : undefined}
          points={s.points.filter((p) => Number.isFinite(p.y)).map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}
        />
      ))}
      {series.map((s, i) => (
        <g key={`legend-${s.name}`} transform={`translate(${m.l + i * 150}, ${height - 6})`}>
          <line x1={0} x2={18} y1={-4} y2={-4} stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '5 4' : undefined} />
          <text x={22} y={0} className="lc-tick">
            {s.name}
          </text>
        </g>
      ))}
    </svg>
  );
}
