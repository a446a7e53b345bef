/**
 * `.genrelab` project files: one zip (fflate) holding the dataset, the cells' settings and
 * results, the Compare table and the trained models, with a `manifest.json` that names the format
 * version, the app version, the backend each model was trained on and a SHA-256 of every entry.
 *
 * Reading checks everything — zip structure, manifest, version, hashes, dataset shape, each model
 * through the saved-model import checks — and only then returns the content, so a caller that
 * replaces the lab with it never half-applies a bad file.
 */
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import type { Dataset } from '../data/dataset';
import type { SavedModelEntry } from '../models/savedFormat';
import { sha256Hex } from '../sha256';
import { badProject, packJson, unpackJson } from './pack';
import { projectSpectrogramInfo, validateProjectSpectrograms, type ProjectSpectrogramInfo, type ProjectSpectrograms } from './spectrograms';
import { validateProjectCells, validateProjectDataset, validateProjectModel, type ProjectCells } from './validate';

export const PROJECT_FORMAT = 'genre-lab-project';
/** 2: may hold a spectrogram set (`spectrograms.json`); 1 (read as it is): never does. */
export const PROJECT_VERSION = 2;
export const PROJECT_EXTENSION = '.genrelab';
/** More than this, unpacked, is refused before it is inflated (a zip bomb, or not our file). */
export const MAX_PROJECT_BYTES = 2 ** 31;

export type { ProjectCells } from './validate';

/** A source file the dataset was built from (audio-built data carries no audio, only this list). */
export interface ProjectSource {
  file: string;
  sha256: string;
}

export interface ProjectManifest {
  format: typeof PROJECT_FORMAT;
  formatVersion: number;
  /** The lab version that wrote the file (package.json's). */
  appVersion: string;
  createdAt: string;
  dataset: { id: string; name: string; format: string; rows: number; features: number; genres: string[]; sources?: ProjectSource[] } | null;
  models: { id: string; name: string; kind: string; members: number; /** tfjs backend each member was trained on. */ backends: string[]; seeds: number[]; entry: string }[];
  compareRows: number;
  /** The spectrogram set, embedded or named by its files (absent in format 1). */
  spectrograms?: ProjectSpectrogramInfo | null;
  /** Every other entry of the zip: its SHA-256 (hex) and size in bytes. */
  entries: Record<string, { sha256: string; bytes: number }>;
}

export interface ProjectContent {
  dataset?: Dataset;
  /** Files the dataset was built from, when it came from audio (the audio itself is not stored). */
  sources?: ProjectSource[];
  cells: ProjectCells;
  models: SavedModelEntry[];
  /** The CNNs' data: embedded, or a manifest of the files it was built from. */
  spectrograms?: ProjectSpectrograms;
}

export interface ProjectFile {
  manifest: ProjectManifest;
  content: ProjectContent;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

/** Build the zip bytes of a project. */
export async function writeProject(content: ProjectContent, info: { appVersion: string; createdAt?: string; onProgress?: (fraction: number) => void }): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const binaries = (prefix: string) => {
    let n = 0;
    return (bytes: Uint8Array) => {
      const name = `${prefix}/${n++}.bin`;
      files[name] = bytes;
      return name;
    };
  };
  if (content.dataset) files['dataset.json'] = enc.encode(packJson(content.dataset, binaries('dataset')));
  files['cells.json'] = enc.encode(packJson(content.cells, binaries('cells')));
  if (content.spectrograms) files['spectrograms.json'] = enc.encode(packJson(content.spectrograms, binaries('spectrograms')));
  const models: ProjectManifest['models'] = content.models.map((m, i) => {
    const entry = `models/${i}.json`;
    files[entry] = enc.encode(packJson(m, binaries(`models/${i}`)));
    const metas = m.members.map((x) => x.metadata);
    return { id: m.id, name: m.name, kind: metas[0]?.kind ?? '', members: metas.length, backends: metas.map((x) => x.backend), seeds: metas.map((x) => x.seed), entry };
  });
  const entries: ProjectManifest['entries'] = {};
  const list = Object.entries(files);
  for (const [i, [name, bytes]] of list.entries()) {
    entries[name] = { sha256: await sha256Hex(bytes), bytes: bytes.length };
    info.onProgress?.((0.8 * (i + 1)) / list.length);
  }
  const ds = content.dataset;
  const manifest: ProjectManifest = {
    format: PROJECT_FORMAT,
    formatVersion: PROJECT_VERSION,
    appVersion: info.appVersion,
    createdAt: info.createdAt ?? new Date().toISOString(),
    dataset: ds
      ? { id: ds.id, name: ds.name, format: ds.format, rows: ds.nRows, features: ds.featureNames.length, genres: [...ds.genres], ...(content.sources ? { sources: content.sources } : {}) }
      : null,
    models,
    compareRows: content.cells.compare.length,
    spectrograms: content.spectrograms ? projectSpectrogramInfo(content.spectrograms) : null,
    entries,
  };
  // The manifest first, so a reader (or `unzip -l`) sees it at once.
  return zipSync({ 'manifest.json': enc.encode(JSON.stringify(manifest, null, 2)), ...files }, { level: 6 });
}

/** Unzip, telling a file that is not a zip from one that is cut short. */
function unzipProject(bytes: Uint8Array): Unzipped {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (!isZip)
    throw badProject('not-zip', bytes.length === 0 ? 'The project file is empty (0 bytes).' : 'This is not a Genre Lab project: a .genrelab file is a zip archive, and this file is not one.');
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_PROJECT_BYTES) throw badProject('too-big', `The project unpacks to more than ${MAX_PROJECT_BYTES / 2 ** 30} GiB: it is not a file this lab wrote.`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof Error && e.name === 'LabError') throw e;
    throw badProject('truncated', 'The project file is damaged or cut short (its zip directory cannot be read): download or copy it again.', { cause: e instanceof Error ? e.message : String(e) });
  }
}

/** Check a manifest's shape and version (before trusting anything it lists). */
export function validateManifest(v: unknown): ProjectManifest {
  if (typeof v !== 'object' || v === null) throw badProject('bad-manifest', "The project's manifest.json is not an object.");
  const m = v as Record<string, unknown>;
  if (m['format'] !== PROJECT_FORMAT) throw badProject('foreign', `This zip is not a Genre Lab project: its manifest says format ${JSON.stringify(m['format'])}, not "${PROJECT_FORMAT}".`);
  const version = m['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw badProject('bad-manifest', `The project's format version ${JSON.stringify(version)} is not a version number.`);
  if (version > PROJECT_VERSION)
    throw badProject(
      'future-version',
      `This project was saved by a newer Genre Lab (${typeof m['appVersion'] === 'string' ? `version ${m['appVersion']}, ` : ''}project format ${version}); this lab reads format ${PROJECT_VERSION}. Open it in the newer lab, or update this one.`,
      { version },
    );
  const entries = m['entries'];
  if (typeof entries !== 'object' || entries === null) throw badProject('bad-manifest', "The project's manifest lists no entries.");
  for (const [name, e] of Object.entries(entries as Record<string, unknown>)) {
    const x = e as Record<string, unknown> | null;
    if (typeof x?.['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(x['sha256']) || typeof x['bytes'] !== 'number')
      throw badProject('bad-manifest', `The manifest's entry for ${name} has no valid SHA-256 and size.`, { entry: name });
  }
  if (typeof m['appVersion'] !== 'string' || typeof m['createdAt'] !== 'string' || !Array.isArray(m['models']))
    throw badProject('bad-manifest', 'The project manifest lacks its app version, date or model list.');
  return m as unknown as ProjectManifest;
}

/**
 * Read and check a project file. Throws a LabError (`bad-project`, `detail.reason` saying which
 * check failed) for anything that is not a whole, untampered project this lab can read.
 */
export async function readProject(bytes: Uint8Array, onProgress?: (fraction: number) => void): Promise<ProjectFile> {
  const files = unzipProject(bytes);
  const rawManifest = files['manifest.json'];
  if (!rawManifest) throw badProject('no-manifest', 'This zip is not a Genre Lab project: it has no manifest.json.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(dec.decode(rawManifest));
  } catch {
    throw badProject('bad-manifest', "The project's manifest.json is not valid JSON: the file is damaged.");
  }
  const manifest = validateManifest(parsed);
  // Every entry is what the manifest says it is, and nothing rides along unlisted.
  for (const name of Object.keys(files)) {
    if (name === 'manifest.json' || name.endsWith('/')) continue;
    if (!(name in manifest.entries)) throw badProject('unlisted-entry', `The project holds ${name}, which its manifest does not list: it was changed after it was saved.`, { entry: name });
  }
  const listed = Object.entries(manifest.entries);
  for (const [i, [name, e]] of listed.entries()) {
    onProgress?.((0.8 * i) / listed.length);
    const data = files[name];
    if (!data) throw badProject('missing-entry', `The project's manifest lists ${name}, but the zip does not hold it.`, { entry: name });
    const hash = await sha256Hex(data);
    if (hash !== e.sha256 || data.length !== e.bytes)
      throw badProject('hash-mismatch', `${name} in the project does not match its SHA-256 in the manifest: the file was changed or damaged after it was saved.`, { entry: name, expected: e.sha256, found: hash });
  }
  const get = (name: string) => files[name];
  const json = (name: string) => {
    const b = files[name];
    if (!b) throw badProject('missing-entry', `The project has no ${name}.`, { entry: name });
    return unpackJson(dec.decode(b), get, name);
  };
  const dataset = manifest.dataset ? validateProjectDataset(json('dataset.json')) : undefined;
  if (dataset && manifest.dataset && (dataset.id !== manifest.dataset.id || dataset.nRows !== manifest.dataset.rows))
    throw badProject('bad-dataset', `The project's dataset (${dataset.nRows} rows) is not the one its manifest describes (${manifest.dataset.rows} rows).`);
  const cells = validateProjectCells(json('cells.json'));
  const models = manifest.models.map((m, i) => {
    const where = typeof m?.entry === 'string' ? m.entry : `model ${i + 1}`;
    return validateProjectModel(json(where), where);
  });
  const spectrograms = manifest.spectrograms ? validateProjectSpectrograms(json('spectrograms.json')) : undefined;
  if (spectrograms && manifest.spectrograms) {
    const info = projectSpectrogramInfo(spectrograms);
    if (info.mode !== manifest.spectrograms.mode || info.tracks !== manifest.spectrograms.tracks || info.bands !== manifest.spectrograms.bands)
      throw badProject('bad-spectrograms', `The project's spectrogram set (${info.tracks} tracks, ${info.bands} bands, ${info.mode}) is not the one its manifest describes (${manifest.spectrograms.tracks} tracks, ${manifest.spectrograms.bands} bands, ${manifest.spectrograms.mode}).`);
  }
  return { manifest, content: { dataset, sources: manifest.dataset?.sources, cells, models, ...(spectrograms ? { spectrograms } : {}) } };
}
