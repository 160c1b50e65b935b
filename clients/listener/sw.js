// Service worker for the listener page: lets a tablet reload /join/<code> while the Wi-Fi is
// down. It caches only the page shell (HTML, scripts, styles), never anything a person wrote:
// notes and questions live in the page's own storage and go to the server over the socket.
//
// Network first: a connected tablet always gets the current page; the cache is the fallback.

const CACHE = 'spiegel-listener-shell-v1';
const PAGE_KEY = '/join/';
const SHELL = [
  '/static/shared/vendor/socket.io.min.js',
  '/static/shared/base.css',
  '/static/shared/i18n.js',
  '/static/listener/listener.css',
  '/static/listener/app.js',
  '/static/listener/strings.js',
  '/static/listener/store.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await cache.addAll(SHELL);
      // Every /join/<code> serves the same page; keep one copy under a fixed key.
      const page = await fetch('/join/SHELL', { cache: 'no-store' });
      if (page.ok) await cache.put(PAGE_KEY, page);
    }).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function cacheKey(url) {
  if (url.pathname.startsWith('/join/')) return PAGE_KEY;
  if (SHELL.includes(url.pathname)) return url.pathname;
  return null; // the API, the socket and everything else pass straight through
}

self.addEventListener('fetch', (event) => {
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
