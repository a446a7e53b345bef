/** Tiny argv parser for the lab CLI: `--key value`, `--flag`, and positionals. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        options[a.slice(2, eq)] = a.slice(eq + 1);
        continue;
      }
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        options[key] = next;
        i++;
      } else options[key] = true;
    } else positionals.push(a);
  }
  return { positionals, options };
}

export function optString(args: ParsedArgs, key: string, fallback?: string): string | undefined {
  const v = args.options[key];
  return typeof v === 'string' ? v : fallback;
}

export function optNumber(args: ParsedArgs, key: string, fallback: number): number {
  const v = args.options[key];
  if (typeof v !== 'string') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${key} must be a number, got "${v}"`);
  return n;
}

export function optList(args: ParsedArgs, key: string): string[] | undefined {
  const v = args.options[key];
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

export function optFlag(args: ParsedArgs, key: string): boolean {
  return args.options[key] === true || args.options[key] === 'true';
}

/** Options that take values following them, e.g. `--audio a.wav b.wav`. */
export function optMany(argv: readonly string[], key: string): string[] {
  const i = argv.indexOf(`--${key}`);
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < argv.length && !(argv[j] as string).startsWith('--'); j++) out.push(argv[j] as string);
  return out;
}
