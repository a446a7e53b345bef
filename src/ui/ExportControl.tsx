/**
 * The one Export control every chart and table uses: PNG and SVG of a Plotly chart (Plotly's own
 * toImage, so the file is the chart as drawn), CSV of a table (core's text tables, formula-like
 * cells escaped). Nothing is computed here beyond asking for the bytes.
 */
import { useState } from 'react';
import { exportFileName, tableToCsv, type TextTable } from '../core/eval/tables';
import { loadPlotly } from './charts/loadPlotly';
import { downloadBlob } from './download';

export interface ExportControlProps {
  /** File name stem, e.g. "k-NN confusion matrix". */
  name: string;
  /** The chart's element (Plotly graph div), for PNG and SVG. */
  chart?: () => HTMLElement | null;
  /** The table, for CSV. */
  table?: () => TextTable;
  testId?: string;
}

async function chartImage(el: HTMLElement, format: 'png' | 'svg'): Promise<Blob> {
  const Plotly = await loadPlotly();
  const width = Math.max(300, el.clientWidth);
  const height = Math.max(200, el.clientHeight);
  // PNG at twice the size so it stays sharp on slides; SVG is resolution-free.
  const url = await Plotly.toImage(el, { format, width, height, scale: format === 'png' ? 2 : 1 });
  return (await fetch(url)).blob();
}

export function ExportControl({ name, chart, table, testId = 'export' }: ExportControlProps) {
  const [error, setError] = useState<string>();
  const image = (format: 'png' | 'svg') => {
    const el = chart?.();
    if (!el) return setError('The chart is not drawn yet.');
    setError(undefined);
    chartImage(el, format)
      .then((blob) => downloadBlob(exportFileName(name, format), blob))
      .catch((e: unknown) => setError(`Could not export the chart: ${e instanceof Error ? e.message : String(e)}`));
  };
  return (
    <span className="export" data-testid={testId}>
      <span className="muted small">Export</span>
      {chart && (
        <>
          <button type="button" className="link" onClick={() => image('png')} data-testid="export-png">
            PNG
          </button>
          <button type="button" className="link" onClick={() => image('svg')} data-testid="export-svg">
            SVG
          </button>
        </>
      )}
      {table && (
        <button type="button" className="link" onClick={() => downloadBlob(exportFileName(name, 'csv'), new Blob([tableToCsv(table())], { type: 'text/csv;charset=utf-8' }))} data-testid="export-table-csv">
          CSV
        </button>
      )}
      {error && <span className="small error-text">{error}</span>}
    </span>
  );
}
