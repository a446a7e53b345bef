/** The order of a run's files and `--shard i/n`, checked against lists worked out by hand. */
import { describe, expect, it } from 'vitest';
import { listDigest, parseShard, pickShard, sortInputFiles } from './shards';

describe('shards', () => {
  it('parses i/n as 1-based and says so when it is out of range', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 4 / 4 ')).toEqual({ index: 4, count: 4 });
    expect(() => parseShard('0/4')).toThrow('--shard 0/4: the shard must be between 1 and 4 (shards are numbered from 1: --shard 1/4, 2/4, 3/4, 4/4 split the files four ways).');
    expect(() => parseShard('1/0')).toThrow(/the number of shards must be at least 1/);
    expect(() => parseShard('1-4')).toThrow(/^--shard takes i\/n, got "1-4"/);
  });

  it('takes every n-th file from the i-th, and the shards cover the list once', () => {
    const list = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(pickShard(list, { index: 1, count: 3 })).toEqual(['a', 'd', 'g']);
    expect(pickShard(list, { index: 2, count: 3 })).toEqual(['b', 'e']);
    expect(pickShard(list, { index: 3, count: 3 })).toEqual(['c', 'f']);
    expect(pickShard(list, { index: 1, count: 1 })).toEqual(list);
  });

  it('sorts by file name (code units, not locale), then path, and drops a path given twice', () => {
    expect(sortInputFiles(['z/a.wav', 'a/b.wav', 'b/a.wav', 'c/B.wav', 'a/b.wav', './a/b.wav'])).toEqual(['c/B.wav', 'b/a.wav', 'z/a.wav', 'a/b.wav']);
  });

  it('digests the sorted file names whatever folders they are in', () => {
    // printf 'a.wav\nb.wav' | sha256sum
    expect(listDigest(['x/b.wav', '/y/a.wav'])).toBe('f365b5330077a1d55452fee7f0a5ba67c4952eb566e2af8f279ed681ca8d0543');
  });
});
