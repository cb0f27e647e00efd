// Lanes' lab service worker: a latency endpoint and a streaming endpoint that need no network and work on any
// static host.
//
//   GET <scope>lab/delay?ms=300&bytes=1024&status=200&jitter=0&fail=0&seed=1&i=0
//
// answers after `ms` (+ a seeded random share of `jitter`) milliseconds with a `bytes`-long text body and the
// given status; with probability `fail` it answers 503 instead. The random numbers come from mulberry32 seeded by
// `seed` and the request index `i`, so a run is reproducible.
//
//   GET <scope>lab/stream?mib=64&mibps=64
//
// streams a generated text body of `mib` MiB (64-byte lowercase lines) in 64 KiB chunks, paced to `mibps` MiB/s.
// Registered as `lab-sw.js?coi=1` (by www/coi.js, on hosts that send no isolation headers) it also adds
// Cross-Origin-Opener-Policy, Cross-Origin-Embedder-Policy and Cross-Origin-Resource-Policy to every same-origin
// response that lacks them, which makes the page cross-origin isolated. Every other request passes through
// untouched.
const ISOLATE = new URL(self.location.href).searchParams.get('coi') === '1';
const LAB_PATH = `${new URL(self.registration.scope).pathname}lab/delay`;
const STREAM_PATH = `${new URL(self.registration.scope).pathname}lab/stream`;
const MAX_STREAM_MIB = 1024;
const MAX_BYTES = 64 * 1024 * 1024;

self.addEventListener('install', () => self.skipWaiting());
// The activation does not wait for the claim (no `event.waitUntil`): in Firefox an activation that waited for it
// sometimes stayed "activating", and the next navigation in the scope then failed (ARCHITECTURE.md, "Isolation
// service worker", says what was seen). The claim still runs; src/page/lab.rs waits for the page to be controlled.
self.addEventListener('activate', () => {
  self.clients.claim().catch((error) => console.warn('lanes lab-sw: the claim failed', error));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  if (url.pathname === LAB_PATH) event.respondWith(delayed(url.searchParams, event.request.signal));
  else if (url.pathname === STREAM_PATH) event.respondWith(streamed(url.searchParams));
  else if (ISOLATE) event.respondWith(isolated(event.request));
});

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// The response with the isolation headers it lacks added; the server's own headers win.
async function isolated(request) {
  const response = await fetch(request);
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function number(params, name, fallback, min, max) {
  const value = Number(params.get(name) ?? fallback);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function body(bytes) {
  // Lines of 64 bytes ("lanes 000001 ....\n"), so line counts and checksums are meaningful.
  const data = new Uint8Array(bytes);
  const line = new TextEncoder().encode(`${'lanes lab line '.padEnd(63, '.')}\n`);
  for (let offset = 0; offset < bytes; offset += line.length) {
    data.set(line.subarray(0, Math.min(line.length, bytes - offset)), offset);
  }
  return data;
}

async function delayed(params, signal) {
  const ms = number(params, 'ms', 300, 0, 600_000);
  const jitter = number(params, 'jitter', 0, 0, 600_000);
  const fail = number(params, 'fail', 0, 0, 1);
  const bytes = Math.floor(number(params, 'bytes', 1024, 0, MAX_BYTES));
  let status = Math.floor(number(params, 'status', 200, 200, 599));
  const random = mulberry32(number(params, 'seed', 1, 0, 2 ** 32 - 1) ^ Math.imul(number(params, 'i', 0, 0, 2 ** 31) + 1, 0x9e3779b1));
  const delay = ms + random() * jitter;
  if (random() < fail) status = 503;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, delay);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('the page aborted the request', 'AbortError'));
    });
  });
  const empty = status === 204 || status === 205 || status === 304;
  return new Response(empty ? null : body(bytes), {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Lanes-Delay-Ms': delay.toFixed(1),
    },
  });
}

function streamed(params) {
  const total = Math.floor(number(params, 'mib', 64, 0, MAX_STREAM_MIB) * 1024 * 1024);
  const bytesPerMs = (number(params, 'mibps', 64, 0.01, 100_000) * 1024 * 1024) / 1000;
  const chunk = 64 * 1024;
  const template = body(chunk);
  let sent = 0;
  let started = 0;
  const stream = new ReadableStream(
    {
      async pull(controller) {
        if (sent === 0) started = performance.now();
        if (sent >= total) {
          controller.close();
          return;
        }
        const size = Math.min(chunk, total - sent);
        const wait = started + (sent + size) / bytesPerMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        controller.enqueue(template.slice(0, size));
        sent += size;
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(total),
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
  });
}
