import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreLab, startPersisting } from './state/persist';
import { restoreModels } from './state/models';
import './ui/trainActions';
import { loadDemoCorpus } from './ui/audioImport';
import { App } from './ui/App';
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
