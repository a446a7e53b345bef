/** The app's one store (zustand/vanilla, slices in src/state); React reads it through ui/store.ts. */
import { createLabStore } from '../state/lab';

export const labStore = createLabStore();
