/**
 * Running the Python references (PyTorch, scikit-learn) from the TS bench, in the same run as ours.
 * Always Debian's `/usr/bin/python3`: the `python3` first on PATH may be another interpreter without
 * python3-torch / python3-sklearn. Data goes to Python as .npy files written here, so both sides
 * time exactly the same rows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PYTHON = '/usr/bin/python3';

/** The Debian package that provides each Python module we use. */
const APT_PACKAGE: Record<string, string> = { torch: 'python3-torch', sklearn: 'python3-sklearn', numpy: 'python3-numpy', threadpoolctl: 'python3-threadpoolctl' };

const availability = new Map<string, string | null>();

/**
 * Why a reference cannot run (a line to print), or null when `/usr/bin/python3` imports every
 * module. Checked once per module set.
 */
export function referenceUnavailable(modules: readonly string[]): string | null {
  const key = modules.join(',');
  if (availability.has(key)) return availability.get(key)!;
  let reason: string | null = null;
  if (!existsSync(PYTHON)) reason = `reference not run: ${PYTHON} not found — apt-get install python3 ${modules.map((m) => APT_PACKAGE[m] ?? m).join(' ')}`;
  else {
    for (const m of modules) {
      const r = spawnSync(PYTHON, ['-c', `import ${m}`], { encoding: 'utf8' });
      if (r.status !== 0) {
        const last = (r.stderr || '').trim().split('\n').pop() ?? '';
        reason = `reference not run: ${PYTHON} has no ${m} — apt-get install ${APT_PACKAGE[m] ?? m}${last ? ` (${last})` : ''}`;
        break;
      }
    }
  }
  availability.set(key, reason);
  return reason;
}

/**
 * Run `bench/<script>` with `/usr/bin/python3` and parse the JSON object it prints last on stdout.
 * Its stderr (progress) passes through to ours. Throws with the script's exit status on failure.
 */
export function runPythonReference<T>(script: string, args: readonly string[], env: Record<string, string> = {}): T {
  const r = spawnSync(PYTHON, [resolve('bench', script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`${PYTHON} bench/${script} exited with ${r.status ?? r.signal}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

type NpyArray = Float64Array | Float32Array | Int32Array;
const NPY_DTYPE = (a: NpyArray) => (a instanceof Float64Array ? '<f8' : a instanceof Float32Array ? '<f4' : '<i4');

/** Write a C-order .npy (format 1.0: magic, header length, dict header padded to 64 bytes, raw little-endian data). */
export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`writeNpy: shape ${shape.join('×')} does not match ${data.length} values`);
  const dict = `{'descr': '${NPY_DTYPE(data)}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pre = 10; // magic (6) + version (2) + header length (2)
  const padded = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(pre);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(padded.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(padded, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** A temporary folder for the exchanged arrays, removed by `dispose`. */
export function tempExchange(): { dir: string; path: (name: string) => string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'genre-bench-ref-'));
  return { dir, path: (name) => join(dir, name), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
