/**
 * A clip much shorter than what a model learnt from still gets features (a whole-clip recipe
 * needs only one 2048-sample frame, 0.09 s), and the model answers as confidently as ever. Those
 * answers are not comparable: tempo, variances and means over 0.1 s or 2 s are not the 30 s
 * statistics the model was trained on. This says so next to the answer instead of refusing it.
 */
import { RECIPES } from '../features/recipes';
import type { FeatureRecipe } from '../features/spec';
import type { AudioPrediction } from './classifyAudio';

/** What the warning needs of a model: the recipe its features come from (any model's input spec has it). */
export type RecipeOf = { recipe?: string | null };

/** GTZAN clips, from which every whole-clip table (features_30_sec.csv, GenreClassData_30s.txt) was made, last 30 s. */
const GTZAN_CLIP_SEC = 30;
/** A whole-clip model's answer is flagged below this share of its training clips' length. */
export const SHORT_CLIP_SHARE = 0.5;

/** A prediction, with why it should not be trusted when the clip is too short for the model. */
export type WarnedPrediction = AudioPrediction & { warning?: string };

/** Length in seconds of the clips (whole-clip recipes) or segments a recipe's features describe. */
function trainedOnSec(spec: FeatureRecipe): { sec: number; what: string } {
  if (spec.segmentSamples !== null) return { sec: spec.segmentSamples / spec.sampleRateHz, what: 'segment' };
  return { sec: (spec.maxSamples ?? GTZAN_CLIP_SEC * spec.sampleRateHz) / spec.sampleRateHz, what: 'whole clip' };
}

/**
 * Why an answer for a clip of `durationSec` seconds is doubtful under the model's recipe, or
 * undefined when the clip is long enough: shorter than {@link SHORT_CLIP_SHARE} of the training
 * clips for a whole-clip recipe (kaggle30, ntnu30), or shorter than one segment otherwise.
 * Unknown recipes give no warning (they cannot be computed from audio at all).
 */
export function shortClipWarning(meta: RecipeOf, durationSec: number): string | undefined {
  const spec = meta.recipe ? (RECIPES as Record<string, FeatureRecipe | undefined>)[meta.recipe] : undefined;
  if (!spec) return undefined;
  const t = trainedOnSec(spec);
  const limit = t.what === 'whole clip' ? SHORT_CLIP_SHARE * t.sec : t.sec;
  if (!(durationSec < limit)) return undefined;
  const sec = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s`;
  return (
    `Too short to trust: this clip is ${sec(durationSec)}, the model learnt from ${spec.id} features of ${sec(t.sec)} ${t.what === 'whole clip' ? 'clips' : 'segments'}` +
    ` (warned below ${sec(limit)}). Its means, variances and tempo over ${sec(durationSec)} are not what the model was trained on: read this genre as a guess.`
  );
}

/** `p` with {@link shortClipWarning}'s warning attached when there is one. */
export function withShortClipWarning(p: AudioPrediction, meta: RecipeOf, durationSec: number | undefined): WarnedPrediction {
  const warning = durationSec === undefined ? undefined : shortClipWarning(meta, durationSec);
  return warning ? { ...p, warning } : p;
}
