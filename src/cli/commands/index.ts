import type { CliCommand } from '../command';
import { classicCommand } from './classic';
import { classifyCommand } from './classify';
import { extractCommand } from './extract';
import { knnCommand } from './knn';
import { melspecCommand } from './melspec';
import { mergeCommand } from './merge';
import { parityCommand } from './parity';
import { projectCommand } from './project';
import { presetCommand } from './preset';
import { searchCommand } from './search';
import { trainCommand } from './train';

/** Every CLI command; add one import + one entry per command file. */
export const commands: CliCommand[] = [
  classicCommand,
  classifyCommand,
  extractCommand,
  knnCommand,
  melspecCommand,
  mergeCommand,
  parityCommand,
  projectCommand,
  presetCommand,
  searchCommand,
  trainCommand,
];
