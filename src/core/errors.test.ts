import { describe, expect, it } from 'vitest';
import { reasonWithoutFileName } from './errors';

describe('reasonWithoutFileName', () => {
  it('drops the file name a message starts with, so a list names each file once', () => {
    // The Data cell's failed list showed "x.wav: x.wav: the browser could not decode …".
    expect(reasonWithoutFileName('x.wav: the browser could not decode this file.', 'x.wav')).toBe('the browser could not decode this file.');
    expect(reasonWithoutFileName('jazz.00999.wav: corrupt', 'genres_original/jazz/jazz.00999.wav')).toBe('corrupt');
    expect(reasonWithoutFileName('genres/a.wav: cannot tell the genre', 'genres/a.wav')).toBe('cannot tell the genre');
    expect(reasonWithoutFileName('x.wav is empty (0 bytes).', 'x.wav')).toBe('This file is empty (0 bytes).');
  });
  it('leaves other messages alone', () => {
    expect(reasonWithoutFileName('The WAV file has no data chunk (truncated?).', 'x.wav')).toBe('The WAV file has no data chunk (truncated?).');
    // A longer name that merely starts the same is not the file.
    expect(reasonWithoutFileName('x.wav.bak: nope', 'x.wav')).toBe('x.wav.bak: nope');
  });
});
