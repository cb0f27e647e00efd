// Check 4 of the boot check (www/boot.js lists all four): can a module worker start a nested module worker from a
// `blob:` URL? The compute worker starts its pool's threads as nested module workers, and `main-pool`'s threads
// start from `blob:` URLs. capability-worker.js says how it is tested.
//
// Two workers take tens of milliseconds to start, so www/coi.js, the page's first script, starts this check (a
// dynamic import of this module) while the page's other scripts and its module download, and leaves the promise in
// `window.lanesWorkerCheck`; boot.js awaits it, and runs the check itself where coi.js did not start it (an older
// cached coi.js, say).

// A pass is remembered (localStorage, `lanes-worker-check`: the build it was for and the browser's user agent), and
// boot.js does not run the check again for that build in that browser: the two workers it starts cost the page's
// first paint about 25 ms on 2 cores (issue 15, P9b; ARCHITECTURE.md, "The worker check is remembered"). A new build
// or a new browser version checks again; so does the next load after the page's pool failed to start (the page
// calls `lanesForgetWorkerCheck`), and a failed check forgets. www/coi.js reads the same entry.
const REMEMBERED = 'lanes-worker-check';

/** Whether the check passed on an earlier load of `build` in this browser. */
export function rememberedPass(build) {
  try {
    const entry = JSON.parse(localStorage.getItem(REMEMBERED) ?? 'null');
    return entry?.build === build && entry?.agent === navigator.userAgent;
  } catch {
    // No storage here (blocked, or a malformed entry): nothing is remembered.
    return false;
  }
}

/** Remembers a pass for `build` in this browser (nothing where storage is blocked). */
export function rememberPass(build) {
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify({ build, agent: navigator.userAgent }));
  } catch {
    // Not remembered: the next load runs the check.
  }
}

/** Forgets any remembered pass: the next load runs the check. */
export function forgetPass() {
  try {
    localStorage.removeItem(REMEMBERED);
  } catch {
    // Nothing could have been remembered.
  }
}

/** An exception as the browser names it: `RangeError: …`. */
export const message = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// A bound, not a wait: the answer usually comes within milliseconds. It caps how long a stuck check delays the
// page, and leaves a busy machine seconds to start the two workers.
const WORKER_CHECK_MS = 5000;

/**
 * `null` when a module worker starts a nested worker in time, else `{ missing, detail }`: `module-worker` or
 * `nested-worker`, or `worker-timeout` with the stage that did not answer within WORKER_CHECK_MS — not a missing
 * capability (a busy enough machine takes seconds to start two workers), so the page does not advise a newer
 * browser.
 */
export function checkWorkers() {
  return new Promise((resolve) => {
    let worker = null;
    let started = false;
    let timer = 0;
    const finish = (missing, detail = null) => {
      clearTimeout(timer);
      worker?.terminate();
      resolve(missing ? { missing, detail } : null);
    };
    timer = setTimeout(() => {
      const stage = started ? 'nested' : 'module';
      finish('worker-timeout', `the ${stage} worker did not answer within ${WORKER_CHECK_MS} ms`);
    }, WORKER_CHECK_MS);
    try {
      worker = new Worker(new URL('./capability-worker.js', import.meta.url), { type: 'module' });
    } catch (error) {
      finish('module-worker', message(error));
      return;
    }
    worker.onmessage = ({ data }) => {
      if (data?.started === true) started = true;
      else if (data?.nested === true) finish(null);
      else finish('nested-worker', data?.detail ?? null);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish(started ? 'nested-worker' : 'module-worker', event.message || 'the worker script did not load or run');
    };
  });
}
