/**
 * `lab extract` on a folder with bad files among good ones (issue 13): every bad file is named
 * once with its reason, the good files' rows are written, the failed ones listed at the end; the
 * command fails only when no file could be extracted. All WAVs are built here from bytes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeFloatWav, makeSilentWav8 } from '../../core/audio/testWav';
import { encodeWav16 } from '../../core/audio/wav';
import { listAudioFiles } from '../../node/audioFiles';
import { parseArgs } from '../args';
import { extractAudioFiles, extractCommand } from './extract';

const tone = (hz: number, rate: number, sec: number) => Float32Array.from({ length: Math.round(rate * sec) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate));

const root = mkdtempSync(join(tmpdir(), 'extract-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(root, name);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

// 'RIFF', size, 'WAVE', a 'fmt ' chunk claiming 16 bytes with 3 present: "The WAV format chunk is truncated."
const truncatedFmt = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0xff, 0xff, 0, 0, 0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20, 16, 0, 0, 0, 1, 2, 3]);
const withNaN = tone(440, 22050, 1);
withNaN.fill(NaN, 11025, 11037); // 12 NaN from 0.50 s

const bad = {
  'rock/rock.00002.wav': truncatedFmt,
  'rock/rock.00003.wav': makeFloatWav([withNaN], 22050),
  'rock/rock.00004.wav': makeSilentWav8(1, 66150), // a 1 Hz header: used to hang the resampler
};

function captureStderr(): { lines: () => string[]; restore: () => void } {
  const out: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  return { lines: () => out.join('').split('\n').filter(Boolean), restore: () => spy.mockRestore() };
}

describe('lab extract with bad files in the batch', () => {
  it('goes on past bad files, names each once and keeps the good ones', async () => {
    const dir = folder('mixed', {
      'jazz/jazz.00001.wav': encodeWav16([tone(440, 22050, 1)], 22050),
      'rock/rock.00001.wav': encodeWav16([tone(220, 44100, 1.2), tone(330, 44100, 1.2)], 44100),
      ...bad,
    });
    const log: string[] = [];
    const r = await extractAudioFiles(listAudioFiles([dir]), 'ntnu30', (l) => log.push(l));
    expect(r.clips.map((c) => `${c.genre}/${c.fileName}`)).toEqual(['jazz/jazz.00001.wav', 'rock/rock.00001.wav']);
    expect(r.failed.map((f) => f.file.slice(dir.length + 1))).toEqual(['rock/rock.00002.wav', 'rock/rock.00003.wav', 'rock/rock.00004.wav']);
    expect(r.failed[0]?.reason).toBe('The WAV format chunk is truncated.');
    expect(r.failed[1]?.reason).toMatch(/^The audio holds 12 NaN samples \(first at 0\.50 s\)/);
    expect(r.failed[2]?.reason).toMatch(/sampled at 1 Hz.*1 kHz–384 kHz/);
    // one log line per file; each failed file named exactly once in its line
    expect(log).toHaveLength(5);
    for (const n of ['rock.00002.wav', 'rock.00003.wav', 'rock.00004.wav']) {
      const lines = log.filter((l) => l.includes(n));
      expect(lines).toHaveLength(1);
      expect(lines[0]!.split(n)).toHaveLength(2);
    }
  });

  it('writes the good rows, lists the failed files at the end and exits 0', async () => {
    const dir = folder('cmd', { 'jazz/jazz.00001.wav': encodeWav16([tone(440, 22050, 1)], 22050), 'rock/rock.00001.wav': encodeWav16([tone(220, 22050, 1)], 22050), ...bad });
    const out = join(root, 'out.txt');
    const err = captureStderr();
    const before = process.exitCode;
    try {
      await extractCommand.run(parseArgs([dir, '--recipe', 'ntnu30', '--out', out]), []);
    } finally {
      err.restore();
    }
    expect(process.exitCode).toBe(before);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 2); // header + the two good clips (ntnu30: one row per clip)
    const tail = err.lines().slice(-4);
    expect(tail[0]).toBe('3 of 5 file(s) could not be used and were left out:');
    expect(tail.slice(1).map((l) => l.trim().split(': ')[0]!.slice(dir.length + 1))).toEqual(['rock/rock.00002.wav', 'rock/rock.00003.wav', 'rock/rock.00004.wav']);
  });

  it('fails (non-zero exit) only when no file could be extracted, with the first failure as the cause', async () => {
    const dir = folder('allbad', bad);
    const err = captureStderr();
    try {
      await expect(extractCommand.run(parseArgs([dir, '--recipe', 'ntnu30']), [])).rejects.toMatchObject({
        code: 'no-features',
        message: expect.stringMatching(/^No file could be analysed\. .*rock\.00002\.wav: The WAV format chunk is truncated \(and 2 more/),
      });
    } finally {
      err.restore();
    }
    expect(err.lines()).toContain('3 of 3 file(s) could not be used and were left out:');
  });
});

describe('lab extract --jobs N (worker threads)', () => {
  // Sorted by file name the long clip comes first, so while one worker is on it the other
  // finishes the short ones: rows must still come out in file order.
  const dir = folder('jobs', {
    'blues/blues.00000.wav': encodeWav16([tone(220, 22050, 30)], 22050),
    'jazz/jazz.00001.wav': encodeWav16([tone(330, 44100, 1)], 44100),
    'jazz/jazz.00002.wav': encodeWav16([tone(440, 22050, 1.5)], 22050),
    'rock/rock.00001.wav': encodeWav16([tone(550, 22050, 1)], 22050),
    'rock/rock.00002.wav': truncatedFmt,
    'rock/rock.00003.wav': encodeWav16([tone(660, 22050, 2)], 22050),
  });
  const run = async (argv: string[]) => {
    const err = captureStderr();
    try {
      await extractCommand.run(parseArgs(argv), argv);
    } finally {
      err.restore();
    }
    return err.lines();
  };

  it('writes rows bit-identical to --jobs 1, in file order, with progress and ETA per file', async () => {
    await run([dir, '--recipe', 'ntnu30', '--out', join(root, 'jobs1.csv')]);
    const lines = await run([dir, '--recipe', 'ntnu30', '--jobs', '2', '--out', join(root, 'jobs2.csv')]);
    const one = readFileSync(join(root, 'jobs1.csv'));
    expect(readFileSync(join(root, 'jobs2.csv')).equals(one)).toBe(true);
    expect(one.toString().trim().split('\n').slice(1).map((l) => l.split('\t')[1])).toEqual(['blues_00000.wav', 'jazz_00001.wav', 'jazz_00002.wav', 'rock_00001.wav', 'rock_00003.wav']);
    const progress = lines.filter((l) => l.startsWith('['));
    expect(progress.map((l) => /^\[(\d+)\/6\]/.exec(l)?.[1])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(progress.slice(0, 5).every((l) => / — ETA \d+( min \d\d)? s$/.test(l))).toBe(true);
    expect(progress[5]).not.toMatch(/ETA/);
    const failedLines = progress.filter((l) => l.includes('rock.00002.wav'));
    expect(failedLines).toHaveLength(1);
    expect(failedLines[0]).toMatch(/^\[\d\/6\] failed, left out: .*rock\/rock\.00002\.wav: The WAV format chunk is truncated\./);
  });

  it('stops when aborted (Ctrl-C), in this thread and in workers, with CancelledError', async () => {
    const files = listAudioFiles([dir]);
    for (const jobs of [1, 2]) {
      const stop = new AbortController();
      const seen: string[] = [];
      await expect(
        extractAudioFiles(files, 'ntnu30', (l) => {
          seen.push(l);
          stop.abort();
        }, { jobs, signal: stop.signal }),
      ).rejects.toMatchObject({ code: 'cancelled' });
      // nothing is reported after the abort (a worker's file in flight is dropped with the worker)
      expect(seen).toHaveLength(1);
    }
  });

  it('takes --jobs N or auto, and says what it takes otherwise', async () => {
    for (const bad of ['0', 'x', '1.5', '-2'])
      await expect(run([dir, '--recipe', 'ntnu30', '--jobs', bad])).rejects.toMatchObject({ code: 'bad-argument', message: expect.stringMatching(/^--jobs takes a whole number of worker threads \(1 or more\) or "auto"/) });
  });
});

describe('lab extract --shard i/n', () => {
  const dir = folder('shard', { 'a/x.00001.wav': encodeWav16([tone(220, 22050, 1)], 22050), 'a/x.00002.wav': encodeWav16([tone(330, 22050, 1)], 22050), 'b/y.00001.wav': encodeWav16([tone(440, 22050, 1)], 22050) });
  const run = (argv: string[]) => extractCommand.run(parseArgs(argv), argv);

  it('says shards are numbered from 1, and needs --out for the sidecar', async () => {
    for (const bad of ['0/4', '5/4', '1/0', 'x', '2'])
      await expect(run([dir, '--shard', bad, '--out', join(root, 's.csv')])).rejects.toMatchObject({ code: 'bad-argument', message: expect.stringContaining('shards are numbered from 1: --shard 1/4, 2/4, 3/4, 4/4') });
    await expect(run([dir, '--shard', '1/2'])).rejects.toMatchObject({ message: expect.stringMatching(/^--shard 1\/2 needs --out/) });
  });

  it('refuses a shard with no files, saying how many shards the files make', async () => {
    await expect(run([dir, '--recipe', 'ntnu30', '--shard', '4/4', '--out', join(root, 's.csv')])).rejects.toMatchObject({ message: 'Shard 4/4 has no files: the 3 file(s) found split into at most 3 shard(s).' });
  });
});

describe('Ctrl-C during lab extract --jobs 2 (the real CLI in a child process)', () => {
  it('stops the workers, writes nothing and exits with 130', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let k = 0; k < 8; k++) files[`blues/blues.0000${k}.wav`] = encodeWav16([tone(200 + 50 * k, 22050, 30)], 22050);
    const dir = folder('sigint', files);
    const out = join(root, 'sigint.csv');
    const repo = fileURLToPath(new URL('../../..', import.meta.url));
    // tsx's CLI, as `npm run lab` runs it: it relays the signal to the process running main.ts
    const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
    const child = spawn(process.execPath, [tsxCli, 'src/cli/main.ts', 'extract', dir, '--recipe', 'ntnu30', '--jobs', '2', '--out', out], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      const first = !stderr.includes('[1/8]');
      stderr += d.toString();
      if (first && stderr.includes('[1/8]')) child.kill('SIGINT'); // after the first file: 7 are left
    });
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/Stopped by Ctrl-C after [1-7] of 8 files: nothing was written\./);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('sigint.csv'))).toEqual([]);
  });
});
