import { SCALINGS, type ScalingKind } from '../../core/data/scale';
import { classicKind, classicKinds, type ClassicKindId, type ClassicSetting } from '../../core/models/registry';
import { setParams } from '../../state/lab';
import { cancelClassicCell, runClassicCell, setClassicSetting } from '../../app/classicActions';
import { labStore } from '../../app/store';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { MultiPicker, NumberField, SelectField, SplitField, TextField } from '../controls';
import { ClassicResult } from '../ResultView';
import { useLab } from '../store';

/** The menu: the registry's classic kinds that have no cell of their own. */
const MODELS = classicKinds()
  .filter((k) => !k.ownCell)
  .map((k) => ({ value: k.id, label: k.label }));
const SCALING_OPTIONS = (Object.keys(SCALINGS) as ScalingKind[]).map((value) => ({ value, label: SCALINGS[value].label }));

function SettingField({ s, value, onChange }: { s: ClassicSetting; value: number | string; onChange(v: number | string): void }) {
  const testId = `classic-${s.key}`;
  if (s.type === 'choice') return <SelectField label={s.label} value={String(value)} options={(s.options ?? []).map((o) => ({ value: o, label: o }))} onChange={onChange} testId={testId} />;
  if (s.type === 'gamma') return <TextField label={s.label} value={String(value)} onChange={onChange} testId={testId} title='"scale" (1 / (features · variance)), "auto" (1 / features) or a number' />;
  return <NumberField label={s.label} value={Number(value)} min={s.type === 'integer' ? s.min : undefined} step={s.type === 'integer' ? 1 : 'any'} onChange={onChange} testId={testId} />;
}

export function ClassicCell() {
  const ds = useLab((s) => s.dataset);
  const p = useLab((s) => s.params.classic);
  const run = useLab((s) => s.runs.classic);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'classic', patch);
  const result = run?.result?.kind === 'classic' ? run.result.run : undefined;
  const kind = classicKind(p.model);
  const values = p.settings[p.model] ?? {};
  return (
    <Cell
      id="classic"
      title="Classic models"
      intro={
        <p>
          The baselines of the GTZAN papers, with scikit-learn’s defaults: a <em>support vector machine</em> (RBF or linear kernel; C trades margin width against training errors, gamma is the
          RBF’s reach), a <em>linear SVM</em>, <em>Extra Trees</em> (a forest whose split thresholds are drawn at random) and an <em>SGD</em> linear classifier. Features are scaled with the training
          rows only — z-score, or min-max to [0, 1].
        </p>
      }
    >
      {ds ? (
        <>
          <div className="controls">
            <MultiPicker label="Features" options={ds.featureNames} value={p.features} onChange={(features) => set({ features })} testId="classic-features" />
            <div className="control-col">
              <SelectField label="Model" value={p.model} options={MODELS} onChange={(model: ClassicKindId) => set({ model })} testId="classic-model" />
              <p className="muted small">{kind.description}</p>
              {(kind.settings ?? []).map((s) => (
                <SettingField key={s.key} s={s} value={values[s.key] ?? s.default} onChange={(v) => setClassicSetting(p.model, s.key, v)} />
              ))}
              {kind.seeded && <NumberField label="seed" value={p.seed} min={0} onChange={(seed) => set({ seed })} testId="classic-seed" />}
              <SelectField label="Scaling" value={p.scaling} options={SCALING_OPTIONS} onChange={(scaling) => set({ scaling })} testId="classic-scaling" />
              <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!!ds.split} allowCv testId="classic-split" />
            </div>
          </div>
          <RunBar
            testId="run-classic"
            running={run?.status === 'running'}
            progress={run?.progress ?? 0}
            disabled={p.features.length === 0}
            disabledReason="choose at least one feature"
            elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
            onRun={() => void runClassicCell()}
            onCancel={cancelClassicCell}
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
