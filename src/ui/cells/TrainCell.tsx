import { useEffect, useRef } from 'react';
import { neuralKind, neuralKinds } from '../../core/models/registry';
import { defaultSequenceLength } from '../../core/data/sequences';
import type { EpochMetrics } from '../../core/models/loop';
import { setParams, type ModelKindParam } from '../../state/lab';
import { describeWasm } from '../../core/models/wasmInfo';
import { cancelTraining, chooseBackendNow, selectTrainModel, startCrossValidation, startTraining } from '../../app/trainActions';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { ConfusionExplorer } from '../ConfusionExplorer';
import { LineChart } from '../charts/LineChart';
import { MultiPicker, NumberField, SelectField, SplitField } from '../controls';
import { Metric, pct } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';
import { SavedModels } from './SavedModels';
import { CnnOptions } from './CnnOptions';
import { SpectrogramSetPanel } from './SpectrogramSetPanel';

/** The model menu: the registry's neural kinds (the CNNs train on a spectrogram set built in this cell). */
const KINDS: { value: ModelKindParam; label: string }[] = neuralKinds().map((k) => ({ value: k.id, label: k.description }));

function fmtMs(ms?: number): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `resultId`: show this Compare entry as the result (the lecture presenter's prepared run) instead of the latest run's. */
export function TrainCell({ resultId }: { resultId?: string } = {}) {
  const ds = useLab((s) => s.dataset);
  const p = useLab((s) => s.params.train);
  const t = useLab((s) => s.training);
  const backend = useLab((s) => s.backend);
  const notice = useLab((s) => s.trainingNotice);
  const entry = useLab((s) => {
    const id = resultId ?? s.training?.resultId;
    return id ? s.compare.find((c) => c.id === id) : undefined;
  });
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'train', patch);
  const asked = useRef(false);
  useEffect(() => {
    // Measure the tfjs backends once, when the cell first shows (not at page load).
    if (!asked.current && !backend) {
      asked.current = true;
      chooseBackendNow(p.backend);
    }
  }, [backend, p.backend]);
  const running = t?.status === 'running';
  const d = neuralKind(p.kind).defaults;
  const seqDefault = ds ? defaultSequenceLength(ds) : 1;
  const cnn = neuralKind(p.kind).input === 'spectrogram-crops';
  const modelMenu = (
    <SelectField
      label="Model"
      value={p.kind}
      options={KINDS}
      onChange={selectTrainModel}
      testId="train-model"
    />
  );
  return (
    <Cell
      id="train"
      title="Train a neural network"
      intro={
        <p>
          Train in your browser with TensorFlow.js, in a background worker. An <b>MLP</b> classifies each row (segment) and the segments of a test track vote. <b>LSTM</b>, <b>GRU</b> and <b>BiLSTM</b>{' '}
          read a track’s segments in order (10 s table → 3 steps, 3 s → 10 steps). An <b>ensemble</b> trains several copies with different seeds and lets them vote; <b>distillation</b> trains such copies first as teachers and lets one model learn from their answers. Features are z-scored with
          training statistics; the validation share comes out of the training tracks, never the test set. <b>Cross-validate</b> scores the settings on the training tracks alone (k folds by track), so you can compare settings without wearing out the test set.
          The <b>CNNs</b> (a small VGG, or the Toronto report’s CNN) learn from log-mel spectrograms of audio instead of the feature table: pick one and build a spectrogram set here.
        </p>
      }
    >
      {cnn && <SpectrogramSetPanel />}
      {ds || cnn ? (
        <>
          <div className="controls">
            <div className="control-col">
              {modelMenu}
              {ds && !cnn && (
              <SelectField
                label="Features"
                value={p.featureMode}
                options={[
                  { value: 'all', label: `all ${ds.featureNames.length}` },
                  { value: 'chosen', label: 'the ones I pick' },
                  { value: 'mrmr', label: 'top-k of the MRMR ranking' },
                ]}
                onChange={(featureMode) => set({ featureMode })}
                testId="train-feature-mode"
              />
              )}
              {ds && !cnn && p.featureMode === 'mrmr' && <NumberField label="k (top MRMR features)" value={p.topK} min={1} max={ds.featureNames.length} onChange={(topK) => set({ topK })} />}
              {neuralKind(p.kind).input === 'segment-sequences' && <NumberField label={`Sequence length (0 = ${seqDefault} from the table)`} value={p.steps} min={0} max={30} onChange={(steps) => set({ steps })} testId="train-steps" />}
              <SplitField value={p.split} onChange={(split) => set({ split })} hasPredefined={!cnn && !!ds?.split} />
            </div>
            <div className="control-col">
              <NumberField label={`Epochs (0 = default ${d.epochs})`} value={p.epochs} min={0} max={1000} onChange={(epochs) => set({ epochs })} testId="train-epochs" />
              <NumberField label="Batch size" value={p.batchSize} min={1} max={1024} onChange={(batchSize) => set({ batchSize })} testId="train-batch" />
              <NumberField label="Learning rate" value={p.learningRate} min={0.00001} max={1} step={0.0001} onChange={(learningRate) => set({ learningRate })} testId="train-lr" />
              <NumberField label="Ensemble size" value={p.ensemble} min={1} max={50} onChange={(ensemble) => set({ ensemble })} testId="train-ensemble" />
              {!cnn && <NumberField label="Distil from teachers (0 = off)" value={p.distill} min={0} max={20} onChange={(distill) => set({ distill })} testId="train-distill" />}
              <NumberField label="Seed" value={p.seed} onChange={(seed) => set({ seed })} testId="train-seed" />
              <NumberField label="Validation share of training tracks" value={p.validationFraction} min={0} max={0.5} step={0.05} onChange={(validationFraction) => set({ validationFraction })} testId="train-validation" />
              <label className="toggle">
                <input type="checkbox" checked={p.earlyStopping} onChange={(e) => set({ earlyStopping: e.target.checked })} /> early stopping (patience {p.patience}, restores the best weights)
              </label>
            </div>
          </div>
          <details className="train-regularisation" data-testid="train-regularisation">
            <summary>
              Regularisation: dropout {p.dropout}, label smoothing {p.labelSmoothing}, mixup {p.mixup > 0 ? `α ${p.mixup}` : 'off'}, {p.schedule} learning rate
            </summary>
            <div className="controls">
              <div className="control-col">
                <NumberField label="Dropout" value={p.dropout} min={0} max={0.9} step={0.05} onChange={(dropout) => set({ dropout })} testId="train-dropout" />
                <NumberField label="Label smoothing" value={p.labelSmoothing} min={0} max={0.5} step={0.05} onChange={(labelSmoothing) => set({ labelSmoothing })} testId="train-label-smoothing" />
              </div>
              <div className="control-col">
                <NumberField label="Mixup α (0 = off)" value={p.mixup} min={0} max={2} step={0.1} onChange={(mixup) => set({ mixup })} testId="train-mixup" />
                <SelectField
                  label="Learning-rate schedule"
                  value={p.schedule}
                  options={[
                    { value: 'constant', label: 'constant' },
                    { value: 'cosine', label: 'cosine decay to 0' },
                  ]}
                  onChange={(schedule) => set({ schedule })}
                  testId="train-schedule"
                />
              </div>
            </div>
            <p className="small muted">Switching the model loads its defaults (chosen by cross-validation on training tracks only). Mixup blends pairs of training samples and their labels.</p>
          </details>
          {cnn && <CnnOptions />}
          {!cnn && p.distill > 0 && (
            <p className="small muted" data-testid="train-distill-note">
              Knowledge distillation: for each model, {p.distill} teacher{p.distill === 1 ? '' : 's'} of the same kind train first on the same tracks; the model then learns from
              their averaged answers (90 %) blended with the labels (10 %). One model comes out — it takes {p.distill + 1}× as long to train.
              Measured on the NTNU 10 s table by cross-validation over its training tracks, it did not beat plain training (LSTM ±0, BiLSTM +0.2 points): compare for yourself.
            </p>
          )}
          {ds && !cnn && p.featureMode === 'chosen' && <MultiPicker label="Features" options={ds.featureNames} value={p.features} onChange={(features) => set({ features })} testId="train-features" />}
          <BackendBadge />
          <RunBar
            testId="run-train"
            label="Train"
            running={running}
            progress={t?.progress?.fraction ?? 0}
            onRun={() => void startTraining()}
            onCancel={cancelTraining}
          />
          <div className="controls-inline small" data-testid="train-cv">
            <button onClick={() => void startCrossValidation()} disabled={running} data-testid="run-cv" title="Train on part of the training tracks, test on the rest, k times: a score for these settings that never looks at the test tracks.">
              Cross-validate instead
            </button>
            <span className="muted">on the training tracks only:</span>
            <NumberField label="folds" value={p.cvFolds} min={2} max={20} onChange={(cvFolds) => set({ cvFolds })} testId="train-cv-folds" />
            <NumberField label="× repeats (seeds)" value={p.cvRepeats} min={1} max={20} onChange={(cvRepeats) => set({ cvRepeats })} testId="train-cv-repeats" />
          </div>
          {running && t?.progress && (
            <p className="small muted" data-testid="train-progress">
              {t.mode === 'cv' ? 'cross-validation' : `model ${t.member + 1} of ${t.members}`}
              {t.progress.stage ? ` · ${t.progress.stage}` : ''} · epoch {t.progress.epoch}/{t.progress.epochs} · batch {t.progress.batch}/{t.progress.batchesPerEpoch} · about {fmtMs(t.progress.etaMs)} left
              {t.progress.wasmHeapBytes !== undefined && (
                <span data-testid="train-memory" title="The training worker's wasm memory: it grows to the largest batch's need and is not given back until the page is reloaded.">
                  {' '}
                  · worker memory (wasm) {(t.progress.wasmHeapBytes / (1024 * 1024)).toFixed(0)} MB
                </span>
              )}
              {t.checkpoint && t.checkpoint.member === t.member && (
                <span data-testid="train-checkpoint" title="The best weights so far are saved every few seconds; a reload keeps them as a saved model, as Cancel would.">
                  {' '}
                  · kept if the page reloads: epoch {t.checkpoint.epoch}
                </span>
              )}
            </p>
          )}
          <ErrorBox error={t?.status === 'error' ? t.error : undefined} />
          {notice && (
            <p className="small" data-testid="train-notice">
              {notice}{' '}
              <button className="link" onClick={() => labStore.setState({ trainingNotice: undefined })} aria-label="dismiss">
                ×
              </button>
            </p>
          )}
          {t && t.epochs.some((e) => e.length > 0) && <Curves epochs={t.epochs[Math.min(t.member, t.epochs.length - 1)] ?? []} member={t.member} what={t.mode === 'cv' ? 'run' : 'model'} />}
          {entry && t?.status !== 'running' && (
            <div className="result" data-testid="train-result">
              <div className="headline">
                <Metric
                  label={entry.cv ? 'cross-validated accuracy' : entry.members && entry.members.length > 1 ? 'ensemble (mean probability)' : 'test accuracy'}
                  value={pct(entry.accuracy)}
                  testId="train-accuracy"
                  sub={entry.cv ? `per track, mean ± ${((entry.memberStd ?? 0) * 100).toFixed(1)} of ${entry.members?.length ?? 0} runs` : 'per track'}
                />
                {entry.cropAccuracy !== undefined && (
                  <Metric label={entry.cv ? 'per-crop accuracy (mean)' : 'per-crop accuracy'} value={pct(entry.cropAccuracy)} testId="train-crop-accuracy" sub={entry.members && entry.members.length > 1 && !entry.cv ? 'mean of the members' : 'each crop on its own'} />
                )}
                <Metric label={entry.cv ? 'macro F1 (mean)' : 'macro F1'} value={entry.macroF1.toFixed(3)} testId="train-macro-f1" />
                {!entry.cv && entry.members && entry.members.length > 1 && (
                  <Metric label="members" value={pct(entry.memberMean ?? 0)} testId="train-member-mean" sub={`mean ± ${((entry.memberStd ?? 0) * 100).toFixed(1)} of ${entry.members.length}`} />
                )}
              </div>
              {entry.votes && (
                <p className="small" data-testid="train-votes">
                  Ensemble of {entry.members?.length}: majority vote <b>{pct(entry.votes.majority.accuracy)}</b> (F1 {entry.votes.majority.macroF1.toFixed(3)}), mean-probability vote{' '}
                  <b>{pct(entry.votes.meanProbability.accuracy)}</b> (F1 {entry.votes.meanProbability.macroF1.toFixed(3)}); the headline and the confusion matrix use the mean-probability vote.
                </p>
              )}
              {entry.note && <p className="note small">{entry.note}</p>}
              <p className="muted small">
                {entry.model} · {entry.cropAccuracy !== undefined ? `${entry.features.length} mel bands` : `${entry.features.length} features`} · {entry.split} · backend {entry.backend} · {(entry.trainMs / 1000).toFixed(1)} s
              </p>
              {entry.cv && (
                <p className="small" data-testid="train-cv-note">
                  Each run trained on {entry.cv.folds - 1} of {entry.cv.folds} folds of the {entry.cv.tracks} training tracks and was tested on the remaining fold; the test tracks were not used, so
                  settings can be compared here as often as you like. No model is saved; the confusion matrix sums all runs.
                </p>
              )}
              {entry.members && entry.members.length > 1 && (
                <table className="metrics" data-testid="train-members">
                  <thead>
                    <tr>
                      <th>{entry.cv ? 'run' : 'member'}</th>
                      {entry.cv && <th>fold</th>}
                      <th>seed</th>
                      <th>accuracy</th>
                      <th>macro F1</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entry.members.map((m, i) => (
                      <tr key={i}>
                        <td>{i + 1}</td>
                        {entry.cv && <td>{(m.fold ?? 0) + 1}</td>}
                        <td>{m.seed}</td>
                        <td>{pct(m.accuracy)}</td>
                        <td>{m.macroF1.toFixed(3)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <ConfusionExplorer confusion={entry.confusion} genres={entry.genres} normalized={false} predictions={entry.predictions} name={`${entry.model} confusion matrix`} testId="train-confusion" />
            </div>
          )}
          <SavedModels />
        </>
      ) : (
        <>
          <div className="controls-inline">{modelMenu}</div>
          <p className="muted">Load a table in the Data cell first, or choose a CNN and build a spectrogram set from audio.</p>
        </>
      )}
    </Cell>
  );
}

function BackendBadge() {
  const backend = useLab((s) => s.backend);
  const p = useLab((s) => s.params.train);
  const timings = backend
    ? Object.entries(backend.stepMs)
        .map(([k, v]) => `${k} ${v === null || v === undefined ? 'unavailable' : `${v.toFixed(1)} ms`}`)
        .join(', ')
    : '';
  return (
    <div className="controls-inline small">
      <span data-testid="backend">
        TensorFlow.js backend: <b>{backend ? backend.name : 'measuring…'}</b>
        {backend?.wasm && <span data-testid="backend-wasm"> ({describeWasm(backend.wasm)})</span>}
        {backend && backend.reason === 'measured' && <span className="muted"> (fastest by measurement: {timings} per step)</span>}
        {backend && backend.reason === 'override' && <span className="muted"> (your choice)</span>}
      </span>
      <SelectField
        label="use"
        value={p.backend}
        options={[
          { value: 'auto', label: 'fastest (measured)' },
          { value: 'wasm', label: 'wasm' },
          { value: 'webgl', label: 'webgl' },
          { value: 'cpu', label: 'cpu' },
        ]}
        onChange={(b) => {
          setParams(labStore, 'train', { backend: b });
          chooseBackendNow(b);
        }}
        testId="train-backend"
      />
    </div>
  );
}

function Curves({ epochs, member, what }: { epochs: EpochMetrics[]; member: number; what: string }) {
  const hasVal = epochs.some((e) => e.valLoss !== undefined);
  const pts = (f: (e: EpochMetrics) => number | undefined) => epochs.map((e) => ({ x: e.epoch, y: f(e) ?? NaN }));
  const loss = [{ name: 'train', color: '#1d3557', points: pts((e) => e.trainLoss) }, ...(hasVal ? [{ name: 'validation', color: '#e76f51', dashed: true, points: pts((e) => e.valLoss) }] : [])];
  const acc = [{ name: 'train', color: '#1d3557', points: pts((e) => e.trainAccuracy) }, ...(hasVal ? [{ name: 'validation', color: '#e76f51', dashed: true, points: pts((e) => e.valAccuracy) }] : [])];
  const times = epochs.map((e) => e.epochMs).sort((a, b) => a - b);
  const medianEpochMs = times.length ? times[Math.floor(times.length / 2)]! : 0;
  const stage = epochs[0]?.stage ? `, ${epochs[0].stage}` : '';
  return (
    <div className="two-col" data-testid="train-curves" data-median-epoch-ms={medianEpochMs.toFixed(1)} data-epoch-ms={epochs.map((e) => e.epochMs.toFixed(1)).join(',')} title={`median epoch ${medianEpochMs.toFixed(0)} ms`}>
      <LineChart title={`loss — ${what} ${member + 1}${stage}`} series={loss} />
      <LineChart title={`accuracy — ${what} ${member + 1}${stage}`} series={acc} />
    </div>
  );
}
