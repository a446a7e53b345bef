import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { assembleSpectrogramSet, buildSpectrogramSet, logMelParamsFor, quantisedLogMelOf, type NamedLogMel } from '../core/data/spectrogramSet';
import { cachedLogMel, loadSpectrogramSet, logMelCacheKey, saveSpectrogramSet } from './spectrograms';

/**
 * The browser's path to a spectrogram set — each file's matrix through the IndexedDB cache, the
 * set stored whole and read back after a reload — against buildSpectrogramSet (the CLI's builder,
 * itself checked against librosa) on the same clips: the bytes must be identical.
 */
describe('spectrogram sets through the IndexedDB cache', () => {
  const clips: { file: string; style: SynthStyle; seed: number }[] = [
    { file: 'synth-ambient.00000.wav', style: 'synth-ambient', seed: 1 },
    { file: 'synth-techno.00000.wav', style: 'synth-techno', seed: 2 },
  ];
  const samplesOf = (c: (typeof clips)[number]) => synthesizeClip(c.style, c.seed, 3);

  it('a set built through the cache (computed, then read back) and stored holds the same uint8 bytes as buildSpectrogramSet', async () => {
    const params = logMelParamsFor({ nBands: 96 });
    const truth = await buildSpectrogramSet(
      clips.map((c) => c.file),
      async (f) => ({ samples: samplesOf(clips.find((c) => c.file === f)!), sampleRateHz: 22050 }),
      { nBands: 96 },
    );
    let computed = 0;
    const viaCache = async (): Promise<{ rows: NamedLogMel[]; cached: boolean[] }> => {
      const rows: NamedLogMel[] = [];
      const cached: boolean[] = [];
      for (const c of clips) {
        const r = await cachedLogMel(logMelCacheKey(`test:${c.style}:${c.seed}`, params), async () => {
          computed++;
          return quantisedLogMelOf(samplesOf(c), params);
        });
        rows.push({ trackId: c.file.replace(/\.wav$/, ''), genre: c.style, mel: r.mel });
        cached.push(r.cached);
      }
      return { rows, cached };
    };
    const first = await viaCache();
    expect(first.cached).toEqual([false, false]);
    const second = await viaCache();
    expect(second.cached).toEqual([true, true]);
    expect(computed).toBe(2); // the second pass read IndexedDB, it did not compute
    const set = assembleSpectrogramSet(second.rows, [], params, 'cached');
    await saveSpectrogramSet({ ...set, id: 'spectrograms:test' });
    const back = (await loadSpectrogramSet())!;
    expect(back.genres).toEqual(truth.genres);
    expect(back.params).toEqual(truth.params);
    expect(back.tracks.map((t) => t.trackId)).toEqual(truth.tracks.map((t) => t.trackId));
    back.tracks.forEach((t, i) => {
      const want = truth.tracks[i]!.mel;
      expect(t.label).toBe(truth.tracks[i]!.label);
      expect(t.mel.bytes).toBeInstanceOf(Uint8Array);
      expect([t.mel.nBands, t.mel.nFrames, t.mel.maxDb, t.mel.rangeDb]).toEqual([want.nBands, want.nFrames, want.maxDb, want.rangeDb]);
      expect(Buffer.from(t.mel.bytes).equals(Buffer.from(want.bytes))).toBe(true);
    });
    await saveSpectrogramSet(undefined);
    expect(await loadSpectrogramSet()).toBeUndefined();
  });

  it('keys differ by mel bands, so a 64-band matrix is never served for 128 bands', () => {
    expect(logMelCacheKey('h', logMelParamsFor({ nBands: 64 }))).not.toBe(logMelCacheKey('h', logMelParamsFor({ nBands: 128 })));
  });

  it('the evaluation folder’s set is stored beside the current one: saving or forgetting one leaves the other', async () => {
    const params = logMelParamsFor({ nBands: 64 });
    const mel = quantisedLogMelOf(synthesizeClip('synth-techno', 5, 1), params);
    const current = { ...assembleSpectrogramSet([{ trackId: 'a.00000', genre: 'a', mel }, { trackId: 'b.00000', genre: 'b', mel }], [], params, 'train'), id: 'spectrograms:current' };
    // One genre is enough for new songs to evaluate on (a folder of new rock songs).
    const evaluation = { ...assembleSpectrogramSet([{ trackId: 'rock.00100', genre: 'rock', mel }], [], params, 'new songs', 1), id: 'spectrograms:evaluation' };
    expect(() => assembleSpectrogramSet([{ trackId: 'rock.00100', genre: 'rock', mel }], [], params)).toThrow(/at least two genres/);
    await saveSpectrogramSet(current);
    await saveSpectrogramSet(evaluation, 'evaluation');
    expect((await loadSpectrogramSet())?.id).toBe('spectrograms:current');
    expect((await loadSpectrogramSet('evaluation'))?.genres).toEqual(['rock']);
    await saveSpectrogramSet(undefined, 'evaluation');
    expect(await loadSpectrogramSet('evaluation')).toBeUndefined();
    expect((await loadSpectrogramSet())?.name).toBe('train');
    await saveSpectrogramSet(undefined);
  });
});
