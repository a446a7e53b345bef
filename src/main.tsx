import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreLab, startPersisting } from './state/persist';
import { restoreModels } from './state/models';
import './ui/trainActions';
import { loadDemoCorpus } from './ui/audioImport';
import { App } from './ui/App';
import { loadPlotly } from './ui/charts/Plot';
import { labStore } from './ui/store';
import './ui/styles.css';

void restoreModels(labStore);
void restoreLab(labStore).then(() => {
  startPersisting(labStore);
  // First open (nothing saved): show the whole pipeline on the built-in synthetic corpus.
  if (!labStore.getState().dataset && !new URLSearchParams(location.search).has('empty')) void loadDemoCorpus();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Plotly's chunk is big (~1 MB); evaluate it while the page is idle, not when the first chart
// appears mid-task (it stalled the main thread ~0.5 s when it first loaded during training).
const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
if (idle) idle(() => void loadPlotly(), { timeout: 3000 });
else setTimeout(() => void loadPlotly(), 1500);
