/**
 * The training settings of a neural run with the kind's defaults filled in: what trainClassifier
 * trains with, and the record saved with a model (its metadata's `training`). The worker, the
 * CLI's `--save` and the Train cell all go through here, so the record cannot drift from what ran.
 * No tfjs: the page may read it.
 */
import { DEFAULT_DISTILL_WEIGHT, type ModelDefaults } from './defaults';
import { neuralKind } from './registry';

/** The options a settings record is made from (a subset of ClassifierOptions). */
export interface TrainingSettingsOptions {
  kind: string;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  dropout?: number;
  labelSmoothing?: number;
  mixup?: number;
  schedule?: ModelDefaults['schedule'];
  distill?: { teachers: number; weight?: number };
}

/**
 * The record saved with a model: the kind's defaults' fields, plus the distillation keys only when
 * it was distilled. (A mapped type, not an interface, so it fits ModelMetadata's `training` record.)
 */
export type TrainingSettings = { [K in keyof ModelDefaults]: ModelDefaults[K] } & {
  distillTeachers?: number;
  distillWeight?: number;
};

/**
 * Options → settings record: each setting the options leave out takes the kind's default
 * (`neuralKind(kind).defaults` in the registry; the distillation weight DEFAULT_DISTILL_WEIGHT).
 * An unknown or non-neural kind is a LabError.
 */
export function resolveTrainingSettings(o: TrainingSettingsOptions): TrainingSettings {
  const d = neuralKind(o.kind).defaults;
  return {
    epochs: o.epochs ?? d.epochs,
    learningRate: o.learningRate ?? d.learningRate,
    batchSize: o.batchSize ?? d.batchSize,
    dropout: o.dropout ?? d.dropout,
    labelSmoothing: o.labelSmoothing ?? d.labelSmoothing,
    mixup: o.mixup ?? d.mixup,
    schedule: o.schedule ?? d.schedule,
    ...(o.distill ? { distillTeachers: o.distill.teachers, distillWeight: o.distill.weight ?? DEFAULT_DISTILL_WEIGHT } : {}),
  };
}
