/** The React hook that reads the app's store (src/app/store.ts) with a selector. */
import { useStore } from 'zustand';
import { labStore } from '../app/store';
import type { LabState } from '../state/lab';

export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(labStore, selector);
}
