// The web authenticator's service worker: keeps the app shell (these static files) in a cache so the app
// opens without a network, and does nothing else. Only the shell's own GET requests are handled, network
// first (so a new release shows at once) with the cache as the fallback; every other request, above all the
// device API (/api/…, other servers), goes to the network untouched and is never stored.
const VERSION = '__SHELL_VERSION__'; // replaced by the server with a hash of the shell files
const CACHE = `tessera-authenticator-${VERSION}`;
const SHELL = ['./', 'enroll', 'app.js', 'device-api.js', 'store.js', 'symbols.js', 'app.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png'];
const SHELL_URLS = new Set(SHELL.map((p) => new URL(p, self.registration.scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tessera-authenticator-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  url.search = '';
  if (!SHELL_URLS.has(url.href)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request); // the server marks the shell no-cache: always revalidated
      if (response.ok && response.type === 'basic') await cache.put(url.href, response.clone());
      return response;
    } catch (err) {
      const cached = await cache.match(url.href);
      if (cached) return cached;
      throw err;
    }
  })());
});
