import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { importModelFiles } from './saved';

describe('importModelFiles says in words why model.json is broken', () => {
  const imp = (modelJson: string) => {
    try {
      importModelFiles({ modelJson, weightsBin: new ArrayBuffer(0), metadataJson: '{}' });
    } catch (e) {
      expect(e).toBeInstanceOf(LabError);
      return (e as LabError).message;
    }
    throw new Error('expected an error');
  };
  it('a zip renamed to model.json: "binary", and none of its bytes', () => {
    const msg = imp('PK\u0003\u0004\u0014\u0000\u0008\u0000\u0000\u0000!\u0000');
    expect(msg).toBe('Not a valid saved model: model.json is not JSON: it holds binary data, not JSON text (was another file renamed, or weights.bin picked as model.json?).');
  });
  it('a cut-off download and an empty file', () => {
    expect(imp('{"modelTopology": {"class_name": "Sequential", "config": {')).toMatch(/model\.json is not JSON: it stops in the middle/);
    expect(imp('')).toBe('Not a valid saved model: model.json is not JSON: the file is empty.');
  });
});
