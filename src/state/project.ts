/**
 * Projects and the lab: what a `.genrelab` file is made from (the stored dataset, the cells'
 * saved state, the saved models), and replacing the lab with a project that core/project has
 * already read and validated — storage first, then the store in one setState, so a failure
 * leaves the lab as it was.
 */
import { LabError } from '../core/errors';
import type { ProjectContent } from '../core/project/archive';
import { deleteModelEntry, listModelEntries, putModelEntry } from '../storage/models';
import { saveCells } from '../storage/cells';
import { adaptParams, defaultParams, persistedPart, type CompareEntry, type LabState, type LabStore, type Params } from './lab';
import { summarizeEntry } from './models';
import { saveDataset } from './persist';
import { INITIAL_CLASSIFY } from './classify';

/** The lab as a project: dataset, cells' settings, finished runs, Compare rows and every saved model. */
export async function collectProject(state: LabState): Promise<ProjectContent> {
  const { entries } = await listModelEntries();
  const cells = persistedPart(state);
  return {
    dataset: state.dataset,
    sources: state.dataset?.meta.sources,
    cells: { params: { ...cells.params }, runs: { ...cells.runs }, compare: cells.compare as unknown as Record<string, unknown>[] },
    models: entries,
  };
}

/**
 * A project's parameters over the defaults, section by section and field by field: a field of the
 * wrong kind (a list where a number belongs) keeps the default, so an odd file cannot break a cell.
 */
function mergeParams(defaults: Params, saved: Record<string, unknown>): Params {
  const out: Record<string, unknown> = { ...defaults };
  for (const [section, d] of Object.entries(defaults) as [string, Record<string, unknown>][]) {
    const s = saved[section];
    if (typeof s !== 'object' || s === null) continue;
    const merged: Record<string, unknown> = { ...d };
    for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
      const dv = d[k];
      if (dv === undefined || (Array.isArray(dv) ? Array.isArray(v) : typeof v === typeof dv)) merged[k] = v;
    }
    out[section] = merged;
  }
  return out as unknown as Params;
}

/**
 * Replace the lab with a validated project: its models replace the saved models, its dataset,
 * settings, results and Compare table replace the lab's. Refused while a training runs.
 */
export async function replaceLab(store: LabStore, content: ProjectContent): Promise<void> {
  const s = store.getState();
  if (s.training?.status === 'running') throw new LabError('bad-argument', 'A training is running: stop it (or wait for it to finish) before opening a project.');
  if (s.audioImport?.status === 'running') throw new LabError('bad-argument', 'Audio is being analysed: cancel it (or wait) before opening a project.');
  const ds = content.dataset;
  const params = ds ? adaptParams(mergeParams(defaultParams(ds), content.cells.params), ds) : mergeParams(defaultParams(), content.cells.params);
  const runs = Object.fromEntries(Object.entries(content.cells.runs).filter(([, r]) => ds && (r as { datasetId?: string }).datasetId === ds.id)) as LabState['runs'];
  const compare = content.cells.compare as unknown as CompareEntry[];
  // Storage first: the new models are added before the old ones go, so a failed write loses nothing.
  const before = await listModelEntries();
  for (const m of content.models) await putModelEntry(m);
  const keep = new Set(content.models.map((m) => m.id));
  for (const e of before.entries) if (!keep.has(e.id)) await deleteModelEntry(e.id);
  await saveDataset(ds);
  await saveCells({ params, runs, compare });
  store.setState({
    dataset: ds,
    datasetStatus: ds ? 'ready' : 'empty',
    loadProgress: ds ? 1 : 0,
    loadingName: undefined,
    dataError: undefined,
    pendingLabel: undefined,
    audioImport: undefined,
    params,
    runs,
    compare,
    training: undefined,
    trainingNotice: undefined,
    classify: INITIAL_CLASSIFY,
    models: content.models.map(summarizeEntry).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  });
}
