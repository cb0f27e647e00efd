// Bootstrap of the compute worker (a module worker started by src/page/bridge.rs).
//
// The page passes the URL of the compute module's JS in `?module=` (dist/compute/, or st/compute/ for the
// single-threaded build: no UI in either; a test passes its own module's). The page then
// posts `{ module, threads, fallback, single }`: this worker imports the module, instantiates its own wasm instance (with its own
// memory, shared in the threaded build) from the compiled `module`, starts the rayon pool (threaded build,
// threads > 0) and hands over to Rust (`computeWorkerMain`), which installs the protocol handler and sends the
// `Ready` handshake. A threaded instance that cannot start falls back to the single-threaded build (see below).
// Failures are reported in the protocol's shape (`{ kind: "InitFailed", reason }`).
//
// The pool's threads start early: as soon as the init message asks for them, this worker starts them
// (www/pool-thread.js), and each starts importing the module's JS while this worker imports and instantiates its
// own; wasm-bindgen-rayon (Lanes' fork, crates/wasm-bindgen-rayon/LANES.md) takes them through
// `self.wbgRayonTakeWorkers` instead of starting its own. The module's JS is imported from the first line, before
// the init message is read.
const now = () => performance.timeOrigin + performance.now();
const moduleUrl = new URL(new URL(self.location.href).searchParams.get('module') ?? '', self.location.href);
const sameOrigin = moduleUrl.origin === self.location.origin;
const imported = sameOrigin ? import(moduleUrl.href) : null;
imported?.catch(() => {});

// Pool threads started ahead of time: every one (`started`), and those not yet taken by wasm-bindgen-rayon
// (`prestarted`). Each is handed over as `{ worker, failed }`: `failed` resolves with the reason if the thread's
// script does not load, an error event that may fire before the pool's start listens for it. Once the pool has
// started, the threads' errors are no longer caught here: they reach the page as this worker's, as upstream's do.
const started = [];
let prestarted = [];
self.wbgRayonTakeWorkers = (mainJS, count) => (mainJS === moduleUrl.href ? prestarted.splice(0, count) : []);

/** Starts `count` pool threads (shared memory only: the single-threaded build has no pool). */
function prestartThreads(count) {
  if (self.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function') return;
  const url = new URL('./pool-thread.js', import.meta.url);
  url.searchParams.set('module', moduleUrl.href);
  for (let index = 0; index < count; index += 1) {
    const worker = new Worker(url, { type: 'module', name: `lanes-pool-${index}` });
    let onError;
    const failed = new Promise((resolve) => {
      onError = (event) => {
        // Reported through the pool's start (its reason reaches the page), not as this worker's uncaught error.
        event.preventDefault();
        resolve(event.message || 'its script did not load');
      };
    });
    worker.addEventListener('error', onError);
    started.push({ worker, onError });
    prestarted.push({ worker, failed });
  }
}

/**
 * Once the pool has started (`pooled`): lets go of the threads it did not take, and stops catching the others'
 * errors. Otherwise (a failure, the single-threaded fallback): lets go of every thread started, taken or not.
 */
function settleThreads(pooled) {
  if (pooled) {
    for (const { worker } of prestarted) worker.terminate();
    for (const { worker, onError } of started) worker.removeEventListener('error', onError);
  } else {
    for (const { worker } of started) worker.terminate();
  }
  prestarted = [];
}

self.onmessage = async (event) => {
  self.onmessage = null;
  // The start's first phase ends here, with this script running and the page's init message read (the handshake's
  // `spawned_ms`). For a cold pool the message was waiting when the script ran. The page's first compute worker
  // is started before the compute module has compiled (src/page/bridge.rs, `start_with`), so its first phase also
  // holds that wait (the page shows how much of it).
  const spawnedMs = now();
  try {
    if (!sameOrigin) throw new Error(`refusing to load a module from another origin: ${moduleUrl.origin}`);
    const { module, threads, fallback, single } = event.data ?? {};
    // A malformed first message gets an answer too (the page would otherwise wait out its time limit).
    if (!(module instanceof WebAssembly.Module) || !Number.isInteger(threads) || threads < 0) {
      throw new Error('the first message must be { module: WebAssembly.Module, threads: a whole number >= 0 }');
    }
    prestartThreads(threads);
    const bindings = await imported;
    try {
      await bindings.default({ module_or_path: module });
    } catch (error) {
      // The threaded build's instance reserves a shared memory of its own (512 MiB at most), which a browser
      // that granted the page's may refuse the worker's. Then the worker runs the single-threaded build from
      // st/compute/ (its URLs in `single`, from boot.js) and says why, so worker mode works. Only the page's own
      // compute worker may (`fallback`): a preset's cold pool fails with the reason instead.
      if (fallback !== true || typeof bindings.initThreadPool !== 'function' || typeof single?.js !== 'string' ||
        typeof single?.wasm !== 'string') throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.warn('lanes: the compute worker could not start the threaded build; running st/compute/', error);
      const { js, wasm } = single;
      for (const url of [js, wasm]) {
        if (new URL(url).origin !== self.location.origin) throw new Error(`refusing to load a module from another origin: ${url}`);
      }
      let singleBindings;
      try {
        singleBindings = await import(js);
        await singleBindings.default({ module_or_path: new URL(wasm) });
      } catch (stError) {
        throw new Error(`${reason}; the single-threaded build did not start either: ${stError?.message ?? stError}`);
      }
      settleThreads(false);
      singleBindings.computeWorkerMain(spawnedMs, now(), now(), 0, reason);
      return;
    }
    const instantiatedMs = now();
    // The single-threaded build (pages without cross-origin isolation) has no pool to start.
    const pooled = threads > 0 && typeof bindings.initThreadPool === 'function';
    if (pooled) await bindings.initThreadPool(threads);
    settleThreads(true);
    bindings.computeWorkerMain(spawnedMs, instantiatedMs, now(), pooled ? threads : 0, undefined);
  } catch (error) {
    settleThreads(false);
    self.postMessage({ kind: 'InitFailed', reason: String(error?.message ?? error) });
  }
};
