// Genre Lab's service worker. The build (src/node/offlineShell.ts) writes it to dist/sw.js with
// VERSION (a hash of every built file) and FILES (every built file) in front, so each deploy gets
// its own cache and the previous one is deleted when this one takes over. Not used in `npm run dev`.
/* global VERSION, FILES */
const PREFIX = 'genre-lab-shell-';
const CACHE = PREFIX + VERSION;
const scoped = (f) => new URL(f, self.registration.scope).href;

self.addEventListener('install', (event) => {
  // All or nothing: the worker only activates once every file (app shell, JS, CSS, the tfjs wasm
  // binaries, Plotly's lazy chunk, the worker scripts) is in the cache.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map(scoped)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // The page from the network when there is one (a new deploy shows at once), else the cached shell.
    event.respondWith(fetch(req).catch(() => caches.open(CACHE).then((c) => c.match(scoped('index.html'), { ignoreVary: true }))));
    return;
  }
  // Built files have content hashes in their names: the cached copy is the right one. ignoreVary:
  // servers send `Vary: Origin`, and the page's module scripts carry an Origin the install's did not.
  event.respondWith(
    caches
      .open(CACHE)
      .then((c) => c.match(req, { ignoreSearch: true, ignoreVary: true }))
      .then((hit) => hit || fetch(req)),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'version') event.source?.postMessage({ type: 'version', version: VERSION, files: FILES.length });
});
