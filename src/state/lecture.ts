/**
 * The lecture presenter's slice: the "Prepare this class" or "Run it live" job in progress (not
 * saved: the results it produces are the cells' own, which the lab saves already). Where the
 * presenter is lives in the URL hash, so a reload keeps it without any state here.
 */
import type { ErrorInfo } from '../core/errors';

export interface LectureJob {
  kind: 'prepare' | 'live';
  storyId: string;
  /** The steps this job will look at, in story order. */
  stepIds: string[];
  /** Index into `stepIds` of the step being worked on (= stepIds.length when finished). */
  index: number;
  status: 'running' | 'done' | 'cancelled' | 'error';
  /** Prepared with the story's reduced settings where it has them (labelled on screen). */
  quick: boolean;
  /** Steps that needed nothing (already computed) or could not run (another table is loaded), and why. */
  skipped: { stepId: string; reason: string }[];
  /** Steps computed by this job. */
  ran: string[];
  error?: ErrorInfo;
  /** The step whose error `error` is. */
  errorStepId?: string;
}

/** The part of the lab's store this slice owns. */
export interface LectureSlice {
  lecture: { job?: LectureJob };
}

export const INITIAL_LECTURE: LectureSlice['lecture'] = {};
