// The hand-off preset's echo worker: receives bytes by structured clone, by transfer or through a
// SharedArrayBuffer, touches every page of them (so each method pays for actually reaching the data), and
// answers with the times it received and finished, on the shared clock.
const now = () => performance.timeOrigin + performance.now();

function touch(view) {
  let sum = 0;
  for (let offset = 0; offset < view.length; offset += 4096) sum = (sum + view[offset]) | 0;
  return view.length > 0 ? (sum + view[view.length - 1]) | 0 : sum;
}

self.onmessage = ({ data }) => {
  const receivedMs = now();
  const view = new Uint8Array(data.buffer, 0, data.length);
  const sum = touch(view);
  const reply = { sum, receivedMs, doneMs: now() };
  if (data.method === 'transfer') {
    // Hand the buffer back, so the page can reuse it: ownership moves in both directions.
    self.postMessage({ ...reply, buffer: data.buffer }, [data.buffer]);
  } else {
    self.postMessage(reply);
  }
};
