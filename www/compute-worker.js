// Bootstrap of the compute worker (a module worker started by src/page/bridge.rs).
//
// Trunk gives the generated JS module a hashed name, so the page passes its URL in `?module=`. The page then
// posts `{ module, threads }`: this worker imports the module, instantiates its own wasm instance (with its own
// memory, shared in the threaded build) from the compiled `module`, starts the rayon pool (threaded build,
// threads > 0) and hands over to Rust (`computeWorkerMain`), which installs the protocol handler and sends the
// `Ready` handshake. Failures are reported in the protocol's shape (`{ kind: "InitFailed", reason }`).
const now = () => performance.timeOrigin + performance.now();
const spawnedMs = now();

self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const moduleUrl = new URL(new URL(self.location.href).searchParams.get('module') ?? '', self.location.href);
    if (moduleUrl.origin !== self.location.origin) {
      throw new Error(`refusing to load a module from another origin: ${moduleUrl.origin}`);
    }
    const { module, threads } = event.data ?? {};
    // A malformed first message gets an answer too (the page would otherwise wait out its time limit).
    if (!(module instanceof WebAssembly.Module) || !Number.isInteger(threads) || threads < 0) {
      throw new Error('the first message must be { module: WebAssembly.Module, threads: a whole number >= 0 }');
    }
    const bindings = await import(moduleUrl.href);
    await bindings.default({ module_or_path: module });
    const instantiatedMs = now();
    // The single-threaded build (pages without cross-origin isolation) has no pool to start.
    const pooled = threads > 0 && typeof bindings.initThreadPool === 'function';
    if (pooled) await bindings.initThreadPool(threads);
    bindings.computeWorkerMain(spawnedMs, instantiatedMs, now(), pooled ? threads : 0);
  } catch (error) {
    self.postMessage({ kind: 'InitFailed', reason: String(error?.message ?? error) });
  }
};
