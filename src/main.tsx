import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { restoreLab, startPersisting } from './state/persist';
import { App } from './ui/App';
import { labStore } from './ui/store';
import './ui/styles.css';

void restoreLab(labStore).then(() => startPersisting(labStore));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
