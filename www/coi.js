// Cross-origin isolation where the host cannot send headers (GitHub Pages and other plain static hosts).
//
// Runs first, as a classic script, before the app's module. When the page is not cross-origin isolated it
// registers the lab service worker in isolation mode (`lab-sw.js?coi=1`, which adds COOP/COEP/CORP to every
// same-origin response that lacks them) and reloads once, so the page comes back isolated. Reload-loop
// protection: the reload is marked in sessionStorage; a page that comes back from that reload still not isolated
// stays as it is (and says so) instead of reloading again. `?coi=0` turns the whole thing off.
//
// The outcome is left in `window.lanesIsolation = { state, detail }` for the environment panel:
// `headers` (isolated by the server), `service-worker` (isolated by this script's worker), `reloading`, `off`,
// `unavailable` (no service workers here) or `failed`.
//
// On an isolated page it also starts boot.js's worker check, the one check that takes time (the second part below).
(() => {
  const RELOAD_KEY = 'lanes-coi-reload';
  const WORKER_URL = 'lab-sw.js?coi=1';
  const report = (state, detail) => {
    window.lanesIsolation = { state, detail };
  };
  let reloaded = false;
  try {
    reloaded = sessionStorage.getItem(RELOAD_KEY) !== null;
    sessionStorage.removeItem(RELOAD_KEY);
  } catch {
    // No sessionStorage (blocked storage): without the loop guard, never reload.
    return report('unavailable', 'sessionStorage is blocked, so the one-reload guard cannot work');
  }
  const controller = navigator.serviceWorker?.controller?.scriptURL ?? '';
  if (window.crossOriginIsolated) {
    return controller.includes('coi=1')
      ? report('service-worker', 'isolated by the service worker (the host sends no isolation headers)')
      : report('headers', 'isolated by the server’s COOP/COEP headers');
  }
  if (new URLSearchParams(location.search).get('coi') === '0') {
    return report('off', 'not isolated, and ?coi=0 keeps the isolation service worker off');
  }
  if (!window.isSecureContext || !('serviceWorker' in navigator)) {
    return report('unavailable', 'not isolated, and service workers need a secure context (https or localhost)');
  }
  if (reloaded) {
    return report(
      'failed',
      'not isolated even after one reload under the isolation service worker (the browser may bypass service ' +
        'workers here, e.g. on a hard reload); not reloading again',
    );
  }
  report('reloading', 'not isolated: installing the isolation service worker, then reloading once');
  navigator.serviceWorker
    .register(WORKER_URL, { scope: './' })
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      sessionStorage.setItem(RELOAD_KEY, '1');
      location.reload();
    })
    .catch((error) => report('failed', `the isolation service worker did not install: ${error?.message ?? error}`));
})();

// boot.js's worker check (www/worker-check.js), started here, in the page's first script, so that its two workers
// start while the page's other scripts and its module download. Only where checks 1 and 2 pass (isolated, and
// SharedArrayBuffer exposed): elsewhere the threaded build is out anyway.
(() => {
  if (window.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') return;
  // A pass boot.js remembered in this browser (www/worker-check.js, `rememberedPass`): nothing to start here; boot.js
  // runs the check itself where that pass was for another build.
  try {
    if (JSON.parse(localStorage.getItem('lanes-worker-check') ?? 'null')?.agent === navigator.userAgent) return;
  } catch {
    // No storage, or a malformed entry: run the check.
  }
  const check = new URL('worker-check.js', document.currentScript?.src ?? location.href);
  window.lanesWorkerCheck = import(check.href).then(({ checkWorkers }) => checkWorkers());
  // boot.js awaits it, and runs the check itself if this import failed: not an unhandled rejection meanwhile.
  window.lanesWorkerCheck.catch(() => {});
})();
