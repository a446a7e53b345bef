import { useEffect, useRef, useState } from 'react';
import { ExportControl } from '../ExportControl';
import { loadPlotly, plotlyIfLoaded } from './loadPlotly';
import { usePresenting } from '../presenting';
import { PRESENTER_CHART_SCALE, scaleLayout } from './presentLayout';

export { loadPlotly } from './loadPlotly';

export interface PlotProps {
  data: unknown[];
  layout?: Record<string, unknown>;
  height?: number;
  testId?: string;
  ariaLabel: string;
  /** File name of the PNG/SVG export; default the aria label. Every chart can be exported. */
  exportName?: string;
}

/** A Plotly chart: (data, layout) in, chart out. Presentational only. */
export function Plot({ data, layout, height: notebookHeight = 360, testId, ariaLabel, exportName }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  // In the lecture presenter the same chart is drawn with larger labels (scaled in the layout).
  const presenting = usePresenting();
  const height = presenting ? Math.round(notebookHeight * PRESENTER_CHART_SCALE.heightScale) : notebookHeight;
  useEffect(() => {
    let alive = true;
    const full = { height, margin: { l: 60, r: 20, t: 30, b: 50 }, font: { family: 'system-ui, sans-serif', size: 12 }, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', ...layout };
    loadPlotly()
      .then((Plotly) => {
        if (!alive || !ref.current) return;
        return Plotly.react(ref.current, data, presenting ? scaleLayout({ ...full, font: { ...full.font, color: '#000' } }, PRESENTER_CHART_SCALE) : full, {
          displaylogo: false,
          responsive: true,
          modeBarButtonsToRemove: ['lasso2d', 'select2d'],
        });
      })
      .then(() => alive && ref.current?.setAttribute('data-rendered', 'true'))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [data, layout, height, presenting]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      const p = plotlyIfLoaded();
      if (el && p) void p.then((P) => P.purge(el));
    };
  }, []);
  if (error) return <div className="chart-error">Chart failed: {error}</div>;
  return (
    <div className="plot-wrap">
      <div ref={ref} className="plot" style={{ minHeight: height }} data-testid={testId} role="img" aria-label={ariaLabel} />
      <ExportControl name={exportName ?? ariaLabel} chart={() => ref.current} testId="chart-export" />
    </div>
  );
}
