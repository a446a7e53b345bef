import { useMemo } from 'react';
import { Plot } from './Plot';

/** Confusion matrix heatmap: rows = true genre, columns = predicted; counts or row-normalised. */
export function ConfusionMatrix({ confusion, genres, normalized, testId = 'confusion-matrix' }: { confusion: number[][]; genres: string[]; normalized: boolean; testId?: string }) {
  const { data, layout } = useMemo(() => {
    const z = normalized ? confusion.map((row) => { const s = row.reduce((a, b) => a + b, 0); return row.map((v) => (s ? v / s : 0)); }) : confusion;
    const text = z.map((row) => row.map((v) => (normalized ? v.toFixed(2) : String(v))));
    return {
      data: [{ type: 'heatmap', z, x: genres, y: genres, text, texttemplate: '%{text}', colorscale: 'Blues', reversescale: true, showscale: false, hovertemplate: 'true %{y}<br>predicted %{x}<br>%{text}<extra></extra>' }],
      layout: { xaxis: { title: { text: 'predicted' }, side: 'bottom' }, yaxis: { title: { text: 'true' }, autorange: 'reversed' } },
    };
  }, [confusion, genres, normalized]);
  return (
    <div data-testid={testId} className="confusion">
      <Plot data={data} layout={layout} height={Math.max(260, 34 * genres.length + 90)} ariaLabel="confusion matrix" />
    </div>
  );
}
