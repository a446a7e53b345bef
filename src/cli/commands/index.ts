import type { CliCommand } from '../command';

/** Every CLI command; add one import + one entry per command file. */
export const commands: CliCommand[] = [];
