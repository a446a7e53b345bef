import { useMemo } from 'react';
import { setParams } from '../../state/lab';
import { Cell, ErrorBox } from '../Cell';
import { genreColor } from '../charts/colors';
import { GenreHistogram } from '../charts/GenreHistogram';
import { Plot } from '../charts/Plot';
import { MultiPicker } from '../controls';
import { MelSpectrograms } from './MelSpectrograms';
import { labStore } from '../../app/store';
import { useLab } from '../store';

export function ExploreCell() {
  const ds = useLab((s) => s.dataset);
  const p = useLab((s) => s.params.explore);
  const hist = useLab((s) => s.runs.histograms);
  const corr = useLab((s) => s.runs.correlation);
  const pca = useLab((s) => s.runs.pca);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'explore', patch);
  const running = [hist, corr, pca].some((r) => r?.status === 'running');
  return (
    <Cell
      id="explore"
      title="Explore"
      intro={
        <p>
          Before training anything, look at the data. The histograms show how one feature is distributed in each genre (densities, so genres with more rows do not look bigger): where genres
          overlap, that feature alone cannot tell them apart. The heatmap shows which of the ticked features move together (correlated features carry the same information), and PCA squeezes
          them into the two directions of largest variance. Every view follows the ticks as you change them, on the ticked genres’ rows.
        </p>
      }
    >
      {ds ? (
        <>
          <div className="controls">
            <MultiPicker label="Features (up to 8)" options={ds.featureNames} value={p.features} onChange={(features) => set({ features })} testId="explore-features" max={8} />
            <MultiPicker label="Genres" options={ds.genres} value={p.genres} onChange={(genres) => set({ genres })} testId="explore-genres" />
          </div>
          <p className="muted small" data-testid="explore-status" data-state={running ? 'updating' : 'ready'}>
            {p.features.length === 0 || p.genres.length === 0
              ? 'Tick at least one feature and one genre.'
              : running
                ? 'Updating…'
                : p.features.length < 2
                  ? 'Tick a second feature for the correlation heatmap and PCA.'
                  : `${p.features.length} features × ${p.genres.length} genres.`}
          </p>
          <ErrorBox error={[hist, corr, pca].find((r) => r?.status === 'error')?.error} />
          {hist?.result?.kind === 'histograms' && (
            <div className="grid2" data-testid="histograms">
              {hist.result.histograms.items.map((it) => (
                <GenreHistogram key={it.feature} feature={it.feature} h={it.histogram} />
              ))}
            </div>
          )}
          <div className="two-col">
            {corr?.result?.kind === 'correlation' && <CorrelationHeatmap features={corr.result.correlation.features} matrix={corr.result.correlation.matrix} />}
            {pca?.result?.kind === 'pca' && <PcaScatter r={pca.result.pca} />}
          </div>
          <MelSpectrograms genres={ds.genres} />
        </>
      ) : (
        <p className="muted">Load a table in the Data cell first.</p>
      )}
    </Cell>
  );
}

function CorrelationHeatmap({ features, matrix }: { features: string[]; matrix: number[][] }) {
  const data = useMemo(() => [{ type: 'heatmap', z: matrix, x: features, y: features, zmin: -1, zmax: 1, colorscale: 'RdBu', reversescale: true, hovertemplate: '%{y} × %{x}: r = %{z:.2f}<extra></extra>' }], [features, matrix]);
  // Feature names on both axes (Explore ticks at most 8 features, so they fit); automargin makes room for them.
  const layout = useMemo(
    () => ({ title: { text: 'Pearson correlation of the ticked features', font: { size: 13 } }, xaxis: { showticklabels: true, tickfont: { size: 9 }, tickangle: -40, automargin: true }, yaxis: { autorange: 'reversed', showticklabels: true, tickfont: { size: 9 }, automargin: true }, margin: { l: 40, r: 10, t: 30, b: 40 } }),
    [],
  );
  return (
    <div data-testid="correlation-heatmap">
      <Plot data={data} layout={layout} height={440} ariaLabel="correlation heatmap" />
    </div>
  );
}

function PcaScatter({ r }: { r: { x: number[]; y: number[]; labels: number[]; trackIds: string[]; explainedVarianceRatio: number[]; genres: string[] } }) {
  const data = useMemo(
    () =>
      r.genres.map((g, gi) => {
        const idx = r.labels.flatMap((l, i) => (l === gi ? [i] : []));
        return { type: 'scatter', mode: 'markers', name: g, x: idx.map((i) => r.x[i]), y: idx.map((i) => r.y[i]), text: idx.map((i) => r.trackIds[i]), marker: { size: 5, color: genreColor(g), opacity: 0.7 }, hovertemplate: '%{text}<extra>' + g + '</extra>' };
      }),
    [r],
  );
  const ev = r.explainedVarianceRatio.map((v) => (v * 100).toFixed(1));
  const layout = useMemo(() => ({ title: { text: 'PCA of the ticked features (z-scored)', font: { size: 13 } }, xaxis: { title: { text: `PC1 (${ev[0]} % of variance)` } }, yaxis: { title: { text: `PC2 (${ev[1]} %)` } } }), [ev[0], ev[1]]);
  return (
    <div data-testid="pca-scatter">
      <Plot data={data} layout={layout} height={440} ariaLabel="PCA scatter" />
    </div>
  );
}
