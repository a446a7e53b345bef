/** The Classify cell's microphone row: record a clip, or listen live in windows. */
import { useLab } from '../store';
import { useEffect, useRef, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../core/errors';
import { ErrorBox } from '../Cell';
import { genreColor } from '../charts/colors';
import { startLive, startRecording } from '../../app/microphone';

const MIC_SECONDS = [5, 10, 30] as const;

interface LiveChip {
  name: string;
  index: number;
  /** Seconds since listening began, where the window starts and ends. */
  from: number;
  to: number;
  genre?: string;
  model?: string;
  /** A newer window arrived before this one could be classified. */
  skipped?: boolean;
}

/**
 * Record from the microphone, then classify the recording like a dropped file (it is kept across
 * reloads the same way). Live: listen until Stop and classify every window as it completes — the
 * strip shows each window's genre (from the first model that can read it) and the vote so far.
 * Windows can overlap by half (an answer twice as often, each still over the whole window
 * length). A window that arrives while the previous one is still being classified waits; if
 * another arrives meanwhile, the older waiting one is skipped. Besides the vote over all windows,
 * the strip shows the vote of the last few — music changes, and that is the "now".
 */
export function MicRecorder({ busy, onRecorded }: { busy: boolean; onRecorded(f: File): void }) {
  const [seconds, setSeconds] = useState<(typeof MIC_SECONDS)[number]>(10);
  const [live, setLive] = useState(false);
  const [overlap, setOverlap] = useState(false);
  const [rec, setRec] = useState<{ stop?: () => void; level: number; elapsed: number; live: boolean }>();
  const [error, setError] = useState<ErrorInfo>();
  const [chips, setChips] = useState<LiveChip[]>([]);
  const pending = useRef<File | undefined>(undefined);
  const stopRef = useRef<(() => void) | undefined>(undefined);
  const status = useLab((s) => s.classify.status);
  const fileName = useLab((s) => s.classify.fileName);
  const results = useLab((s) => s.classify.results);
  useEffect(() => () => stopRef.current?.(), []);
  // A waiting live window goes in as soon as the classifier is free.
  useEffect(() => {
    if (!busy && pending.current) {
      const f = pending.current;
      pending.current = undefined;
      onRecorded(f);
    }
  }, [busy, onRecorded]);
  // Each live window's answer joins the strip.
  useEffect(() => {
    if (status !== 'done' || !fileName?.startsWith('live-')) return;
    const r = results.find((x) => x.fromAudio);
    setChips((cs) => cs.map((c) => (c.name === fileName ? { ...c, genre: r?.fromAudio?.voteGenre, model: r?.name } : c)));
  }, [status, fileName, results]);

  const onLevel = (level: number, elapsed: number) => setRec((r) => (r ? { ...r, level, elapsed } : r));
  const begin = async () => {
    setError(undefined);
    setRec({ level: 0, elapsed: 0, live });
    try {
      if (live) {
        setChips([]);
        const hop = overlap ? seconds / 2 : seconds;
        const session = await startLive({
          chunkSec: seconds,
          hopSec: hop,
          onLevel,
          onChunk: (file, index) => {
            const skipped = busyRef.current ? pending.current?.name : undefined;
            const from = (index - 1) * hop;
            setChips((cs) => [...cs.map((c) => (c.name === skipped ? { ...c, skipped: true } : c)), { name: file.name, index, from, to: from + seconds }]);
            if (busyRef.current) pending.current = file;
            else onRecorded(file);
          },
        });
        const stop = () => {
          stopRef.current = undefined;
          void session.stop();
          setRec(undefined);
        };
        stopRef.current = stop;
        setRec({ stop, level: 0, elapsed: 0, live: true });
      } else {
        const handle = await startRecording({ maxSec: seconds, onLevel });
        stopRef.current = () => handle.stop();
        setRec({ stop: () => handle.stop(), level: 0, elapsed: 0, live: false });
        const file = await handle.done;
        stopRef.current = undefined;
        setRec(undefined);
        onRecorded(file);
      }
    } catch (e) {
      stopRef.current = undefined;
      setRec(undefined);
      setError(toErrorInfo(e));
    }
  };
  const busyRef = useRef(busy);
  busyRef.current = busy;

  const done = chips.filter((c) => c.genre);
  const leader = vote(done);
  const recent = done.slice(-RECENT);
  const now = done.length > RECENT ? vote(recent) : undefined;
  return (
    <div className="mic" data-testid="mic">
      <div className="mic-row">
        {rec ? (
          <>
            <button type="button" onClick={() => rec.stop?.()} disabled={!rec.stop} data-testid="mic-stop">
              {rec.live ? '■ Stop listening' : '■ Stop and classify'}
            </button>
            <span className="mic-meter" aria-label="input level">
              <span style={{ width: `${Math.min(100, Math.sqrt(rec.level) * 140).toFixed(0)}%` }} />
            </span>
            <span className="small muted" data-testid="mic-elapsed">
              {rec.live ? `listening… ${rec.elapsed.toFixed(1)} s, a ${seconds} s window every ${overlap ? seconds / 2 : seconds} s` : `recording… ${rec.elapsed.toFixed(1)} / ${seconds} s`}
            </span>
          </>
        ) : (
          <>
            <button type="button" onClick={() => void begin()} disabled={busy} data-testid="mic-record">
              <span className="mic-dot" aria-hidden="true">
                ●
              </span>{' '}
              {live ? 'Listen live' : 'Record from the microphone'}
            </button>
            <label className="small">
              {live ? 'windows of' : 'for'}{' '}
              <select value={seconds} onChange={(e) => setSeconds(Number(e.target.value) as (typeof MIC_SECONDS)[number])} data-testid="mic-seconds">
                {MIC_SECONDS.map((v) => (
                  <option key={v} value={v}>
                    {v} s
                  </option>
                ))}
              </select>
            </label>
            <label className="small toggle">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} data-testid="mic-live" /> live (until Stop)
            </label>
            {live && (
              <label className="small toggle" title="Each window still covers the whole length; a new one starts every half window, so answers come twice as often.">
                <input type="checkbox" checked={overlap} onChange={(e) => setOverlap(e.target.checked)} data-testid="mic-overlap" /> overlap by half
              </label>
            )}
            <span className="small muted">Each recording is classified like a dropped file; the browser asks for the microphone first.</span>
          </>
        )}
      </div>
      {chips.length > 0 && (
        <div className="live-strip" data-testid="live-history">
          {chips.map((c) => (
            <span key={c.name} className="live-chip" data-testid="live-chip" data-genre={c.genre ?? ''} title={`${fmtSpan(c)}: ${c.model ? `${c.genre} (${c.model})` : c.skipped ? 'skipped (the classifier was busy)' : 'waiting'}`} style={c.genre ? { background: genreColor(c.genre) } : undefined}>
              {c.genre ?? (c.skipped ? 'skipped' : '…')}
            </span>
          ))}
          {leader && (
            <span className="small" data-testid="live-leader">
              so far: <b>{leader[0]}</b> ({leader[1]} of {done.length} windows)
            </span>
          )}
          {now && (
            <span className="small" data-testid="live-recent">
              last {RECENT}: <b>{now[0]}</b> ({now[1]} of {RECENT})
            </span>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

/** How many of the latest windows the "now" vote uses. */
const RECENT = 3;

/** The most frequent genre and its count; a tie goes to the genre that was seen most recently. */
function vote(chips: LiveChip[]): [string, number] | undefined {
  const tally = new Map<string, { n: number; last: number }>();
  chips.forEach((c, i) => tally.set(c.genre!, { n: (tally.get(c.genre!)?.n ?? 0) + 1, last: i }));
  const best = [...tally].sort((x, y) => y[1].n - x[1].n || y[1].last - x[1].last)[0];
  return best && [best[0], best[1].n];
}

const fmtSpan = (c: LiveChip) => `${c.from.toFixed(c.from % 1 ? 1 : 0)}–${c.to.toFixed(c.to % 1 ? 1 : 0)} s`;
