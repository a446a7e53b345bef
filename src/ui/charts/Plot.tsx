import { useEffect, useRef, useState } from 'react';
import { ExportControl } from '../ExportControl';
import { loadPlotly, plotlyIfLoaded } from './loadPlotly';

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
export function Plot({ data, layout, height = 360, testId, ariaLabel, exportName }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let alive = true;
    loadPlotly()
      .then((Plotly) => {
        if (!alive || !ref.current) return;
        return Plotly.react(
          ref.current,
          data,
          { height, margin: { l: 60, r: 20, t: 30, b: 50 }, font: { family: 'system-ui, sans-serif', size: 12 }, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', ...layout },
          { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d'] },
        );
      })
      .then(() => alive && ref.current?.setAttribute('data-rendered', 'true'))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
    };
  }, [data, layout, height]);
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
