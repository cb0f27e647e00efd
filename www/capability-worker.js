// The boot check's worker (www/boot.js): can a module worker start a nested worker? The compute worker is a
// module worker, and wasm-bindgen-rayon starts the pool's threads from inside it as nested module workers.
//
// Started by boot.js as a module worker, this file first says `{ started: true }`, then starts itself again as
// a nested module worker (`?nested=1`), which answers `{ nested: true }`; that answer is passed on. A failure is
// posted as `{ missing: 'nested-worker', detail }`. `import.meta` makes this a module script: a browser that
// starts it as a classic worker fails with a SyntaxError, which boot.js reports as a missing module worker.
// A same-origin file rather than a Blob or data: URL, because the page's CSP allows workers from 'self' only.
const here = new URL(import.meta.url);

if (here.searchParams.has('nested')) {
  self.postMessage({ nested: true });
} else {
  self.postMessage({ started: true });
  const fail = (detail) => self.postMessage({ missing: 'nested-worker', detail: String(detail) });
  try {
    const nested = new Worker(new URL('?nested=1', here), { type: 'module' });
    nested.onmessage = ({ data }) => {
      if (data?.nested === true) self.postMessage({ nested: true });
      else fail('the nested worker answered something else');
    };
    nested.onerror = (event) => {
      event.preventDefault();
      fail(event.message || 'the nested worker failed to load');
    };
  } catch (error) {
    fail(error?.message ?? error);
  }
}
