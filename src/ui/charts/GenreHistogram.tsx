import { useMemo } from 'react';
import type { FeatureHistogram } from '../../core/eval/histogram';
import { genreColor } from './colors';
import { Plot } from './Plot';

/** Overlaid per-genre density histograms of one feature (bins computed in core). */
export function GenreHistogram({ feature, h }: { feature: string; h: FeatureHistogram }) {
  const { data, layout } = useMemo(() => {
    const centers = Array.from({ length: h.edges.length - 1 }, (_, i) => (h.edges[i]! + h.edges[i + 1]!) / 2);
    let top = 0;
    for (const s of h.series) for (const d of s.density) top = Math.max(top, d);
    return {
      data: h.series.map((s) => ({
        type: 'bar',
        name: `${s.genre} (n=${s.n})`,
        x: centers,
        y: Array.from(s.density),
        width: h.binWidth,
        opacity: 0.55,
        marker: { color: genreColor(s.genre) },
        hovertemplate: `${s.genre}<br>%{x:.4g}: density %{y:.3g}<extra></extra>`,
      })),
      layout: { barmode: 'overlay', title: { text: feature, font: { size: 13 } }, xaxis: { automargin: true }, yaxis: { title: { text: 'density' }, range: [0, (top || 1) * 1.08] }, legend: { orientation: 'h', y: -0.18 } },
    };
  }, [feature, h]);
  return <Plot data={data} layout={layout} height={300} ariaLabel={`histogram of ${feature} by genre`} testId="histogram" />;
}
