import { afterEach, describe, expect, it, vi } from 'vitest';
import { presetById, PRESETS } from '../../core/presets/registry';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { parseArgs } from '../args';
import { presetCommand } from './preset';

/** Run the command and return what it wrote to stdout. */
async function stdoutOf(argv: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await presetCommand.run(parseArgs(argv), argv);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('lab preset', () => {
  it('lists every preset of the registry, and says where a paper states no number', async () => {
    const list = JSON.parse(await stdoutOf(['list', '--json'])) as { presets: { id: string }[] }[];
    expect(list.flatMap((g) => g.presets.map((p) => p.id)).sort()).toEqual(PRESETS.map((p) => p.id).sort());
    const text = await stdoutOf(['list']);
    expect(text).toContain('ntnu-task1');
    expect(text).toContain('accuracy 40.40 %');
    expect(text).toMatch(/northeastern-baselines[\s\S]*paper: not stated in our sources/);
  });

  it('refuses an unknown preset and a missing --data before reading anything', async () => {
    await expect(stdoutOf(['run', 'nope'])).rejects.toThrow(/Unknown preset "nope"/);
    await expect(stdoutOf(['run', 'ntnu-task1'])).rejects.toThrow(/ntnu-task1 reads a feature table: pass --data/);
  });

  const file = 'data/gtzan/GenreClassData_30s.txt';
  it.skipIf(!!skipReason(file))('prints as JSON exactly what the preset’s run returns for the same seed (Task 1; the seeded baselines with --seed 3)', async () => {
    const path = sharedPath(file)!;
    const ds = loadTableFile(path);
    for (const [id, seed] of [['ntnu-task1', 0], ['northeastern-baselines', 3]] as const) {
      const cli = JSON.parse(await stdoutOf(['run', id, '--data', path, '--seed', String(seed), '--json']));
      const direct = JSON.parse(JSON.stringify(await presetById(id).run({ dataset: ds, seed, effort: 'full' })));
      expect(cli).toEqual(direct);
      expect(cli.seed).toBe(seed);
    }
  });
});
