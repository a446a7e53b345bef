/** Genre label of an audio file for the CLI: `genre.NNNNN.ext` names first, else the parent folder. */
import { basename, dirname } from 'node:path';

export function genreFromPath(path: string): string {
  const base = basename(path);
  const m = /^([A-Za-z][\w-]*)\.\d+\.[A-Za-z0-9]+$/.exec(base);
  if (m) return m[1] as string;
  const folder = basename(dirname(path));
  return folder && folder !== '.' ? folder : 'unknown';
}
