// A rayon pool thread the compute worker starts ahead of time (www/compute-worker.js), before its own wasm instance
// exists. It starts importing the compute module's JS (`?module=`, same origin only) at once, so that the import
// overlaps the compute worker's own; then it waits for wasm-bindgen-rayon's init message (`module`, the shared
// `memory`, the pool's `receiver`, `mainJS`: Lanes' fork, crates/wasm-bindgen-rayon/LANES.md), instantiates the
// module on that memory, says `wasm_bindgen_worker_ready` and runs rayon's thread loop, which never returns. A
// thread that cannot start says `wasm_bindgen_worker_failed` with the reason, and the pool's start fails with it.
const moduleUrl = new URL(new URL(self.location.href).searchParams.get('module') ?? '', self.location.href);
const bindings = moduleUrl.origin === self.location.origin
  ? import(moduleUrl.href)
  : Promise.reject(new Error(`refusing to load a module from another origin: ${moduleUrl.origin}`));
bindings.catch(() => {});

// Registered before the import runs, so it comes first: importing the module's JS also registers the helper's
// own init listener (for threads upstream starts), which must not see this message (it would start a second
// instance, or add an unhandled rejection after a failure).
self.addEventListener('message', async function onInit(event) {
  const { data } = event;
  if (data?.type !== 'wasm_bindgen_worker_init') return;
  event.stopImmediatePropagation();
  self.removeEventListener('message', onInit);
  let pkg;
  try {
    if (data.mainJS !== moduleUrl.href) throw new Error(`started for ${moduleUrl.href}, asked to run ${data.mainJS}`);
    pkg = await bindings;
    await pkg.default({ module_or_path: data.module, memory: data.memory });
  } catch (error) {
    self.postMessage({ type: 'wasm_bindgen_worker_failed', reason: String(error?.message ?? error) });
    return;
  }
  self.postMessage({ type: 'wasm_bindgen_worker_ready' });
  pkg.wbg_rayon_start_worker(data.receiver);
});
