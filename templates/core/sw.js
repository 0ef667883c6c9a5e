/* Kypseli's service worker (core/views_offline.py serves it at /sw.js): the scan station opens with no
 * network. It keeps the station's static files and the station pages that send the offline header,
 * nothing else: API answers (scans, the day's manifest, syncs) and every other page go to the network
 * untouched. A new deploy changes CONFIG.version, so the browser installs this worker again and the
 * old cache is dropped. */
"use strict";
const CONFIG = {{ config }};
const CACHE = "kypseli-station-" + CONFIG.version;
const FILES = new Set(CONFIG.files.map((path) => new URL(path, self.location.origin).href));
const PAGES = CONFIG.pages.map((pattern) => new RegExp(pattern));
const PAGE_TIMEOUT_MS = 4000;
const LAST = new URL("/__kypseli_last_station__", self.location.origin).href;  // the station page kept last

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...FILES])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("kypseli-station-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function isStationPage(request, url) {
  return request.mode === "navigate" && url.origin === self.location.origin &&
    (url.pathname === CONFIG.start || PAGES.some((re) => re.test(url.pathname)));
}

async function keep(cache, url, response) {
  await cache.put(url, response);
  await cache.put(LAST, new Response(url));
}

/* A station page: the network first (the page is fresh whenever the server answers in time); the kept
   copy when the network fails or hangs. Only a page that says it may be kept is kept. */
async function stationPage(request) {
  const cache = await caches.open(CACHE);
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), PAGE_TIMEOUT_MS); });
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.headers.get(CONFIG.header) === "1") await keep(cache, request.url, response.clone());
    return response;
  }).catch(() => null);
  const first = await Promise.race([network, late]);
  clearTimeout(timer);
  if (first) return first;
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  // The app's start page (the day and table pick) with no network: back to the station used last.
  const last = new URL(request.url).pathname === CONFIG.start && await cache.match(LAST);
  if (last) return Response.redirect(await last.text(), 302);
  return (await network) || Response.error();
}

/* A station page asks to be kept as soon as the worker runs (its first load came before the worker). */
self.addEventListener("message", (event) => {
  const url = event.data && event.data.keep && new URL(event.data.keep, self.location.origin);
  if (!url || url.origin !== self.location.origin || !PAGES.some((re) => re.test(url.pathname))) return;
  event.waitUntil(fetch(url.href, { credentials: "same-origin", headers: { [CONFIG.frame_header]: "1" } }).then(async (response) => {
    if (response.ok && response.headers.get(CONFIG.header) === "1") {
      await keep(await caches.open(CACHE), url.href, response);
    }
  }).catch(() => {}));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (FILES.has(url.href)) {
    event.respondWith(caches.match(request, { cacheName: CACHE, ignoreVary: true }).then((kept) => kept || fetch(request)));
  } else if (isStationPage(request, url)) {
    event.respondWith(stationPage(request));
  }
});
