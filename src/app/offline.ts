/**
 * Offline use: register the build's service worker (dist/sw.js, see src/node/offlineShell.ts) and
 * say in the store when it controls the page — from then on every file the lab needs is cached
 * and the lab opens, and trains, without a network. Nothing is registered in `npm run dev`.
 */
import { labStore } from './store';

export function registerOffline(): void {
  if (import.meta.env.DEV) return labStore.setState({ offline: 'dev' });
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return labStore.setState({ offline: 'unsupported' });
  const sw = navigator.serviceWorker;
  // The worker activates only once its whole cache is filled (install is all-or-nothing), then claims the page.
  const update = () => labStore.setState({ offline: sw.controller ? 'ready' : 'installing' });
  sw.addEventListener('controllerchange', update);
  update();
  sw.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).then(
    (reg) => {
      // A failed install (quota, a file that would not download) leaves no worker waiting or installing.
      const watch = (w: ServiceWorker | null) => w?.addEventListener('statechange', () => (w.state === 'redundant' && !sw.controller ? labStore.setState({ offline: 'error' }) : update()));
      watch(reg.installing);
      reg.addEventListener('updatefound', () => watch(reg.installing));
    },
    () => labStore.setState({ offline: 'error' }),
  );
}
