/**
 * The Classify cell's slice of the lab's store: the file on display, its waveform, progress, and
 * every model's answer for it. Plain data; src/app/classifyActions.ts fills it.
 */
import type { Envelope } from '../core/audio/envelope';
import type { ErrorInfo } from '../core/errors';
import type { QuantisedLogMel } from '../core/features/logMel';
import type { InputKind } from '../core/models/registry';
import type { AudioPrediction, SaliencyMethod } from '../core/models/classifyAudio';
import type { WarnedPrediction } from '../core/models/shortClip';
import type { NeighbourRow, OcclusionResult } from '../core/models/explain';

/**
 * "Why this answer": a k-NN's neighbours per unit of the audio (in `fromAudio.units` order), or
 * the features whose occlusion changed the answer's probability most, or why there is neither.
 */
export type WhyAnswer =
  | { kind: 'neighbours'; units: NeighbourRow[][] }
  | ({ kind: 'occlusion'; genre: string } & OcclusionResult)
  | { kind: 'unavailable'; reason: string };

export interface ModelClassification {
  modelId: string;
  name: string;
  kind: string;
  input: InputKind;
  recipe: string | null;
  members: number;
  /** Set when the model cannot classify this audio (and why); then there is no prediction. */
  incompatible?: ErrorInfo;
  /** With a warning when the clip is too short for the model's recipe (core/models/shortClip.ts). */
  fromAudio?: WarnedPrediction;
  /** The same model on the loaded table's row(s) of this track. */
  fromTable?: AudioPrediction;
  /** The table's label for this track. */
  tableGenre?: string;
  /** Why there is no table comparison, when the track is in the table but the model cannot read it. */
  tableNote?: string;
  /** Segments left out (a trailing part shorter than the model's sequence). */
  unusedSegments?: number;
  /** Why the model gave its answer from the audio (core/models/explain.ts). */
  why?: WhyAnswer;
  /** Spectrogram models: the key of their log-mel matrix in `ClassifyState.spectrograms`. */
  spectrogramKey?: string;
  /** Spectrogram models: saliency (Grad-CAM or occlusion) for the voted genre, computed when first asked for. */
  saliency?: SaliencyState;
}

/**
 * "Why this genre?" on a spectrogram: saliency (core gradCamOverCrops or occlusionOverCrops) over
 * the crops, band-major bands × `nFrames` from frame 0 of the clip's matrix.
 */
export interface SaliencyState {
  status: 'running' | 'done' | 'error' | 'cancelled';
  genre: string;
  /** How the map was made; absent in maps saved before Grad-CAM existed (occlusion). */
  method?: SaliencyMethod;
  progress: number;
  map?: Float32Array;
  nFrames: number;
  error?: ErrorInfo;
}

/** A clip's log-mel matrix as a spectrogram model reads it (stored as bytes over its top 80 dB). */
export interface SpectrogramView {
  mel: QuantisedLogMel;
  hopSamples: number;
  sampleRateHz: number;
}

export interface FeatureComparison {
  recipe: string;
  rows: { name: string; audio: number; table?: number; relDiff?: number }[];
}

export interface ClassifyState {
  status: 'idle' | 'decoding' | 'extracting' | 'classifying' | 'done' | 'error';
  fileName?: string;
  trackId?: string;
  audioUrl?: string;
  durationSec?: number;
  envelope?: Envelope;
  progress: number;
  progressLabel?: string;
  error?: ErrorInfo;
  results: ModelClassification[];
  features: FeatureComparison[];
  /** The loaded table's name, when it has rows of this track. */
  tableName?: string;
  /** How many saved models there were when this file was classified. */
  modelCount?: number;
  /** Log-mel matrices of the clip, one per distinct spectrogram setting of the models (key: the settings). */
  spectrograms?: Record<string, SpectrogramView>;
  /** The spectrogram model whose saliency overlay is shown (one at a time). */
  overlayModelId?: string;
  /** How saliency is computed; default 'grad-cam' (one backward pass per crop; occlusion runs the model 64 times per crop). */
  saliencyMethod?: SaliencyMethod;
}

export const INITIAL_CLASSIFY: ClassifyState = { status: 'idle', progress: 0, results: [], features: [] };

/** The part of the lab's store this slice owns. */
export interface ClassifySlice {
  classify: ClassifyState;
}

export function setClassify(store: { getState(): ClassifySlice; setState(p: Partial<ClassifySlice>): void }, patch: Partial<ClassifyState>): void {
  store.setState({ classify: { ...store.getState().classify, ...patch } });
}
