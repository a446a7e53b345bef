import { setParams, splitChoice } from '../../state/lab';
import { cancelCell, runCell } from '../../app/computeActions';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { MultiPicker, NumberField, SplitField } from '../controls';
import { ClassicResult } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';

export function LogisticCell() {
  const ds = useLab((s) => s.dataset);
  const p = useLab((s) => s.params.logistic);
  const run = useLab((s) => s.runs.logistic);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'logistic', patch);
  const result = run?.result?.kind === 'logistic' ? run.result.run : undefined;
  return (
    <Cell
      id="logistic"
      title="Logistic regression"
      intro={
        <p>
          A linear model: each genre gets a weighted sum of the (z-scored) features, and a softmax turns the sums into probabilities. <em>C</em> is the inverse strength of the L2 penalty, as in
          scikit-learn (C = 1 by default); smaller C means simpler weights. A useful baseline next to k-NN.
        </p>
      }
    >
      {ds ? (
        <>
          <div className="controls">
            <MultiPicker label="Features" options={ds.featureNames} value={p.features} onChange={(features) => set({ features })} testId="logistic-features" />
            <div className="control-col">
              <NumberField label="C" value={p.C} min={0.0001} step={0.1} onChange={(C) => set({ C })} testId="logistic-c" />
              <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!!ds.split} allowCv />
            </div>
          </div>
          <RunBar
            testId="run-logistic"
            running={run?.status === 'running'}
            progress={run?.progress ?? 0}
            disabled={p.features.length === 0 || !(p.C > 0)}
            disabledReason="choose features and C > 0"
            elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
            onRun={() => void runCell('logistic', { kind: 'logistic', features: p.features, C: p.C, split: splitChoice(p.split, p.seed) })}
            onCancel={() => cancelCell('logistic')}
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
