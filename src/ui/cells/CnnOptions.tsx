import { useEffect, useRef, useState } from 'react';
import { VGG_CHANNELS } from '../../core/models/defaults';
import { cropFramesForSeconds, DEFAULT_CROP_FRAMES, type CropBatchPreview } from '../../core/models/spectrogramCrops';
import { toErrorInfo, type ErrorInfo } from '../../core/errors';
import { previewTrainingBatch } from '../../app/spectrogramActions';
import { labStore } from '../../app/store';
import { setParams, type CnnParams } from '../../state/lab';
import { ErrorBox } from '../Cell';
import { NumberField, SelectField } from '../controls';
import { useLab } from '../store';

/** The Toronto report's crop length, in frames at hop 512 and 22 050 Hz. */
const TEN_SEC_FRAMES = cropFramesForSeconds(10);

/** The CNNs' own settings in the Train cell (the common ones — epochs, batch, lr, schedule, mixup, seed — are the cell's). */
export function CnnOptions() {
  const p = useLab((s) => s.params.train);
  const summary = useLab((s) => s.spectrograms);
  const c = p.cnn;
  const set = (patch: Partial<CnnParams>) => setParams(labStore, 'train', { cnn: { ...labStore.getState().params.train.cnn, ...patch } });
  const hopSec = 512 / 22050;
  return (
    <div className="subcell" data-testid="cnn-options">
      <div className="controls">
        <div className="control-col">
          {p.kind === 'cnn' && (
            <SelectField
              label="Small VGG widths"
              value={c.channels}
              options={(Object.keys(VGG_CHANNELS) as (keyof typeof VGG_CHANNELS)[]).map((k) => ({ value: k, label: `${k === 'laptop' ? 'laptop' : 'desktop / GPU'} (${VGG_CHANNELS[k].join('-')})` }))}
              onChange={(channels) => set({ channels })}
              testId="cnn-channels"
            />
          )}
          {p.kind === 'cnn' && (
            <label className="toggle">
              <input type="checkbox" checked={c.residual} onChange={(e) => set({ residual: e.target.checked })} data-testid="cnn-residual" /> residual blocks (two convolutions and a skip per block)
            </label>
          )}
          <SelectField
            label="Crop length"
            value={String(c.cropFrames)}
            options={[
              { value: String(DEFAULT_CROP_FRAMES), label: `${(DEFAULT_CROP_FRAMES * hopSec).toFixed(1)} s (${DEFAULT_CROP_FRAMES} frames)` },
              { value: String(TEN_SEC_FRAMES), label: `10 s (${TEN_SEC_FRAMES} frames, as in the Toronto report)` },
            ]}
            onChange={(v) => set({ cropFrames: Number(v) })}
            testId="cnn-crop"
          />
          <NumberField label="Random crops per track per epoch" value={c.cropsPerTrack} min={1} max={64} onChange={(cropsPerTrack) => set({ cropsPerTrack })} testId="cnn-crops-per-track" />
          <NumberField label="Learning-rate warm-up epochs (0 = none)" value={c.warmupEpochs} min={0} max={100} onChange={(warmupEpochs) => set({ warmupEpochs })} testId="cnn-warmup" />
        </div>
        <div className="control-col">
          <NumberField label="SpecAugment time masks per crop (0 = off)" value={c.timeMasks} min={0} max={8} onChange={(timeMasks) => set({ timeMasks })} testId="cnn-time-masks" />
          <NumberField label="widest time mask (frames)" value={c.maxTimeFrames} min={0} max={c.cropFrames} onChange={(maxTimeFrames) => set({ maxTimeFrames })} />
          <NumberField label="SpecAugment frequency masks per crop (0 = off)" value={c.freqMasks} min={0} max={8} onChange={(freqMasks) => set({ freqMasks })} testId="cnn-freq-masks" />
          <NumberField label="widest frequency mask (bands)" value={c.maxBands} min={0} max={summary?.nBands ?? c.nBands} onChange={(maxBands) => set({ maxBands })} />
        </div>
      </div>
      <p className="small muted">
        Each epoch draws new random crops from every training track (a time shift the network must not depend on). A test track is decided by the mean probability over its non-overlapping crops, so
        results give accuracy <b>per track</b> and <b>per crop</b>. Mel bands: {summary ? `${summary.nBands}, the current set’s` : 'those of the set you build'}
        {summary && summary.nBands !== c.nBands ? ` (your choice of ${c.nBands} applies to the next set built)` : ''}. Learning-rate schedule (constant or cosine after the warm-up), mixup and dropout are under Regularisation.
      </p>
      <BatchPreview />
    </div>
  );
}

/** A training batch's crops as small images (z-scored: the network's view), with their genres. */
function BatchPreview() {
  const [preview, setPreview] = useState<CropBatchPreview>();
  const [error, setError] = useState<ErrorInfo>();
  const hasSet = useLab((s) => !!s.spectrograms);
  const show = () => {
    try {
      setPreview(previewTrainingBatch());
      setError(undefined);
    } catch (e) {
      setPreview(undefined);
      setError(toErrorInfo(e));
    }
  };
  return (
    <div className="batch-preview">
      <button type="button" onClick={show} disabled={!hasSet} data-testid="cnn-preview" title="Draw one batch of training crops with these settings">
        Preview a training batch
      </button>
      <ErrorBox error={error} />
      {preview && (
        <div className="controls-inline" data-testid="cnn-preview-batch">
          {preview.genres.map((g, i) => (
            <figure key={i} className="crop" style={{ margin: 4, textAlign: 'center' }}>
              <CropCanvas preview={preview} index={i} />
              <figcaption className="small" data-testid="cnn-preview-label" title={preview.trackIds[i]}>
                {g}
              </figcaption>
            </figure>
          ))}
          <p className="small muted">
            {preview.genres.length} crops of {preview.cropFrames} frames × {preview.nBands} bands, z-scored per band with the training tracks’ statistics (−3 dark … +3 bright), low frequencies at the
            bottom; masked cells are 0.
          </p>
        </div>
      )}
    </div>
  );
}

/** One crop drawn pixel by pixel: z in [−3, 3] to a grey level. */
function CropCanvas({ preview, index }: { preview: CropBatchPreview; index: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { nBands: B, cropFrames: C } = preview;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(C, B);
    const off = index * B * C;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < C; t++) {
        const z = preview.x[off + b * C + t] as number;
        const v = Math.round(((Math.max(-3, Math.min(3, z)) + 3) / 6) * 255);
        const px = ((B - 1 - b) * C + t) * 4; // band 0 (lowest) on the bottom row
        img.data[px] = v;
        img.data[px + 1] = v;
        img.data[px + 2] = v;
        img.data[px + 3] = 255;
      }
    ctx.putImageData(img, 0, 0);
  }, [preview, index, B, C]);
  return <canvas ref={ref} width={C} height={B} style={{ width: 120, height: 96, imageRendering: 'pixelated' }} />;
}
