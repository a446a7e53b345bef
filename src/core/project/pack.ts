/**
 * JSON with binary parts, for project entries: typed arrays and ArrayBuffers (a dataset's values,
 * a model's weights) go to their own zip entries as raw bytes and the JSON keeps a reference
 * (`{ "$binary": "Float64Array", "entry": "dataset/0.bin" }`); non-finite numbers, which JSON
 * cannot hold, become `{ "$number": "NaN" }`. Bytes are little-endian, as every platform the lab
 * runs on stores typed arrays.
 */
import { LabError } from '../errors';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedName]>;

function typedName(v: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(v)) return undefined;
  for (const name of Object.keys(TYPED) as TypedName[]) if (v instanceof TYPED[name]) return name;
  return undefined;
}

/** A project-file error: the same code for every way a file can be unreadable, with `reason` telling them apart. */
export function badProject(reason: string, message: string, detail: Record<string, unknown> = {}): LabError {
  return new LabError('bad-project', message, { reason, ...detail });
}

/**
 * Turn `value` into JSON text, handing each binary part to `addBinary` (which names its entry).
 * Undefined fields are dropped, as JSON does.
 */
export function packJson(value: unknown, addBinary: (bytes: Uint8Array) => string): string {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof ArrayBuffer) return { $binary: 'ArrayBuffer', entry: addBinary(new Uint8Array(v.slice(0))) };
    const t = typedName(v);
    if (t) {
      const a = v as AnyTyped;
      return { $binary: t, entry: addBinary(new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength))) };
    }
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : walk(x)));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== 'function') out[k] = walk(x);
    return out;
  };
  return JSON.stringify(walk(value));
}

/** Parse what {@link packJson} wrote, reading binary parts with `getBinary`. `what` names the entry in errors. */
export function unpackJson(text: string, getBinary: (entry: string) => Uint8Array | undefined, what: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badProject('bad-json', `The project's ${what} is not valid JSON: the file is damaged.`, { entry: what });
  }
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if (typeof o['$number'] === 'string' && Object.keys(o).length === 1) return Number(o['$number']);
    if (typeof o['$binary'] === 'string' && typeof o['entry'] === 'string' && Object.keys(o).length === 2) {
      const bytes = getBinary(o['entry']);
      if (!bytes) throw badProject('missing-entry', `The project's ${what} refers to ${o['entry']}, which is not in the file.`, { entry: o['entry'] });
      // A fresh, aligned buffer (an entry unzipped in place may start at any offset).
      const buf = bytes.slice().buffer;
      if (o['$binary'] === 'ArrayBuffer') return buf;
      const Ctor = TYPED[o['$binary'] as TypedName];
      if (!Ctor) throw badProject('bad-json', `The project's ${what} holds an unknown binary type ${JSON.stringify(o['$binary'])}.`, { entry: what });
      if (buf.byteLength % Ctor.BYTES_PER_ELEMENT !== 0)
        throw badProject('bad-binary', `${o['entry']} has ${buf.byteLength} bytes, not a whole number of ${o['$binary']} values: the file is damaged.`, { entry: o['entry'] });
      return new Ctor(buf);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(raw);
}
