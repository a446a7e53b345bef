import { useEffect, useRef, useState } from 'react';
import type { PlotlyApi } from './plotly';

let plotlyPromise: Promise<PlotlyApi> | undefined;
/** Load (and evaluate) the Plotly chunk; called early in idle time so no later chart pays for it. */
export function loadPlotly(): Promise<PlotlyApi> {
  plotlyPromise ??= import('./plotly').then((m) => {
    // A marker tests (and curious students) can read: the chart library is loaded.
    if (typeof document !== 'undefined') document.documentElement.dataset['plotly'] = 'ready';
    return m.default;
  });
  return plotlyPromise;
}

export interface PlotProps {
  data: unknown[];
  layout?: Record<string, unknown>;
  height?: number;
  testId?: string;
  ariaLabel: string;
}

/** A Plotly chart: (data, layout) in, chart out. Presentational only. */
export function Plot({ data, layout, height = 360, testId, ariaLabel }: PlotProps) {
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
      if (el && plotlyPromise) void plotlyPromise.then((P) => P.purge(el));
    };
  }, []);
  if (error) return <div className="chart-error">Chart failed: {error}</div>;
  return <div ref={ref} className="plot" style={{ minHeight: height }} data-testid={testId} role="img" aria-label={ariaLabel} />;
}
