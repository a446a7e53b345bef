import { useEffect, useState, type ComponentType } from 'react';
import { applyStep, cachedStep, cancelLectureJob, dismissLectureJob, missingTableMessage, prepareStory, runStepLive, stepProgress, tableFits } from '../app/presentActions';
import { describeStep, formatPresentHash, stepAt, storyById, type PresentPlace, type Story, type StoryCell } from '../app/stories';
import { ErrorBox, RunBar } from './Cell';
import { ExploreCell } from './cells/ExploreCell';
import { FeatureSelectionCell } from './cells/FeatureSelectionCell';
import { KnnCell } from './cells/KnnCell';
import { TrainCell } from './cells/TrainCell';
import { PresentingContext } from './presenting';
import { useLab } from './store';

/** The notebook cell each kind of story step shows (the same components the notebook uses). */
const CELLS: Record<StoryCell, ComponentType<{ resultId?: string }>> = {
  knn: KnnCell,
  explore: ExploreCell,
  selection: FeatureSelectionCell,
  train: TrainCell,
};

export function goToStep(place: PresentPlace): void {
  location.hash = formatPresentHash(place);
}

/** Back to the notebook, at the cell the step showed. */
export function leavePresenter(cell?: string): void {
  history.replaceState(null, '', location.pathname + location.search);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  if (cell) requestAnimationFrame(() => document.getElementById(cell)?.scrollIntoView());
}

/** Keys that belong to the control that has focus (typing a number, ticking a box). */
function keyBelongsToFocus(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  if (t.closest('input, select, textarea, [contenteditable=true]')) return true;
  // Space on a focused button presses it; the presenter's own buttons drop focus after a click.
  return e.key === ' ' && !!t.closest('button, summary, a');
}

/**
 * The lecture presenter: one story step at a time, full width, large type; → / PageDown / Space
 * next, ← / PageUp previous, Esc leaves. The place is the URL hash, so a reload keeps it.
 */
export function Presenter({ place }: { place: PresentPlace }) {
  const story = storyById(place.storyId)!;
  const step = story.steps.find((s) => s.id === place.stepId) ?? story.steps[0]!;
  const datasetId = useLab((s) => s.dataset?.id);
  const fits = useLab((s) => tableFits(step.needs, s.dataset));
  const resultId = useLab((s) => cachedStep(step, s)?.resultId);
  const quickLabel = useLab((s) => cachedStep(step, s)?.quickLabel);
  const ready = useLab((s) => !!cachedStep(step, s));
  const job = useLab((s) => s.lecture.job);
  const liveRunning = job?.kind === 'live' && job.status === 'running';
  const liveProgress = useLab((s) => (liveRunning ? stepProgress(step, s) : 0));

  // Showing a step puts its settings in its cell (as the cell's preset button would).
  useEffect(() => applyStep(step), [step, datasetId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || keyBelongsToFocus(e)) return;
      const delta = e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ' ? 1 : e.key === 'ArrowLeft' || e.key === 'PageUp' ? -1 : 0;
      if (e.key === 'Escape') {
        e.preventDefault();
        leavePresenter(step.cell);
      } else if (delta !== 0) {
        e.preventDefault();
        const next = stepAt(story, step.id, delta);
        if (next.id !== step.id) goToStep({ storyId: story.id, stepId: next.id });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [story, step]);

  // The cell's own controls are hidden on the slide (the settings line says what they are); one click shows them.
  const [controls, setControls] = useState(false);
  const CellView = CELLS[step.cell];
  const otherJob = job?.status === 'running' && !liveRunning;
  return (
    <div className={controls ? 'presenter show-controls' : 'presenter'} data-testid="presenter" data-step={step.id}>
      <header className="presenter-bar">
        <div className="presenter-story">Presenting {story.title}</div>
        <ProgressStrip story={story} current={step.id} />
        <button className="presenter-exit" onClick={() => leavePresenter(step.cell)} data-testid="present-exit" title="Back to the notebook (Esc)">
          Esc · leave
        </button>
      </header>
      <PrepareBar story={story} />
      <section className="presenter-step" aria-labelledby="present-title">
        <h1 id="present-title" data-testid="present-title">
          {step.title}
        </h1>
        <ul className="speaker" data-testid="speaker">
          {step.speaker.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p className="step-settings" data-testid="step-settings">
          {describeStep(step)}{' '}
          <button className="link" onClick={(e) => {
              e.currentTarget.blur();
              setControls(!controls);
            }} data-testid="toggle-controls" aria-pressed={controls}>
            {controls ? 'hide the cell’s controls' : 'show the cell’s controls'}
          </button>
        </p>
        <div className="presenter-actions">
          <RunBar
            testId="run-live"
            label="Run it live"
            running={liveRunning}
            progress={liveProgress}
            disabled={!fits || otherJob}
            disabledReason={!fits ? `needs ${step.needs.file}` : 'wait for the preparation to finish'}
            onRun={() => void runStepLive(story.id, step.id)}
            onCancel={cancelLectureJob}
          />
          <span className="muted" data-testid="step-state" data-state={ready ? 'ready' : fits ? 'not-prepared' : 'needs-table'}>
            {ready ? 'computed — shown from the cell’s saved result' : fits ? 'not computed yet: Prepare this class, or Run it live' : ''}
          </span>
        </div>
        {job?.kind === 'live' && job.status === 'error' && <ErrorBox error={job.error} onDismiss={dismissLectureJob} />}
        {quickLabel && (
          <p className="quick-label" data-testid="quick-label">
            {quickLabel}
          </p>
        )}
        {!ready && !fits ? (
          <p className="needs-table" data-testid="needs-table">
            {missingTableMessage(step)}
          </p>
        ) : (
          <PresentingContext.Provider value={true}>
            <CellView resultId={resultId} />
          </PresentingContext.Provider>
        )}
      </section>
    </div>
  );
}

function ProgressStrip({ story, current }: { story: Story; current: string }) {
  // One string, so the selector's value is stable between store updates.
  const states = useLab((s) => story.steps.map((st) => (cachedStep(st, s) ? 'ready' : tableFits(st.needs, s.dataset) ? 'todo' : 'needs-table')).join(' ')).split(' ');
  return (
    <ol className="progress-strip" data-testid="progress-strip" aria-label="story steps">
      {story.steps.map((st, i) => (
        <li key={st.id}>
          <button
            aria-current={st.id === current ? 'step' : undefined}
            data-step={st.id}
            data-state={states[i]}
            onClick={(e) => {
              e.currentTarget.blur();
              goToStep({ storyId: story.id, stepId: st.id });
            }}
            title={states[i] === 'ready' ? 'computed' : states[i] === 'todo' ? 'not computed yet' : `needs ${st.needs.file}`}
          >
            <span className="dot" aria-hidden />
            {st.label}
          </button>
        </li>
      ))}
    </ol>
  );
}

/** "Prepare this class": compute every step without a result, in the background, with progress and Cancel. */
function PrepareBar({ story }: { story: Story }) {
  const job = useLab((s) => (s.lecture.job?.kind === 'prepare' && s.lecture.job.storyId === story.id ? s.lecture.job : undefined));
  const progress = useLab((s) => {
    const j = s.lecture.job;
    if (!j || j.kind !== 'prepare' || j.status !== 'running') return 0;
    const st = story.steps.find((x) => x.id === j.stepIds[j.index]);
    return (j.index + (st ? stepProgress(st, s) : 0)) / j.stepIds.length;
  });
  const busy = useLab((s) => s.lecture.job?.status === 'running');
  const quickSteps = story.steps.filter((s) => s.cell === 'train' && s.quick);
  const running = job?.status === 'running';
  const [quick, setQuick] = useState(false);
  const title = (id: string) => story.steps.find((s) => s.id === id)?.label ?? id;
  return (
    <div className="prepare-bar">
      <RunBar
        testId="prepare-class"
        label="Prepare this class"
        running={running}
        progress={progress}
        disabled={busy}
        disabledReason="a step is running live"
        onRun={() => void prepareStory(story.id, quick)}
        onCancel={cancelLectureJob}
      />
      {quickSteps.length > 0 && (
        <label className="toggle small" title={quickSteps.map((s) => (s.cell === 'train' ? s.quick!.label : '')).join(' ')}>
          <input type="checkbox" data-testid="prepare-quick" checked={quick} onChange={(e) => setQuick(e.target.checked)} disabled={running} /> quick ({quickSteps.map((s) => s.label).join(', ')} in a reduced setting, labelled as such)
        </label>
      )}
      {job && (
        <span className="small" data-testid="prepare-status" data-state={job.status}>
          {running
            ? `preparing ${title(job.stepIds[job.index] ?? '')} (${job.index + 1} of ${job.stepIds.length})…`
            : job.status === 'done'
              ? `prepared: ${job.ran.length ? job.ran.map(title).join(', ') : 'nothing new'}${job.skipped.length ? ` · skipped ${job.skipped.map((s) => `${title(s.stepId)} (${s.reason})`).join(', ')}` : ''}`
              : job.status === 'cancelled'
                ? `cancelled${job.ran.length ? ` after ${job.ran.map(title).join(', ')}` : ''}`
                : `${title(job.errorStepId ?? '')} failed — see below`}
        </span>
      )}
      {job?.status === 'error' && <ErrorBox error={job.error} onDismiss={dismissLectureJob} />}
    </div>
  );
}
