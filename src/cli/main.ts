/**
 * The headless lab: `npm run lab -- <command> [options]`. Same core, same numbers as the UI.
 */
import { parseArgs } from './args';
import { commands } from './commands/index';
import { cliErrorText } from './errorText';

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const cmd = commands.find((c) => c.name === name);
  if (!name || name === 'help' || name === '--help' || !cmd) {
    if (name && name !== 'help' && name !== '--help') process.stderr.write(`Unknown command "${name}".\n`);
    process.stdout.write('Usage: npm run lab -- <command> [options]\n\nCommands:\n');
    for (const c of commands) process.stdout.write(`  ${c.usage}\n`);
    process.exitCode = name && name !== 'help' && name !== '--help' ? 2 : 0;
    return;
  }
  try {
    await cmd.run(parseArgs(rest), rest);
  } catch (e) {
    process.stderr.write(`error: ${cliErrorText(e, cmd)}\n`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`error: ${cliErrorText(e)}\n`);
  process.exitCode = 1;
});
