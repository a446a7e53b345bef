/**
 * Node-side tfjs setup for the CLI, tests and benchmarks: the wasm files come from
 * node_modules/@tensorflow/tfjs-backend-wasm/dist (the browser passes `?url` imports instead).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chooseBackend, type BackendChoice, type BackendName } from '../core/models/tfBackend';

/** Directory of the tfjs-backend-wasm `.wasm` files as a file:// URL ending in `/`. */
export function nodeWasmDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return pathToFileURL(dirname(pkg) + '/dist/').href;
}

/**
 * Choose the backend in Node: `override` if given (e.g. from `--backend` or LAB_TF_BACKEND), else
 * the fastest of wasm and cpu by measurement (WebGL has no context in Node).
 */
export async function initNodeBackend(override?: BackendName): Promise<BackendChoice> {
  const env = process.env['LAB_TF_BACKEND'] as BackendName | undefined;
  return chooseBackend({ wasmPaths: nodeWasmDir(), override: override ?? env, candidates: ['wasm', 'cpu'] });
}
