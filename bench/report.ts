/**
 * How every benchmark reports: one line per comparison with our time, the reference's time (measured
 * in the same run, or a stated figure labelled with its source), their ratio and the goal.
 * `--json` turns each line into one JSON object on stdout, and sends the running commentary to
 * stderr so stdout stays machine-readable.
 */

export type BenchPart = 'train' | 'knn' | 'search' | 'extract' | 'classic' | 'cnn' | 'classify-cnn' | 'first-open' | 'pool';

export interface Goal {
  /** ours / reference must be at most this. */
  maxRatio?: number;
  /** our time must be at most this (same unit as the line). */
  maxOurs?: number;
}

export interface BenchLine {
  part: BenchPart;
  /** What was timed, e.g. "LSTM epoch, Node wasm (lab loop)". */
  what: string;
  unit: 's' | 'ms';
  /** Our time; null when ours could not run (the note says why). */
  ours: number | null;
  /** The reference's time; null when it was not run (the note says why). */
  reference: number | null;
  /** Who the reference is, e.g. "PyTorch 1.13 CPU, 1 thread". */
  referenceName: string;
  /** 'measured' = timed in this run on this machine; 'stated' = a figure from elsewhere (see source). */
  referenceKind: 'measured' | 'stated';
  /** Where a stated figure comes from. */
  referenceSource?: string;
  goal?: Goal;
  note?: string;
}

let jsonMode = false;

export function setJsonMode(on: boolean): void {
  jsonMode = on;
  // Libraries print banners with console.log (tfjs: "Hi, looks like you are running TensorFlow.js
  // in Node.js"); under --json they go to stderr so stdout holds only the JSON lines.
  if (on) console.log = (...args: unknown[]) => console.error(...args);
}

/** Commentary (context, skipped parts): stdout in text mode, stderr under --json. */
export function log(text: string): void {
  (jsonMode ? process.stderr : process.stdout).write(text + '\n');
}

/** ours / reference, or null when either side is missing. */
export function ratioOf(line: Pick<BenchLine, 'ours' | 'reference'>): number | null {
  return line.ours != null && line.reference != null && line.reference > 0 ? line.ours / line.reference : null;
}

/** Whether the goal is met; null when there is no goal or the numbers it needs are missing. */
export function goalMet(line: BenchLine): boolean | null {
  const g = line.goal;
  if (!g || line.ours == null) return null;
  const checks: boolean[] = [];
  if (g.maxOurs != null) checks.push(line.ours <= g.maxOurs);
  if (g.maxRatio != null) {
    const r = ratioOf(line);
    if (r == null) return null;
    checks.push(r <= g.maxRatio);
  }
  return checks.length ? checks.every(Boolean) : null;
}

export function describeGoal(line: BenchLine): string {
  const g = line.goal;
  if (!g) return '';
  const parts: string[] = [];
  if (g.maxRatio != null) parts.push(`≤ ${g.maxRatio}× ${line.referenceName.split(',')[0]}`);
  if (g.maxOurs != null) parts.push(`≤ ${g.maxOurs} ${line.unit}`);
  return parts.join(' and ');
}

const fmt = (v: number | null, unit: string) => (v == null ? '—' : `${v < 10 ? v.toPrecision(3) : v.toFixed(unit === 'ms' ? 0 : 1)} ${unit}`);

/** Print one comparison (text or a JSON line). */
export function report(line: BenchLine): void {
  const ratio = ratioOf(line);
  const met = goalMet(line);
  if (jsonMode) {
    process.stdout.write(JSON.stringify({ ...line, ratio, goalText: describeGoal(line) || undefined, goalMet: met }) + '\n');
    return;
  }
  const ref = line.reference == null ? 'reference not run' : `${line.referenceName} ${fmt(line.reference, line.unit)}${line.referenceKind === 'stated' ? ` (stated: ${line.referenceSource ?? 'source unknown'})` : ' (measured now)'}`;
  const goal = line.goal ? ` · goal ${describeGoal(line)}: ${met == null ? 'not judged' : met ? 'met' : 'NOT met'}` : '';
  process.stdout.write(
    `[${line.part}] ${line.what}: ours ${fmt(line.ours, line.unit)} · ${ref} · ratio ${ratio == null ? '—' : `${ratio.toFixed(2)}×`}${goal}${line.note ? ` · ${line.note}` : ''}\n`,
  );
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) >> 1]! : (s[m / 2 - 1]! + s[m / 2]!) / 2;
};
