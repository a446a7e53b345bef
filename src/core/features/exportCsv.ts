/**
 * Write a Dataset made by toDataset back out in its recipe's own table format, so the file loads
 * anywhere the published table does:
 * - Kaggle (kaggle30, kaggle3, meyda): `filename,length,<features>,label`, comma-separated.
 * - NTNU (ntnu30, ntnu10, ntnu5): `Track ID<TAB>File<TAB><features><TAB>GenreID<TAB>Genre<TAB>Type`.
 * Numbers use JavaScript's shortest round-trip form, so re-parsing gives the same doubles.
 * Every text cell (names, genres, column names from a loaded table) goes through escapeCsvCell:
 * a cell like `=HYPERLINK(…)` is written as text, never as a live spreadsheet formula.
 */
import { formatCsvRow } from '../data/csvCells';
import type { Dataset } from '../data/dataset';
import { LabError } from '../errors';
import { getRecipe } from './recipes';

/** NTNU GenreID numbering (RECIPES.md); other genres get 10, 11, … in label order. */
export const NTNU_GENRE_IDS: Readonly<Record<string, number>> = { pop: 0, metal: 1, disco: 2, blues: 3, reggae: 4, classical: 5, rock: 6, hiphop: 7, country: 8, jazz: 9 };

export interface ExportOptions {
  /** NTNU `Type` for rows without a split (default 'Train'). */
  defaultType?: 'Train' | 'Test';
}

/** Serialise `ds` in its recipe's table format (ds.meta.recipe must be set). */
export function exportCsv(ds: Dataset, opts: ExportOptions = {}): string {
  if (!ds.meta.recipe) throw new LabError('bad-argument', 'This dataset does not record the feature recipe that made it, so its table format is unknown.');
  const spec = getRecipe(ds.meta.recipe);
  const d = ds.featureNames.length;
  const lines: string[] = [];
  if (spec.table === 'ntnu') {
    const extra = ds.genres.filter((g) => !(g in NTNU_GENRE_IDS));
    const gid = (g: string): number => NTNU_GENRE_IDS[g] ?? 10 + extra.indexOf(g);
    lines.push(formatCsvRow(['Track ID', 'File', ...ds.featureNames, 'GenreID', 'Genre', 'Type'], '\t'));
    const trackNo = new Map<string, number>();
    for (let r = 0; r < ds.nRows; r++) {
      const t = ds.trackIds[r] as string;
      if (!trackNo.has(t)) trackNo.set(t, trackNo.size);
      const g = ds.genres[ds.labels[r] as number] as string;
      const type = ds.split ? (ds.split[r] ? 'Test' : 'Train') : (opts.defaultType ?? 'Train');
      const vals: string[] = [];
      for (let j = 0; j < d; j++) vals.push(String(ds.values[r * d + j]));
      lines.push(formatCsvRow([String(trackNo.get(t)), ds.rowKeys[r] as string, ...vals, String(gid(g)), g, type], '\t'));
    }
  } else {
    lines.push(formatCsvRow(['filename', 'length', ...ds.featureNames, 'label']));
    for (let r = 0; r < ds.nRows; r++) {
      const vals: string[] = [];
      for (let j = 0; j < d; j++) vals.push(String(ds.values[r * d + j]));
      const len = ds.meta.lengths?.[r] ?? 0;
      lines.push(formatCsvRow([ds.rowKeys[r] as string, String(len), ...vals, ds.genres[ds.labels[r] as number] as string]));
    }
  }
  return lines.join('\n') + '\n';
}
