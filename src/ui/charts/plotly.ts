/**
 * Plotly, partial bundle: only the traces the lab draws (heatmap, histogram, scatter, bar) —
 * about a quarter of the full bundle (BROWSER.md). Loaded lazily, so the first paint never waits.
 * The core (lib/core) carries toImage/downloadImage, so charts export as PNG and SVG from it.
 */
import Plotly from 'plotly.js/lib/core';
import heatmap from 'plotly.js/lib/heatmap';
import histogram from 'plotly.js/lib/histogram';
import scatter from 'plotly.js/lib/scatter';
import bar from 'plotly.js/lib/bar';

Plotly.register([heatmap, histogram, scatter, bar]);

export default Plotly as PlotlyApi;

export interface PlotlyApi {
  react(el: HTMLElement, data: unknown[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
  purge(el: HTMLElement): void;
  /** A data URL of the chart as drawn (`data:image/png;base64,…` or `data:image/svg+xml,…`). */
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width: number; height: number; scale?: number }): Promise<string>;
}
