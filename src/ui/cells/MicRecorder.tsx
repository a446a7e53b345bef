/** The Classify cell's microphone row: record a clip, or listen live in windows. */
import { useEffect, useRef, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../core/errors';
import { ErrorBox } from '../Cell';
import { genreColor } from '../charts/colors';
import { useClassify } from '../classify';
import { startLive, startRecording } from '../microphone';

const MIC_SECONDS = [5, 10, 30] as const;

interface LiveChip {
  name: string;
  index: number;
  genre?: string;
  model?: string;
  /** A newer window arrived before this one could be classified. */
  skipped?: boolean;
}

/**
 * Record from the microphone, then classify the recording like a dropped file (it is kept across
 * reloads the same way). Live: listen until Stop and classify every window as it completes — the
 * strip shows each window's genre (from the first model that can read it) and the vote so far.
 * A window that arrives while the previous one is still being classified waits; if another
 * arrives meanwhile, the older waiting one is skipped.
 */
export function MicRecorder({ busy, onRecorded }: { busy: boolean; onRecorded(f: File): void }) {
  const [seconds, setSeconds] = useState<(typeof MIC_SECONDS)[number]>(10);
  const [live, setLive] = useState(false);
  const [rec, setRec] = useState<{ stop?: () => void; level: number; elapsed: number; live: boolean }>();
  const [error, setError] = useState<ErrorInfo>();
  const [chips, setChips] = useState<LiveChip[]>([]);
  const pending = useRef<File | undefined>(undefined);
  const stopRef = useRef<(() => void) | undefined>(undefined);
  const status = useClassify((c) => c.status);
  const fileName = useClassify((c) => c.fileName);
  const results = useClassify((c) => c.results);
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
        const session = await startLive({
          chunkSec: seconds,
          onLevel,
          onChunk: (file, index) => {
            const skipped = busyRef.current ? pending.current?.name : undefined;
            setChips((cs) => [...cs.map((c) => (c.name === skipped ? { ...c, skipped: true } : c)), { name: file.name, index }]);
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
  const tally = new Map<string, number>();
  for (const c of done) tally.set(c.genre!, (tally.get(c.genre!) ?? 0) + 1);
  const leader = [...tally].sort((x, y) => y[1] - x[1])[0];
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
              {rec.live ? `listening… ${rec.elapsed.toFixed(1)} s, a window every ${seconds} s` : `recording… ${rec.elapsed.toFixed(1)} / ${seconds} s`}
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
            <span className="small muted">Each recording is classified like a dropped file; the browser asks for the microphone first.</span>
          </>
        )}
      </div>
      {chips.length > 0 && (
        <div className="live-strip" data-testid="live-history">
          {chips.map((c) => (
            <span key={c.name} className="live-chip" data-testid="live-chip" data-genre={c.genre ?? ''} title={c.model ? `${c.name}: ${c.genre} (${c.model})` : `${c.name}: ${c.skipped ? 'skipped (the classifier was busy)' : 'waiting'}`} style={c.genre ? { background: genreColor(c.genre) } : undefined}>
              {c.genre ?? (c.skipped ? 'skipped' : '…')}
            </span>
          ))}
          {leader && (
            <span className="small" data-testid="live-leader">
              so far: <b>{leader[0]}</b> ({leader[1]} of {done.length} windows)
            </span>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
