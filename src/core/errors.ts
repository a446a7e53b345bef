/**
 * Typed errors for the whole lab. Every failure the user can cause is a LabError with a
 * stable `code`, so the UI can show it in the cell that caused it and tests can assert on it.
 */
export type LabErrorCode =
  | 'empty-file'
  | 'binary-file'
  | 'no-label-column'
  | 'non-numeric'
  | 'non-finite'
  | 'duplicate-columns'
  | 'single-genre'
  | 'ragged-rows'
  | 'bad-quotes'
  | 'value-too-long'
  | 'no-features'
  | 'unknown-feature'
  | 'bad-argument'
  | 'unsupported-audio'
  | 'corrupt-audio'
  | 'audio-too-short'
  | 'audio-too-long'
  | 'spec-mismatch'
  | 'cancelled'
  /** A worker job ran past its time limit (the worker was replaced). */
  | 'timeout'
  | 'microphone'
  | 'storage'
  /** A .genrelab project file that cannot be opened (not a zip, truncated, tampered, from a newer lab). */
  | 'bad-project'
  | 'internal';

export class LabError extends Error {
  readonly code: LabErrorCode;
  /** Extra machine-readable detail (row/column of a bad value, candidate columns, ...). */
  readonly detail: Record<string, unknown>;
  constructor(code: LabErrorCode, message: string, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = 'LabError';
    this.code = code;
    this.detail = detail;
  }
}

/** Thrown by long jobs when their cancel token fires; callers treat it as "stopped", not "failed". */
export class CancelledError extends LabError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

export function isLabError(e: unknown): e is LabError {
  return e instanceof Error && (e as LabError).name !== undefined && typeof (e as LabError).code === 'string';
}

/** A plain, structured-clone-safe form of an error for worker messages and the CLI. */
export interface ErrorInfo {
  code: LabErrorCode;
  message: string;
  detail?: Record<string, unknown>;
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (isLabError(e)) return { code: e.code, message: e.message, detail: e.detail };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

export function fromErrorInfo(info: ErrorInfo): LabError {
  return info.code === 'cancelled' ? new CancelledError(info.message) : new LabError(info.code, info.message, info.detail ?? {});
}

/** A cooperative cancel flag checked by long loops in the core. */
export interface CancelToken {
  readonly cancelled: boolean;
}

export function throwIfCancelled(token: CancelToken | undefined): void {
  if (token?.cancelled) throw new CancelledError();
}

/**
 * A failure's reason for a list that already names the file (`x.wav: <reason>`): core messages
 * start with the file name so they stand alone, which in such a list would name it twice.
 * `x.wav: could not decode` → `could not decode`; `x.wav is empty` → `This file is empty`.
 */
export function reasonWithoutFileName(message: string, file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  for (const name of [file, base]) {
    if (!name || !message.startsWith(name)) continue;
    const rest = message.slice(name.length);
    if (rest.startsWith(': ')) return rest.slice(2);
    if (rest.startsWith(' ')) return `This file${rest}`;
  }
  return message;
}
