import { useMemo } from 'react';
import type { SearchResult } from '../../core/eval/search';
import { setParams } from '../../state/lab';
import { cancelCell, runCell, runCellFromParams } from '../../app/computeActions';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { Plot } from '../charts/Plot';
import { Heatmap } from '../charts/Heatmap';
import { MultiPicker, NumberField, SelectField, SplitField } from '../controls';
import { pct } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';

export function FeatureSelectionCell() {
  const ds = useLab((s) => s.dataset);
  return (
    <Cell
      id="selection"
      title="Feature selection"
      intro={
        <p>
          Which features matter? Three views: a random forest’s importances, an exhaustive search over small feature combinations with k-NN (the NTNU study’s Task 3), and an MRMR ranking that prefers
          features that tell genres apart but do not repeat each other.
        </p>
      }
    >
      {ds ? (
        <>
          <Importance />
          <Search />
          <Mrmr />
        </>
      ) : (
        <p className="muted">Load a table in the Data cell first.</p>
      )}
    </Cell>
  );
}

function Importance() {
  const ds = useLab((s) => s.dataset)!;
  const p = useLab((s) => s.params.importance);
  const run = useLab((s) => s.runs.importance);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'importance', patch);
  const r = run?.result?.kind === 'importance' ? run.result.importance : undefined;
  const data = useMemo(() => {
    if (!r) return [];
    const order = r.impurity.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 25).reverse();
    const traces: unknown[] = [{ type: 'bar', orientation: 'h', name: 'impurity (Gini decrease, train)', x: order.map(([v]) => v), y: order.map(([, i]) => r.features[i]), marker: { color: '#1d3557' } }];
    if (r.permutation) traces.push({ type: 'bar', orientation: 'h', name: 'permutation (accuracy drop, test)', x: order.map(([, i]) => r.permutation!.mean[i]), y: order.map(([, i]) => r.features[i]), error_x: { type: 'data', array: order.map(([, i]) => r.permutation!.std[i]) }, marker: { color: '#e76f51' } });
    return traces;
  }, [r]);
  return (
    <div className="subcell">
      <h3>Random-forest importance</h3>
      <p className="small">
        <em>Impurity</em> importance is the mean decrease in Gini impurity a feature brings across all splits of the forest, on the training rows (it favours features with many distinct values).{' '}
        <em>Permutation</em> importance is how much test accuracy drops when that one feature’s values are shuffled. Top 25 shown.
      </p>
      <div className="controls-inline">
        <NumberField label="trees" value={p.nTrees} min={1} max={1000} onChange={(nTrees) => set({ nTrees })} testId="importance-trees" />
        <NumberField label="seed" value={p.seed} onChange={(seed) => set({ seed })} />
        <NumberField label="permutation repeats" value={p.permutationRepeats} min={0} max={50} onChange={(permutationRepeats) => set({ permutationRepeats })} />
        <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!!ds.split} />
      </div>
      <RunBar
        testId="run-importance"
        running={run?.status === 'running'}
        progress={run?.progress ?? 0}
        elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
        onRun={() => void runCellFromParams('importance')}
        onCancel={() => cancelCell('importance')}
      />
      <ErrorBox error={run?.status === 'error' ? run.error : undefined} />
      {r && (
        <div data-testid="importance-chart">
          <p className="small">
            Forest accuracy on the test rows: <strong data-testid="forest-accuracy">{pct(r.forest.rows.accuracy)}</strong>, macro F1 {r.forest.rows.macroF1.toFixed(3)}.
          </p>
          <Plot data={data} layout={{ barmode: 'group', margin: { l: 190, r: 20, t: 20, b: 40 }, legend: { orientation: 'h', y: -0.08 } }} height={Math.max(360, 22 * Math.min(25, r.features.length) + 80)} ariaLabel="feature importance" />
        </div>
      )}
    </div>
  );
}

function Search() {
  const ds = useLab((s) => s.dataset)!;
  const p = useLab((s) => s.params.search);
  const run = useLab((s) => s.runs.search);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'search', patch);
  const r = run?.result?.kind === 'search' ? run.result.search : undefined;
  const nExtras = ds.featureNames.length - p.base.length;
  const nSubsets = binomial(p.base.length, p.choose);
  return (
    <div className="subcell">
      <h3>Combination search</h3>
      <p className="small">
        Take every choice of <em>m</em> features from the base set, add one more feature from all the others, and run k-NN on each combination. Rows of the heatmap are the base subsets, columns the
        extra feature, colour the score. This is {nSubsets} × {nExtras} = <strong>{nSubsets * nExtras}</strong> k-NN runs.
      </p>
      <div className="controls">
        <MultiPicker label="Base set" options={ds.featureNames} value={p.base} onChange={(base) => set({ base, choose: Math.min(p.choose, Math.max(1, base.length)) })} testId="search-base" max={8} />
        <div className="control-col">
          <NumberField label="m (choose from base)" value={p.choose} min={1} max={Math.max(1, p.base.length)} onChange={(choose) => set({ choose })} testId="search-choose" />
          <NumberField label="k" value={p.k} min={1} onChange={(k) => set({ k })} />
          <SelectField label="Weighting" value={p.weights} options={[{ value: 'distance', label: 'distance' }, { value: 'uniform', label: 'uniform' }]} onChange={(weights) => set({ weights })} />
          <SelectField label="Colour by" value={p.metric} options={[{ value: 'macroF1', label: 'macro F1' }, { value: 'accuracy', label: 'accuracy' }]} onChange={(metric) => set({ metric })} />
          <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!!ds.split} />
        </div>
      </div>
      <RunBar
        testId="run-search"
        running={run?.status === 'running'}
        progress={run?.progress ?? 0}
        disabled={p.base.length === 0 || p.choose > p.base.length || nExtras === 0}
        disabledReason="choose a base set and m ≤ its size"
        elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
        onRun={() => void runCellFromParams('search')}
        onCancel={() => cancelCell('search')}
      />
      <ErrorBox error={run?.status === 'error' ? run.error : undefined} />
      {r && <SearchView r={r} metric={p.metric} />}
    </div>
  );
}

function SearchView({ r, metric }: { r: SearchResult; metric: 'macroF1' | 'accuracy' }) {
  const z = useMemo(() => r.subsets.map((_, s) => r.extras.map((_, e) => r.cells[s * r.extras.length + e]![metric])), [r, metric]);
  const subsets = useMemo(() => r.subsets.map((s) => s.join(' + ')), [r]);
  return (
    <div>
      <p className="best" data-testid="best-combination">
        Best: <strong>{r.best.features.slice(0, -1).join(', ')}</strong> + <strong>{r.best.features[r.best.features.length - 1]}</strong> — accuracy {pct(r.best.accuracy)} ({r.best.correct}/{r.best.n}), macro F1 {r.best.macroF1.toFixed(3)}
      </p>
      <Heatmap values={z} xLabels={r.extras} yLabels={subsets} valueLabel={metric === 'macroF1' ? 'macro F1' : 'accuracy'} ariaLabel="combination search heatmap" testId="search-heatmap" />
      <p className="muted small">
        {r.cells.length} combinations on {r.nTest} test rows ({r.split}), computed in {r.elapsedMs.toFixed(0)} ms. Ranked by accuracy, ties by macro F1.
      </p>
    </div>
  );
}

function Mrmr() {
  const ds = useLab((s) => s.dataset)!;
  const p = useLab((s) => s.params.mrmr);
  const run = useLab((s) => s.runs.mrmr);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'mrmr', patch);
  const r = run?.result?.kind === 'mrmr' ? run.result.mrmr : undefined;
  return (
    <div className="subcell">
      <h3>MRMR ranking</h3>
      <p className="small">
        Minimum redundancy, maximum relevance: pick, one by one, the feature with the highest mutual information with the genre minus its mean mutual information with the features already picked.
        Computed on the training rows only, each feature cut into equal-frequency bins.
      </p>
      <div className="controls-inline">
        <NumberField label="bins" value={p.nBins} min={2} max={50} onChange={(nBins) => set({ nBins })} />
        <NumberField label="show top" value={p.top} min={1} max={ds.featureNames.length} onChange={(top) => set({ top })} />
      </div>
      <RunBar
        testId="run-mrmr"
        running={run?.status === 'running'}
        progress={run?.progress ?? 0}
        elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
        onRun={() => void runCell('mrmr', { kind: 'mrmr', features: ds.featureNames, nBins: p.nBins, split: { kind: 'auto', testFraction: 0.2, seed: 0 } })}
        onCancel={() => cancelCell('mrmr')}
      />
      <ErrorBox error={run?.status === 'error' ? run.error : undefined} />
      {r && (
        <ol className="mrmr" data-testid="mrmr-list">
          {r.steps.slice(0, p.top).map((s) => (
            <li key={s.feature}>
              <code>{s.name}</code> <span className="muted">relevance {s.relevance.toFixed(3)} − redundancy {s.redundancy.toFixed(3)} = {s.score.toFixed(3)} nats</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}
