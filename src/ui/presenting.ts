/**
 * Whether a cell is shown in the lecture presenter. Charts read it to scale their labels; cells
 * that do not read it look exactly as in the notebook.
 */
import { createContext, useContext } from 'react';

export const PresentingContext = createContext(false);

export function usePresenting(): boolean {
  return useContext(PresentingContext);
}
