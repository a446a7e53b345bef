/** The app's one store instance and the React hook to read it. */
import { useStore } from 'zustand';
import { createLabStore, type LabState } from '../state/lab';

export const labStore = createLabStore();

export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(labStore, selector);
}
