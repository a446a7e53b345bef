import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { offlineShell } from './src/node/offlineShell';

/**
 * Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, so tfjs-backend-wasm can
 * run its threaded SIMD binary (src/workers/wasmThreads.ts makes its thread workers start from our
 * bundle). Everything the lab loads is same-origin, which `require-corp` allows. A static host
 * must send the same two headers with the page (Netlify/Cloudflare Pages `_headers`, nginx
 * `add_header … always`); where it cannot (GitHub Pages), the lab runs the single-threaded binary.
 * The backend picker times both binaries and keeps the faster (src/core/models/tfBackend.ts).
 */
const crossOriginIsolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // offlineShell: dist/sw.js listing every built file, so the lab works offline once loaded (build only).
  plugins: [react(), offlineShell(fileURLToPath(new URL('./src/offline/sw.template.js', import.meta.url)))],
  // plotly.js's partial bundle (plotly.js/lib/*) refers to `global`; without this the built page
  // throws "global is not defined" at load (see ../shared/BROWSER.md).
  define: { global: 'globalThis' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173, headers: crossOriginIsolation },
  preview: { port: 4173, headers: crossOriginIsolation },
});
