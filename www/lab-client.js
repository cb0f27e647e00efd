// Page side of the lab service worker (bound by src/io/lab.rs): registers it and waits, bounded, until it
// controls the page, so `/lab/delay` requests reach it.
export async function startLab(scriptUrl, timeoutMs) {
  if (!('serviceWorker' in navigator)) {
    throw new Error('service workers are not available here: they need a secure context (https or localhost)');
  }
  await navigator.serviceWorker.register(scriptUrl, { scope: './' });
  if (navigator.serviceWorker.controller) return;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the lab service worker did not take control within ${timeoutMs} ms`)),
      timeoutMs,
    );
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
