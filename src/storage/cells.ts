/**
 * The cells' saved state in the lab's database: their parameters, last results and the Compare
 * table (one record, 'cells'), and values a cell keeps for itself (`cell:<key>`, e.g. the Classify
 * cell's file and results, a training run in progress).
 */
import { del, get, set } from 'idb-keyval';
import { labDb } from './db';

export async function saveCellValue(key: string, value: unknown): Promise<void> {
  if (value === undefined) await del(`cell:${key}`, labDb());
  else await set(`cell:${key}`, value, labDb());
}

export async function loadCellValue<T>(key: string): Promise<T | undefined> {
  return get<T>(`cell:${key}`, labDb());
}

/** The persisted part of the lab's store (params, runs, compare). */
export async function saveCells<T>(cells: T): Promise<void> {
  await set('cells', cells, labDb());
}

export async function loadCells<T>(): Promise<T | undefined> {
  return get<T>('cells', labDb());
}
