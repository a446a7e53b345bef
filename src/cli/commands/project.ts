/**
 * `npm run lab -- project info FILE.genrelab [--json]`: read a project file with the same checks
 * the lab runs before opening one (zip, manifest version, SHA-256 of every entry, dataset shape,
 * each model through the saved-model import checks) and print its manifest. A file that fails
 * a check exits 1 with the lab's message.
 */
import { readFileSync } from 'node:fs';
import type { ParsedArgs } from '../args';
import { emit, type CliCommand } from '../command';
import { LabError } from '../../core/errors';
import { readProject, type ProjectFile } from '../../core/project/archive';

/** Read and check a project file from disk. */
export async function inspectProject(path: string): Promise<ProjectFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new LabError('bad-argument', `Cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return readProject(bytes);
}

export function describeProject(p: ProjectFile): string {
  const m = p.manifest;
  const d = m.dataset;
  const sp = m.spectrograms;
  const lines = [
    `Genre Lab project, format ${m.formatVersion}, saved by lab ${m.appVersion} on ${m.createdAt}: every check passed.`,
    d ? `dataset: ${d.name} (${d.format}), ${d.rows} rows × ${d.features} features, ${d.genres.length} genres${d.sources ? `, built from ${d.sources.length} audio file(s) (listed with SHA-256; the audio is not in the project)` : ''}` : 'dataset: none',
    sp
      ? `spectrogram set: ${sp.name}, ${sp.tracks} tracks × ${sp.bands} mel bands, ${sp.genres.length} genres, ${sp.mode === 'embedded' ? 'embedded (the uint8 matrices are in the project)' : "manifest (files and hashes only: restored from the opening browser's spectrogram cache)"}`
      : 'spectrogram set: none',
    `Compare rows: ${m.compareRows}`,
    `models: ${m.models.length}`,
    ...m.models.map((x) => `  ${x.name}: ${x.kind}, ${x.members} member(s), trained on ${[...new Set(x.backends)].join(', ')}, seed(s) ${x.seeds.join(', ')}`),
    `entries: ${Object.keys(m.entries).length}`,
    ...Object.entries(m.entries).map(([name, e]) => `  ${name}  ${e.bytes} B  sha256 ${e.sha256}`),
  ];
  return lines.join('\n');
}

export const projectCommand: CliCommand = {
  name: 'project',
  usage: 'project info FILE.genrelab [--json]   check a project file and print its manifest',
  async run(args: ParsedArgs) {
    const [sub, file] = args.positionals;
    if (sub !== 'info' || !file) throw new LabError('bad-argument', 'Usage: lab project info FILE.genrelab [--json]');
    const p = await inspectProject(file);
    emit(args, p.manifest, () => describeProject(p));
  },
};
