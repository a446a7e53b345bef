import { describe, expect, it } from 'vitest';
import { describeStep, formatPresentHash, NTNU_STUDY, parsePresentHash, stepAt, STORIES } from './stories';

describe('lecture stories', () => {
  it('the NTNU study walks Tasks 1 → 4 on the cells the study uses, each with 1–3 speaker lines', () => {
    expect(NTNU_STUDY.steps.map((s) => [s.id, s.cell, s.needs.file])).toEqual([
      ['task-1', 'knn', 'GenreClassData_30s.txt'],
      ['task-2', 'explore', 'GenreClassData_30s.txt'],
      ['task-3', 'selection', 'GenreClassData_30s.txt'],
      ['task-4', 'train', 'GenreClassData_10s.txt'],
    ]);
    for (const s of NTNU_STUDY.steps) {
      expect(s.speaker.length).toBeGreaterThanOrEqual(1);
      expect(s.speaker.length).toBeLessThanOrEqual(3);
    }
    // The study's Task 3 search: 3 of the 4 Task 1 features, plus each of the other 59 = C(4,3) · 59 = 236 runs.
    const t3 = NTNU_STUDY.steps[2]!;
    if (t3.cell !== 'selection') throw new Error('Task 3 is the feature-selection cell');
    expect(t3.settings.search.base).toHaveLength(4);
    expect(t3.settings.search.choose).toBe(3);
    expect(new Set(STORIES.map((s) => s.id)).size).toBe(STORIES.length);
  });

  it('a place round-trips through the URL hash; unknown steps fall back to the first, unknown stories are no place', () => {
    expect(formatPresentHash({ storyId: 'ntnu-study', stepId: 'task-3' })).toBe('#present/ntnu-study/task-3');
    expect(parsePresentHash('#present/ntnu-study/task-3')).toEqual({ storyId: 'ntnu-study', stepId: 'task-3' });
    expect(parsePresentHash('#present/ntnu-study')).toEqual({ storyId: 'ntnu-study', stepId: 'task-1' });
    expect(parsePresentHash('#present/ntnu-study/task-9')).toEqual({ storyId: 'ntnu-study', stepId: 'task-1' });
    expect(parsePresentHash('#present/no-such-story/task-1')).toBeUndefined();
    expect(parsePresentHash('#knn')).toBeUndefined();
    expect(parsePresentHash('')).toBeUndefined();
  });

  it('next and previous stop at the story’s ends', () => {
    expect(stepAt(NTNU_STUDY, 'task-1', 1).id).toBe('task-2');
    expect(stepAt(NTNU_STUDY, 'task-1', -1).id).toBe('task-1');
    expect(stepAt(NTNU_STUDY, 'task-4', 1).id).toBe('task-4');
    expect(stepAt(NTNU_STUDY, 'task-4', -1).id).toBe('task-3');
  });

  it('each step says its settings in one line', () => {
    expect(describeStep(NTNU_STUDY.steps[0]!)).toBe('k-NN · k = 5 · distance weighting · z-scored · spectral_rolloff_mean, mfcc_1_mean, spectral_centroid_mean, tempo');
    expect(describeStep(NTNU_STUDY.steps[1]!)).toBe('spectral_rolloff_mean, mfcc_1_mean, spectral_centroid_mean, tempo × pop, disco, metal, classical');
    expect(describeStep(NTNU_STUDY.steps[3]!)).toBe('LSTM × 10 (seeds 0…9) · all features · default epochs · mean-probability vote');
  });
});
