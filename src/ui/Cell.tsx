import type { ReactNode } from 'react';
import type { ErrorInfo } from '../core/errors';

export interface CellProps {
  id: string;
  title: string;
  intro: ReactNode;
  children: ReactNode;
}

/** One notebook cell: title, a few sentences for the student, then controls and output. */
export function Cell({ id, title, intro, children }: CellProps) {
  return (
    <section className="cell" id={id} data-testid={`cell-${id}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="intro">{intro}</div>
      {children}
    </section>
  );
}

export interface RunBarProps {
  testId: string;
  label?: string;
  running: boolean;
  progress: number;
  disabled?: boolean;
  disabledReason?: string;
  onRun(): void;
  onCancel(): void;
  elapsedMs?: number;
}

/** Run button, progress bar and Cancel, the same in every cell. */
export function RunBar({ testId, label = 'Run', running, progress, disabled, disabledReason, onRun, onCancel, elapsedMs }: RunBarProps) {
  return (
    <div className="runbar">
      <button className="run" data-testid={testId} onClick={onRun} disabled={running || disabled} title={disabled ? disabledReason : undefined}>
        ▶ {label}
      </button>
      {running && (
        <>
          <progress max={1} value={progress > 0 ? progress : undefined} aria-label="progress" />
          <button onClick={onCancel} data-testid={`${testId}-cancel`}>
            Cancel
          </button>
        </>
      )}
      {!running && disabled && disabledReason && <span className="muted">{disabledReason}</span>}
      {!running && elapsedMs !== undefined && <span className="muted">done in {elapsedMs < 1000 ? `${elapsedMs.toFixed(0)} ms` : `${(elapsedMs / 1000).toFixed(1)} s`}</span>}
    </div>
  );
}

/** An error shown in the cell that caused it. */
export function ErrorBox({ error, onDismiss }: { error?: ErrorInfo; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error" data-code={error.code}>
      <strong>{error.code === 'internal' ? 'Something went wrong' : 'Could not do that'}:</strong> {error.message}
      {onDismiss && (
        <button className="link" onClick={onDismiss} aria-label="dismiss">
          ×
        </button>
      )}
    </div>
  );
}
