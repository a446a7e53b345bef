import type { ParsedArgs } from './args';

/** One CLI command. Each lives in src/cli/commands/<name>.ts and is listed in commands/index.ts. */
export interface CliCommand {
  name: string;
  /** One-line usage shown by `npm run lab -- help`. */
  usage: string;
  /** Accepts --label/--track for tables whose genre column has another name (errors then suggest them). */
  labelOption?: boolean;
  run(args: ParsedArgs, argv: readonly string[]): Promise<void>;
}

/** Print a result: JSON with --json, else the human text. */
export function emit(args: ParsedArgs, json: unknown, text: () => string): void {
  if (args.options['json']) process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  else process.stdout.write(text() + '\n');
}
