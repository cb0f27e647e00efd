// The boot check's worker (check 4, www/worker-check.js): can a module worker start a nested worker the way the
// pool's threads are started? The compute worker is a module worker and starts each pool thread from inside it as a
// nested module worker (www/pool-thread.js; in wasm-bindgen-rayon's own path, workerHelpers.no-bundler.js, from a
// `blob:` URL — a Blob of the helper's own script, fetched), which then imports the wasm-bindgen JS by its absolute
// URL (`mainJS`); `main-pool`'s threads start from such `blob:` URLs on the page.
//
// Started by worker-check.js as a module worker, this file first says `{ started: true }`, then starts a nested
// module worker the same way: from a `blob:` URL, a Blob of a one-line module that imports this file again by its
// absolute URL (`?nested=1`; relative URLs in a blob: worker do not resolve against the site). Run there, this file
// answers `{ nested: true }`, which is passed on. A failure is posted as `{ missing: 'nested-worker', detail }`.
// `import.meta` makes this a module script: a browser that starts it as a classic worker fails with a SyntaxError,
// which the check reports as a missing module worker.
// The Content-Security-Policy (index.html's <meta>, and _headers on every response, this script's included) has
// `worker-src 'self' blob:` for the pool's threads; this check needs that same blob: source, so a policy or a
// browser that refuses blob: workers shows here, before the threaded build is chosen.
const here = new URL(import.meta.url);

if (here.searchParams.has('nested')) {
  // Imported by the nested worker's blob: module: the blob: worker started and its same-origin import loaded.
  self.postMessage({ nested: true });
} else {
  self.postMessage({ started: true });
  const fail = (detail) => self.postMessage({ missing: 'nested-worker', detail: String(detail) });
  try {
    const source = `import(${JSON.stringify(new URL('?nested=1', here).href)})` +
      '.catch((error) => postMessage({ importFailed: String(error) }));\n';
    // No revokeObjectURL: the URL belongs to this worker, which the check ends as soon as it has answered.
    const nested = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
    nested.onmessage = ({ data }) => {
      if (data?.nested === true) self.postMessage({ nested: true });
      else if (typeof data?.importFailed === 'string') fail(`the blob: worker could not import a same-origin module: ${data.importFailed}`);
      else fail('the nested worker answered something else');
    };
    nested.onerror = (event) => {
      event.preventDefault();
      fail(event.message || 'the nested worker failed to load');
    };
  } catch (error) {
    fail(error instanceof Error ? `${error.name}: ${error.message}` : error);
  }
}
