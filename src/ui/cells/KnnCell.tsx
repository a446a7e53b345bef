import { resolveFeatures } from '../../core/data/featureNames';
import { PRESETS } from '../../core/presets/registry';
import { setParams } from '../../state/lab';
import { cancelCell, runCellFromParams } from '../../app/computeActions';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { MultiPicker, NumberField, SelectField, SplitField } from '../controls';
import { ClassicResult } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';

export function KnnCell() {
  const ds = useLab((s) => s.dataset);
  const p = useLab((s) => s.params.knn);
  const run = useLab((s) => s.runs.knn);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'knn', patch);
  const result = run?.result?.kind === 'knn' ? run.result.run : undefined;
  // Every preset that stands for k-NN settings offers a button (the registry is the one definition).
  const presets = ds
    ? PRESETS.flatMap((preset) => {
        const c = preset.cellSettings;
        if (c?.cell !== 'knn') return [];
        const features = resolveFeatures(c.features, ds.featureNames);
        return features.length === c.features.length ? [{ preset, settings: { features, k: c.k, weights: c.weights } }] : [];
      })
    : [];
  return (
    <Cell
      id="knn"
      title="k-NN"
      intro={
        <p>
          k-nearest neighbours labels a test track with the genres of the k training tracks closest to it in feature space. Features are z-scored with the training set’s mean and standard
          deviation only, so nothing about the test set leaks in. With <em>distance</em> weighting closer neighbours count more. Distance ties go to the earlier training row; equal votes go to the
          genre listed first.
        </p>
      }
    >
      {ds ? (
        <>
          <div className="controls">
            <MultiPicker label="Features" options={ds.featureNames} value={p.features} onChange={(features) => set({ features })} testId="knn-features" />
            <div className="control-col">
              <NumberField label="k" value={p.k} min={1} max={200} onChange={(k) => set({ k })} testId="knn-k" />
              <SelectField label="Weighting" value={p.weights} options={[{ value: 'distance', label: 'distance' }, { value: 'uniform', label: 'uniform' }]} onChange={(weights) => set({ weights })} testId="knn-weights" />
              <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!!ds.split} allowCv testId="knn-split" />
              {presets.map(({ preset, settings }) => (
                <button key={preset.id} type="button" className="link" onClick={() => set({ ...settings, split: 'auto' })} data-testid={`knn-preset-${preset.id}`} title={preset.title}>
                  {preset.title.split(':')[0]} preset
                </button>
              ))}
            </div>
          </div>
          <RunBar
            testId="run-knn"
            running={run?.status === 'running'}
            progress={run?.progress ?? 0}
            disabled={p.features.length === 0}
            disabledReason="choose at least one feature"
            elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
            onRun={() => void runCellFromParams('knn')}
            onCancel={() => cancelCell('knn')}
          />
          <ErrorBox error={run?.status === 'error' ? run.error : undefined} />
          {result && <ClassicResult run={result} normalized={p.normalized} onToggleNormalized={(normalized) => set({ normalized })} />}
        </>
      ) : (
        <p className="muted">Load a table in the Data cell first.</p>
      )}
    </Cell>
  );
}
