/**
 * A log-mel dB matrix as a heatmap on canvas, time in seconds across and the mel bands' centre
 * frequencies in Hz up; optional saliency overlay (semi-transparent, shown or hidden), crop
 * boundaries and a playhead. Canvas, not Plotly: a 128 × 1 300 heatmap with an overlay and a
 * playhead moving every frame is one putImageData here (bench `cnn-view` times it), where a
 * Plotly heatmap re-lays out its SVG axes on each update.
 */
import { useEffect, useMemo, useRef } from 'react';
import { frequencyTicks, overlayPixels, spacedTicks, spectrogramPixels, timeTicks } from './spectrogramImage';

export interface SpectrogramData {
  /** dB, band-major nBands × nFrames. */
  db: Float32Array;
  nBands: number;
  nFrames: number;
  /** Seconds per frame is hopSamples / sampleRateHz. */
  hopSamples: number;
  sampleRateHz: number;
  /** Centre frequency of each band in Hz (core melBandCentresHz). */
  bandCentresHz: ArrayLike<number>;
}

export interface SpectrogramOptions {
  height: number;
  /** Saliency, band-major nBands × overlay.nFrames from frame 0 (may cover fewer frames than the matrix). */
  overlay?: { values: Float32Array; nFrames: number; visible: boolean };
  /** Vertical lines at these times (crop boundaries). */
  boundariesSec: readonly number[];
  /** The playhead's time; none when undefined. */
  playheadSec?: number;
  onSeek?: (sec: number) => void;
  testId: string;
  ariaLabel: string;
  title?: string;
}

const defaultOptions: Omit<SpectrogramOptions, 'testId' | 'ariaLabel'> = { height: 180, boundariesSec: [] };

function draw(canvas: HTMLCanvasElement | null, pixels: Uint8ClampedArray, w: number, h: number): void {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return;
  canvas.width = w;
  canvas.height = h;
  ctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
}

export function SpectrogramChart({ data, options }: { data: SpectrogramData; options: Partial<SpectrogramOptions> & Pick<SpectrogramOptions, 'testId' | 'ariaLabel'> }) {
  const o = { ...defaultOptions, ...options };
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const durationSec = (data.nFrames * data.hopSamples) / data.sampleRateHz;
  const drawn = useRef<number>(0);
  useEffect(() => {
    const t0 = performance.now();
    draw(base.current, spectrogramPixels(data.db, data.nBands, data.nFrames), data.nFrames, data.nBands);
    drawn.current = performance.now() - t0;
    base.current?.setAttribute('data-draw-ms', drawn.current.toFixed(1));
  }, [data]);
  const overlay = o.overlay;
  useEffect(() => {
    if (overlay) draw(over.current, overlayPixels(overlay.values, data.nBands, overlay.nFrames), overlay.nFrames, data.nBands);
  }, [overlay?.values, overlay?.nFrames, data.nBands]);
  const xTicks = useMemo(() => timeTicks(durationSec), [durationSec]);
  const yTicks = useMemo(() => spacedTicks(frequencyTicks(data.bandCentresHz), o.height), [data.bandCentresHz, o.height]);
  const pct = (sec: number) => `${Math.min(100, Math.max(0, (sec / durationSec) * 100))}%`;
  return (
    <figure className="spectrogram" data-testid={o.testId} data-x-unit="s" data-y-unit="Hz" data-bands={data.nBands} data-frames={data.nFrames} style={{ margin: 0 }}>
      {o.title && <figcaption className="spectrogram-title">{o.title}</figcaption>}
      <div className="spectrogram-body">
        <div className="spectrogram-yaxis" aria-hidden="true">
          {yTicks.map((t) => (
            <span key={t.hz} className="spectrogram-ytick" style={{ bottom: `${t.fraction * 100}%` }}>
              {t.hz >= 1000 ? `${t.hz / 1000}k` : t.hz}
            </span>
          ))}
        </div>
        <div
          className="spectrogram-plot"
          style={{ height: o.height, cursor: o.onSeek ? 'pointer' : undefined }}
          onClick={(e) => {
            if (!o.onSeek) return;
            const box = e.currentTarget.getBoundingClientRect();
            o.onSeek(((e.clientX - box.left) / box.width) * durationSec);
          }}
        >
          <canvas ref={base} role="img" aria-label={o.ariaLabel} data-testid="spectrogram-canvas" />
          {overlay && (
            <canvas
              ref={over}
              className="spectrogram-overlay"
              data-testid="spectrogram-overlay"
              data-visible={overlay.visible ? 'true' : 'false'}
              style={{ width: `${(overlay.nFrames / data.nFrames) * 100}%`, display: overlay.visible ? undefined : 'none' }}
            />
          )}
          {o.boundariesSec.map((s) => (
            <div key={s} className="spectrogram-crop" data-testid="spectrogram-crop" style={{ left: pct(s) }} />
          ))}
          {o.playheadSec !== undefined && <div className="spectrogram-playhead" data-testid="spectrogram-playhead" data-time-sec={o.playheadSec.toFixed(2)} style={{ left: pct(o.playheadSec) }} />}
        </div>
      </div>
      <div className="spectrogram-xaxis" aria-hidden="true">
        <span className="spectrogram-unit spectrogram-yunit" data-testid="spectrogram-y-label">
          Hz
        </span>
        {xTicks.map((t) => (
          <span key={t} className="spectrogram-xtick" style={{ left: pct(t) }}>
            {t}
          </span>
        ))}
        <span className="spectrogram-unit spectrogram-xunit" data-testid="spectrogram-x-label">
          s
        </span>
      </div>
    </figure>
  );
}
