// The hand-off preset (bound by src/components/presets/handoff.rs): moves B bytes from the page to a worker and
// back by structured clone, by transfer and through a SharedArrayBuffer, and times each round trip. Aborting
// `signal` (the preset's Stop) ends the measurement at once and returns the points that were complete.
const now = () => performance.timeOrigin + performance.now();

export async function measureHandoff(sizes, repeats, timeoutMs, signal) {
  const worker = new Worker(new URL('handoff-worker.js', document.baseURI), { type: 'module', name: 'lanes-handoff' });
  const roundTrip = (message, transfer = []) =>
    new Promise((resolve, reject) => {
      const settle = (finish, value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', stopped);
        finish(value);
      };
      const stopped = () => settle(reject, new DOMException('stopped', 'AbortError'));
      const timer = setTimeout(() => settle(reject, new Error(`the hand-off worker did not answer within ${timeoutMs} ms`)), timeoutMs);
      worker.onmessage = ({ data }) => settle(resolve, data);
      worker.onerror = (event) => settle(reject, new Error(event.message || 'the hand-off worker failed'));
      if (signal?.aborted) stopped();
      else {
        signal?.addEventListener('abort', stopped);
        worker.postMessage(message, transfer);
      }
    });
  const largest = Math.max(...sizes);
  const shared = typeof SharedArrayBuffer === 'function' && self.crossOriginIsolated ? new SharedArrayBuffer(largest) : null;
  if (shared) new Uint8Array(shared).fill(7);
  const points = [];
  try {
    measuring: for (const bytes of sizes) {
      const source = new Uint8Array(bytes).fill(7);
      let movable = new Uint8Array(bytes).fill(7).buffer;
      const methods = shared ? ['clone', 'transfer', 'shared'] : ['clone', 'transfer'];
      for (const method of methods) {
        const samples = [];
        // One warm-up round trip per method and size, then the measured ones.
        for (let repeat = 0; repeat <= repeats; repeat += 1) {
          const startMs = now();
          let reply;
          try {
            if (method === 'clone') reply = await roundTrip({ method, buffer: source.buffer, length: bytes });
            else if (method === 'transfer') {
              reply = await roundTrip({ method, buffer: movable, length: bytes }, [movable]);
              movable = reply.buffer;
            } else reply = await roundTrip({ method, buffer: shared, length: bytes });
          } catch (error) {
            if (signal?.aborted) break measuring;
            throw error;
          }
          const endMs = now();
          if (repeat > 0) samples.push({ startMs, endMs, receivedMs: reply.receivedMs, doneMs: reply.doneMs });
        }
        points.push({ method, bytes, samples });
      }
    }
  } finally {
    worker.terminate();
  }
  return points;
}
