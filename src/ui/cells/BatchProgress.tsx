import type { AudioImportState } from '../../state/lab';
import { ErrorBox } from '../Cell';

function fmtEta(sec?: number): string {
  if (sec === undefined || !Number.isFinite(sec)) return '';
  return sec < 60 ? `about ${Math.ceil(sec)} s left` : `about ${Math.ceil(sec / 60)} min left`;
}

/**
 * A batch of files in the extraction pool (a feature table or a spectrogram set from audio):
 * progress with ETA and Cancel while it runs, what was done, its error, and the failed files.
 * Test ids are `${testId}-status`, `-progress`, `-cancel`, `-done`, `-failed`.
 */
export function BatchProgress({ state, testId, verb, doneText, cancelledText, onCancel }: { state?: AudioImportState; testId: string; verb: string; doneText: string; cancelledText: string; onCancel(): void }) {
  if (!state || state.status === 'idle') return null;
  return (
    <div data-testid={`${testId}-status`}>
      {state.status === 'running' && (
        <div className="runbar">
          <span>
            {verb} {state.done}/{state.total} files ({state.recipe})
          </span>
          <progress max={1} value={state.progress} data-testid={`${testId}-progress`} aria-label={`${verb.toLowerCase()} progress`} />
          <span className="muted">{fmtEta(state.etaSec)}</span>
          <button onClick={onCancel} data-testid={`${testId}-cancel`}>
            Cancel
          </button>
        </div>
      )}
      {state.status === 'done' && (
        <p className="small" data-testid={`${testId}-done`}>
          {doneText} {state.total - state.failed.length} of {state.total} file(s){state.fromCache ? `, ${state.fromCache} from the cache` : ''}.
        </p>
      )}
      {state.status === 'cancelled' && <p className="small muted">{cancelledText}</p>}
      <ErrorBox error={state.status === 'error' ? state.error : undefined} />
      {state.failed.length > 0 && (
        <details open className="failed" data-testid={`${testId}-failed`}>
          <summary>{state.failed.length} file(s) could not be used</summary>
          <ul>
            {state.failed.map((f) => (
              <li key={f.file}>
                <code>{f.file}</code>: {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
