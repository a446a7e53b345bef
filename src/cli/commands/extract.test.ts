/**
 * `lab extract` on a folder with bad files among good ones (issue 13): every bad file is named
 * once with its reason, the good files' rows are written, the failed ones listed at the end; the
 * command fails only when no file could be extracted. All WAVs are built here from bytes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
