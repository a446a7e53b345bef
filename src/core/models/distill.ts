/**
 * Knowledge distillation's teacher phase: `teachers` copies of the model, with derived seeds
 * (deriveSeed(seed, 7000 + i)), learn from exactly the student's training rows — never its
 * validation tracks — and their mean probabilities on those rows become the student's soft
 * targets (blended with the labels by the distillation weight, see gatherBatch).
 */
import { LabError } from '../errors';
import { deriveSeed } from '../random';
import type { TrainedClassifier } from './classifier';
import type { RunInputs } from './inputs';
import { predictProbabilities } from './predict';

/** One teacher to train: its position, seed and stage name ("teacher 2 of 4"). */
export interface TeacherRun {
  index: number;
  seed: number;
  stage: string;
}

export type TeacherOutcome =
  /** Mean teacher probabilities per training sample (n × classes). */
  | { soft: Float32Array }
  /** Cancelled while a teacher trained: that teacher (best weights so far), marked as such. */
  | { cancelledTeacher: TrainedClassifier };

/** The number of teachers asked for: a whole number ≥ 0. */
export function checkTeachers(teachers: number): number {
  if (!(Number.isInteger(teachers) && teachers >= 0)) throw new LabError('bad-argument', `Teachers must be a whole number ≥ 0, got ${teachers}`);
  return teachers;
}

/**
 * Train the teachers one after another with `trainTeacher` (which trains and tests one network
 * on the inputs it is given) and average their probabilities on the student's training samples.
 * Each teacher is disposed once its probabilities are taken.
 */
export async function trainTeachers(
  run: RunInputs,
  teachers: number,
  seed: number,
  trainTeacher: (t: TeacherRun, inputs: RunInputs) => Promise<TrainedClassifier>,
): Promise<TeacherOutcome> {
  // The teachers see the student's training rows only: its validation tracks stay unseen.
  const inputs: RunInputs = { ...run, validation: undefined };
  const trainData = run.train.inputs;
  const soft = new Float32Array(trainData.y.length * run.spec.genres.length);
  for (let i = 0; i < teachers; i++) {
    const stage = `teacher ${i + 1} of ${teachers}`;
    const t = await trainTeacher({ index: i, seed: deriveSeed(seed, 7000 + i), stage }, inputs);
    // Cancelled while teaching: the teacher in training is the best model so far.
    if (t.train.cancelled) {
      t.train.cancelledIn = stage;
      t.teacherOf = stage;
      return { cancelledTeacher: t };
    }
    try {
      const probs = predictProbabilities(t.network, trainData);
      for (let j = 0; j < soft.length; j++) soft[j]! += (probs[j] as number) / teachers;
    } finally {
      t.dispose();
    }
  }
  return { soft };
}
