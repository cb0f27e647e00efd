// Opens a trace in ui.perfetto.dev with its documented postMessage handshake (bound by
// src/components/report_panel.rs): post 'PING' until the UI answers 'PONG', then post
// { perfetto: { buffer, title } }. Returns false when the new window cannot be reached — a cross-origin isolated
// page (COOP same-origin) is cut off from cross-origin pop-ups, and pop-up blockers return nothing — so the
// caller can fall back to a download.
const PERFETTO = 'https://ui.perfetto.dev';

export function openInPerfetto(traceJson, title) {
  const popup = window.open(`${PERFETTO}/#!/`);
  if (!popup || popup.closed) return false;
  const buffer = new TextEncoder().encode(traceJson).buffer;
  let pings = 0;
  const stop = () => {
    clearInterval(timer);
    window.removeEventListener('message', onMessage);
  };
  const onMessage = (event) => {
    if (event.origin !== PERFETTO || event.data !== 'PONG') return;
    stop();
    popup.postMessage({ perfetto: { buffer, title } }, PERFETTO);
  };
  window.addEventListener('message', onMessage);
  // At most 30 s of pings, then give up quietly.
  const timer = setInterval(() => {
    if (++pings > 600 || popup.closed) stop();
    else popup.postMessage('PING', PERFETTO);
  }, 50);
  return true;
}
