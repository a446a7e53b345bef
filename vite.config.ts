import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // plotly.js's partial bundle (plotly.js/lib/*) refers to `global`; without this the built page
  // throws "global is not defined" at load (see ../shared/BROWSER.md).
  define: { global: 'globalThis' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
