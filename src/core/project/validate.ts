/**
 * Checks on what a project file holds, before any of it reaches storage or the store: the
 * dataset's shape (every array as long as its row count says, labels inside the genre list,
 * values finite), the cells' saved state (parameters, finished runs, Compare rows) and each model
 * through the saved-model import checks the lab already uses for model files.
 */
import type { Dataset, DatasetFormat } from '../data/dataset';
import { checkEnsembleMembers, validateSavedModel, type SavedModelEntry } from '../models/savedFormat';
import { badProject } from './pack';

const FORMATS: readonly DatasetFormat[] = ['kaggle', 'ntnu', 'generic', 'audio', 'demo'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown, n?: number): v is string[] => Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === 'string');

function badDataset(message: string): Error {
  return badProject('bad-dataset', `The project's dataset is not usable: ${message}.`);
}

/** The dataset of a project, checked field by field (a Dataset every cell can work on). */
export function validateProjectDataset(v: unknown): Dataset {
  if (!isObject(v)) throw badDataset('it is not an object');
  const { id, name, format, featureNames, nRows, values, labels, genres, trackIds, segmentIndex, split, rowKeys, meta } = v;
  if (typeof id !== 'string' || typeof name !== 'string') throw badDataset('id and name must be text');
  if (!FORMATS.includes(format as DatasetFormat)) throw badDataset(`format ${JSON.stringify(format)} is not one of ${FORMATS.join(', ')}`);
  if (!isStringArray(featureNames) || featureNames.length === 0) throw badDataset('it has no feature names');
  if (typeof nRows !== 'number' || !Number.isInteger(nRows) || nRows < 1) throw badDataset(`row count ${String(nRows)} is not a positive whole number`);
  if (!isStringArray(genres) || genres.length < 2) throw badDataset('it needs at least two genres');
  const d = featureNames.length;
  if (!(values instanceof Float64Array) || values.length !== nRows * d) throw badDataset(`values must be ${nRows} × ${d} numbers, found ${values instanceof Float64Array ? values.length : 'none'}`);
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw badDataset(`row ${Math.floor(i / d) + 1}, ${featureNames[i % d]} is not a finite number`);
  if (!(labels instanceof Int32Array) || labels.length !== nRows) throw badDataset(`labels must be ${nRows} whole numbers`);
  for (const l of labels) if (l < 0 || l >= genres.length) throw badDataset(`a label (${l}) is outside the ${genres.length} genres`);
  if (!isStringArray(trackIds, nRows)) throw badDataset(`track ids must be ${nRows} texts`);
  if (!(segmentIndex instanceof Int32Array) || segmentIndex.length !== nRows) throw badDataset(`segment indices must be ${nRows} whole numbers`);
  if (split !== undefined && (!(split instanceof Uint8Array) || split.length !== nRows || split.some((s) => s > 1))) throw badDataset(`the split must be ${nRows} values of 0 (train) or 1 (test)`);
  if (!isStringArray(rowKeys, nRows)) throw badDataset(`row keys must be ${nRows} texts`);
  if (!isObject(meta)) throw badDataset('meta must be an object');
  return v as unknown as Dataset;
}

/** A Compare row as the cell draws it: the fields it reads must be there and of the right kind. */
function checkCompareRow(r: unknown, i: number): void {
  const bad = (what: string) => badProject('bad-cells', `Compare row ${i + 1} in the project is not usable: ${what}.`, { row: i });
  if (!isObject(r)) throw bad('not an object');
  for (const k of ['id', 'model', 'datasetName', 'split', 'backend', 'createdAt'] as const) if (typeof r[k] !== 'string') throw bad(`${k} must be text`);
  for (const k of ['accuracy', 'macroF1'] as const) {
    const x = r[k];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw bad(`${k} must be a number from 0 to 1`);
  }
  if (typeof r['trainMs'] !== 'number') throw bad('trainMs must be a number');
  if (!isStringArray(r['features']) || !isStringArray(r['genres'])) throw bad('features and genres must be lists of text');
  const c = r['confusion'];
  if (!Array.isArray(c) || !c.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'))) throw bad('confusion must be a matrix of numbers');
}

/** The cells' saved state in a project: parameters, finished runs and the Compare table. */
export interface ProjectCells {
  params: Record<string, unknown>;
  runs: Record<string, unknown>;
  compare: Record<string, unknown>[];
}

export function validateProjectCells(v: unknown): ProjectCells {
  if (!isObject(v)) throw badProject('bad-cells', "The project's cell settings are not an object: the file is damaged.");
  const { params, runs, compare } = v;
  if (!isObject(params)) throw badProject('bad-cells', "The project's cell settings have no parameters.");
  if (!isObject(runs)) throw badProject('bad-cells', "The project's cell results are not an object.");
  for (const [k, r] of Object.entries(runs)) {
    if (!isObject(r) || r['status'] !== 'done' || !isObject(r['result']) || typeof r['result']['kind'] !== 'string')
      throw badProject('bad-cells', `The project's ${k} result is not a finished run.`, { cell: k });
  }
  if (!Array.isArray(compare)) throw badProject('bad-cells', "The project's Compare table is not a list.");
  compare.forEach(checkCompareRow);
  return { params, runs, compare: compare as Record<string, unknown>[] };
}

/** A saved run (single model or ensemble): every member through the saved-model import checks. */
export function validateProjectModel(v: unknown, where: string): SavedModelEntry {
  if (!isObject(v) || typeof v['id'] !== 'string' || typeof v['name'] !== 'string' || typeof v['createdAt'] !== 'string' || typeof v['datasetName'] !== 'string' || !Array.isArray(v['members']) || v['members'].length === 0)
    throw badProject('bad-model', `${where} in the project is not a saved model entry (id, name, createdAt, datasetName and members are needed).`, { entry: where });
  try {
    const members = v['members'].map(validateSavedModel);
    checkEnsembleMembers(members);
    return { id: v['id'], name: v['name'], createdAt: v['createdAt'], datasetName: v['datasetName'], members };
  } catch (e) {
    throw badProject('bad-model', `Model "${v['name']}" in the project: ${e instanceof Error ? e.message : String(e)}`, { entry: where });
  }
}
