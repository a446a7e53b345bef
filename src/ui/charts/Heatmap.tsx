import { useMemo } from 'react';
import { Plot } from './Plot';

export interface HeatmapProps {
  /** values[y][x] */
  values: number[][];
  xLabels: string[];
  yLabels: string[];
  /** Colour-bar title, e.g. "accuracy". */
  valueLabel: string;
  ariaLabel: string;
  testId?: string;
}

/** A labelled heatmap (rows = yLabels), sized to its rows; the values come computed from core. */
export function Heatmap({ values, xLabels, yLabels, valueLabel, ariaLabel, testId }: HeatmapProps) {
  const data = useMemo(
    () => [{ type: 'heatmap', z: values, x: xLabels, y: yLabels, colorscale: 'Viridis', colorbar: { title: { text: valueLabel } }, hovertemplate: `%{y}<br>+ %{x}<br>${valueLabel} %{z:.3f}<extra></extra>` }],
    [values, xLabels, yLabels, valueLabel],
  );
  const left = Math.min(360, 12 + 6.5 * Math.max(0, ...yLabels.map((l) => l.length)));
  return (
    <div data-testid={testId}>
      <Plot data={data} layout={{ margin: { l: left, r: 20, t: 10, b: 130 }, xaxis: { tickfont: { size: 9 }, tickangle: -60 }, yaxis: { tickfont: { size: 10 } } }} height={Math.max(300, 40 * yLabels.length + 160)} ariaLabel={ariaLabel} />
    </div>
  );
}
