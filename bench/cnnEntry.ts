/**
 * Browser side of the CNN speed benchmark (bench/cnn.ts): the same timing as Node
 * (bench/cnnSpeed.ts) on the backend asked for, chosen through the lab's chooseBackend as the app
 * does. The page is about:blank, so the .wasm files arrive as base64 and are served as blob URLs.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendName } from '../src/core/models/tfBackend';
import { timeCnnTraining, type CnnPreset, type CnnSpeed } from './cnnSpeed';

let wasmConfigured = false;

function blobUrl(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: 'application/wasm' }));
}

/** "SwiftShader" in the renderer string means WebGL is software here (shared/BROWSER.md). */
function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
}

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  async timeCnn(wasm: Record<string, string>, backend: BackendName, preset: CnnPreset, passes: number, batches: number, classes: number): Promise<CnnSpeed | { error: string }> {
    try {
      // setWasmPaths may only be called before the wasm backend first starts.
      const wasmPaths = wasmConfigured ? undefined : Object.fromEntries(Object.entries(wasm).map(([name, b64]) => [name, blobUrl(b64)]));
      wasmConfigured = true;
      await chooseBackend({ override: backend, ...(wasmPaths ? { wasmPaths } : {}) });
      const r = await timeCnnTraining(preset, { passes, batches, classes });
      return { ...r, backend: tf.getBackend(), ...(backend === 'webgl' ? { renderer: webglRenderer() } : {}) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
};
