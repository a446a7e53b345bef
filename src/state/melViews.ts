/**
 * Explore's mel spectrograms per genre: a few tracks of each chosen genre, their log-mel matrices
 * (computed in the spectrogram worker, kept as bytes) or why a track has none. Not saved: the
 * matrices are made again from the audio after a reload (the genres chosen are saved in params).
 */
import type { ErrorInfo } from '../core/errors';
import type { SpectrogramView } from './classify';

export interface MelViewItem {
  trackId: string;
  genre: string;
  view?: SpectrogramView;
  error?: ErrorInfo;
}

export interface MelViewsState {
  /** 'no-audio': the loaded dataset has no audio to make spectrograms from (a feature table). */
  status: 'running' | 'done' | 'no-audio';
  datasetId: string;
  items: MelViewItem[];
  /** Spectrograms made so far (of items.length). */
  done: number;
}

export interface MelViewsSlice {
  melViews?: MelViewsState;
}
