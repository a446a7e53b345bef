import { describe, expect, it } from 'vitest';
import { inferTrackName } from './naming';

describe('inferTrackName', () => {
  it('reads GTZAN names and folder genres', () => {
    expect(inferTrackName('genres_original/jazz/jazz.00012.wav')).toEqual({ trackId: 'jazz.00012', genre: 'jazz' });
    expect(inferTrackName('blues.00099.mp3')).toEqual({ trackId: 'blues.00099', genre: 'blues' });
    expect(inferTrackName('my music/rock/song one.flac')).toEqual({ trackId: 'song one', genre: 'rock' });
    expect(inferTrackName('loose.wav')).toEqual({ trackId: 'loose', genre: undefined });
  });
});
