// Page side of the lab service worker (bound by src/io/lab.rs): registers it (unless it already is, in either
// mode) and waits, bounded, until it controls the page, so `/lab/delay` requests reach it.
export async function startLab(scriptUrl, timeoutMs) {
  if (!('serviceWorker' in navigator)) {
    throw new Error('service workers are not available here: they need a secure context (https or localhost)');
  }
  // www/coi.js may have registered the same worker in isolation mode (`lab-sw.js?coi=1`): keep that one, since
  // registering another URL for the scope would replace it and lose the isolation on the next load.
  const existing = await navigator.serviceWorker.getRegistration('./');
  const current = existing?.active ?? existing?.waiting ?? existing?.installing;
  const sameWorker = current && new URL(current.scriptURL).pathname === new URL(scriptUrl, location.href).pathname;
  if (!sameWorker) await navigator.serviceWorker.register(scriptUrl, { scope: './' });
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
