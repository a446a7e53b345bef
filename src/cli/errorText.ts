/**
 * How the CLI words an error. Core messages are written for both surfaces; where the fix is a
 * different gesture on the command line (pass an option instead of picking in a menu), it is said here.
 */
import { isLabError } from '../core/errors';
import type { CliCommand } from './command';

function list(names: unknown, max = 8): string {
  const a = Array.isArray(names) ? names.map(String) : [];
  return a.slice(0, max).join(', ') + (a.length > max ? ', …' : '');
}

/** The line printed after `error: `. `command` is the command that failed, when known. */
export function cliErrorText(e: unknown, command?: Pick<CliCommand, 'name' | 'labelOption'>): string {
  if (!isLabError(e)) return e instanceof Error ? (e.stack ?? e.message) : String(e);
  let msg = e.message;
  if (e.code === 'no-label-column') {
    const candidates = list(e.detail['candidates']);
    msg += command?.labelOption
      ? ` Pass --label COLUMN to say which column holds the genre${candidates ? ` (columns with text: ${candidates})` : ''}, and --track COLUMN if one names the track.`
      : ` ${command ? `\`${command.name}\`` : 'This command'} finds the genre only in a column named ${list(e.detail['looked'])}: rename the column that holds it${candidates ? ` (columns with text: ${candidates})` : ''}, or use knn or search, which take --label COLUMN.`;
  }
  return `${e.code}: ${msg}`;
}
