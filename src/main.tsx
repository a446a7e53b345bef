import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreLab, startPersisting } from './state/persist';
import { restoreModels } from './state/models';
import { loadDemoCorpus } from './app/audioImportActions';
import { restoreClassify } from './app/classifyActions';
import { registerOffline } from './app/offline';
import { restoreSpectrogramSet } from './app/spectrogramActions';
import { watchExplore } from './app/exploreActions';
import { watchMelSpectrograms } from './app/melSpectrogramActions';
import { labStore } from './app/store';
import { initTraining, restoreInterruptedTraining } from './app/trainActions';
import { App } from './ui/App';
import { loadPlotly } from './ui/charts/Plot';
import './ui/styles.css';

// The composition root: the app's listeners are wired here, explicitly (no module registers one on import).
initTraining();
// Explore's views follow its ticks (and a newly loaded table) without a Run button.
watchExplore();
// Explore's mel spectrograms follow the dataset and the genres chosen for them.
watchMelSpectrograms();
const models = restoreModels(labStore);
// The spectrogram set built before the reload (its matrices are in IndexedDB, its summary shows in the Train cell).
void restoreSpectrogramSet();
const lab = restoreLab(labStore).then(() => {
  startPersisting(labStore);
  // First open (nothing saved): show the whole pipeline on the built-in synthetic corpus.
  if (!labStore.getState().dataset && !new URLSearchParams(location.search).has('empty')) void loadDemoCorpus();
});
// The Classify cell's last file and results (re-run if the reload cut the run short).
void Promise.allSettled([models, lab]).then(async () => {
  await restoreInterruptedTraining();
  await restoreClassify();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Cache every built file for offline use (production builds only).
registerOffline();

// Plotly's chunk is big (~1 MB); evaluate it while the page is idle, not when the first chart
// appears mid-task (it stalled the main thread ~0.5 s when it first loaded during training).
const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
if (idle) idle(() => void loadPlotly(), { timeout: 3000 });
else setTimeout(() => void loadPlotly(), 1500);
