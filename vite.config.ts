import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { offlineShell } from './src/node/offlineShell';

export default defineConfig({
  // offlineShell: dist/sw.js listing every built file, so the lab works offline once loaded (build only).
  plugins: [react(), offlineShell(fileURLToPath(new URL('./src/offline/sw.template.js', import.meta.url)))],
  // plotly.js's partial bundle (plotly.js/lib/*) refers to `global`; without this the built page
  // throws "global is not defined" at load (see ../shared/BROWSER.md).
  define: { global: 'globalThis' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  // No COOP/COEP headers on purpose. Cross-origin isolation makes tfjs-backend-wasm 4.22 pick its
  // threaded SIMD binary, whose thread workers are started from a Blob of the factory's
  // `toString()`; in our bundle that source refers to names outside the function, so every thread
  // worker dies with "ReferenceError: e is not defined" and the backend never finishes starting
  // (measured: the Train cell stayed on "measuring…" for 600 s). The single-threaded SIMD binary is
  // what runs; see README "Benchmarks".
  server: { port: 5173 },
  preview: { port: 4173 },
});
