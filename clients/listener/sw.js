// @ts-check
// Service worker for the listener page: lets a tablet reload /join/<code> while the Wi-Fi is
// down. It caches only the page shell (HTML, scripts, styles), never anything a person wrote:
// notes and questions live in the page's own storage and go to the server over the socket.
//
// Network first: a connected tablet always gets the current page; the cache is the fallback.

// The worker's own global and events, typed here: TypeScript's "webworker" library cannot share
// one program with the pages' "dom" (clients/jsconfig.json).
/** @typedef {Event & {waitUntil(promise: Promise<any>): void}} ExtendableEvent */
/** @typedef {ExtendableEvent & {request: Request, respondWith(response: Response | Promise<Response>): void}} FetchEvent */
const worker = /** @type {typeof globalThis & {skipWaiting(): Promise<void>, clients: {claim(): Promise<void>}}} */ (/** @type {unknown} */ (self));

const CACHE = 'spiegel-listener-shell-v2';
const PAGE_KEY = '/join/';
// Every file the page needs to start (tests/test_client_files.py keeps this list complete).
const SHELL = [
  '/static/shared/vendor/socket.io.min.js',
  '/static/shared/base.css',
  '/static/shared/clock.js',
  '/static/shared/dom.js',
  '/static/shared/i18n.js',
  '/static/shared/i18n/en.json',
  '/static/shared/i18n/nl.json',
  '/static/shared/ids.js',
  '/static/shared/outbox.js',
  '/static/shared/panels.js',
  '/static/shared/socket.js',
  '/static/shared/storage.js',
  '/static/listener/listener.css',
  '/static/listener/app.js',
  '/static/listener/appearance.js',
  '/static/listener/chrome.js',
  '/static/listener/connection.js',
  '/static/listener/constants.js',
  '/static/listener/items.js',
  '/static/listener/join.js',
  '/static/listener/state.js',
  '/static/listener/store.js',
  '/static/listener/i18n/en.json',
  '/static/listener/i18n/nl.json',
  '/static/listener/features/asking.js',
  '/static/listener/features/composer.js',
  '/static/listener/features/erase.js',
  '/static/listener/features/export.js',
  '/static/listener/features/idle.js',
  '/static/listener/features/item-view.js',
  '/static/listener/features/mount.js',
  '/static/listener/features/notes.js',
  '/static/listener/features/poll.js',
  '/static/listener/features/prompt.js',
  '/static/listener/features/questions.js',
  '/static/listener/features/share.js',
  '/static/listener/features/turn.js',
];
// A plugin's page modules and stylesheets (`client.modules`, `client.styles`) are kept as they pass, after the first visit.
const PLUGIN_ASSETS = /^\/plugins\/[^/]+\/static\//;

self.addEventListener('install', (/** @type {ExtendableEvent} */ event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await cache.addAll(SHELL);
      // Every /join/<code> serves the same page; keep one copy under a fixed key.
      const page = await fetch('/join/SHELL', { cache: 'no-store' });
      if (page.ok) await cache.put(PAGE_KEY, page);
    }).then(() => worker.skipWaiting()),
  );
});

self.addEventListener('activate', (/** @type {ExtendableEvent} */ event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => worker.clients.claim()),
  );
});

function cacheKey(url) {
  if (url.pathname.startsWith('/join/')) return PAGE_KEY;
  if (SHELL.includes(url.pathname) || PLUGIN_ASSETS.test(url.pathname)) return url.pathname;
  return null; // the API, the socket and everything else pass straight through
}

self.addEventListener('fetch', (/** @type {FetchEvent} */ event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const key = cacheKey(url);
  if (!key) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => caches.match(key).then((cached) => cached || Response.error())),
  );
});
