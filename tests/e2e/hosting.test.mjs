// Static hosting and isolation: the release `dist/` on a plain static server that sends no headers at all.
// The isolation service worker reloads the page once and it comes back isolated with a pool; with the service
// worker off (`?coi=0`) the page runs the single-threaded build: main and worker modes work, pool mode is
// refused with the reason; the one-reload guard holds; the page carries a Content-Security-Policy.
// Choosing the build by capability (a server that sends the isolation headers): `threads=` and the environment
// panel's pool size set the pool; an isolated page without SharedArrayBuffer (WebKitGTK), one whose shared
// memory is refused and ones whose worker check fails (no module worker, no nested worker, no answer in time) load
// the single-threaded build and say which capability is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, assertFreezeMeasured, openBrowser, poolState, resultRows, serveStatic, tabsLoaded, useLab } from './support.mjs';

/** Whether the page fetched a resource whose path ends with `suffix`. */
const loaded = (page, suffix) =>
  page.evaluate((end) => performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith(end)), suffix);

// The compute module the page compiled for its workers (the threaded build's, or st/'s): by exact path.
const loadedPath = (page, path) =>
  page.evaluate((wanted) => performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname === wanted), path);

const lab = useLab({});

test('no headers: the service worker reloads once, the page is isolated and the pool runs', async () => {
  const { page } = lab.browser;
  let loads = 0;
  const count = (frame) => {
    if (frame === page.mainFrame()) loads += 1;
  };
  page.on('framenavigated', count);
  await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=main,pool`);
  await page.waitForFunction(() => self.crossOriginIsolated === true, null, { timeout: 30_000 });
  await page.waitForLoadState();
  assert.equal(await page.getByTestId('env-coi').getAttribute('data-state'), 'service-worker');
  assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'true');
  const { state, threads } = await poolState(page);
  assert.equal(state, 'ready');
  assert.equal(threads, Math.min(await page.evaluate(() => navigator.hardwareConcurrency), 64), 'a pool thread per core, at most 64');
  assert.equal(await loaded(page, '/st/lanes_bg.wasm'), false, 'the threaded build was loaded');
  assert.ok(await loadedPath(page, '/compute/lanes_compute_bg.wasm'), 'the threaded compute module was loaded');
  assert.equal(await loadedPath(page, '/st/compute/lanes_compute_bg.wasm'), false, 'not the single-threaded one');
  await page.getByTestId('run-button').click();
  const rows = await resultRows(page, 2);
  assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['main', '148933'], ['pool', '148933']]);
  assert.equal(rows[0].threadsUsed, '1');
  const used = Number(rows[1].threadsUsed);
  assert.ok(used >= 1 && used <= Math.min(threads, 4), `pool used ${rows[1].threadsUsed} threads for four segments`);
  for (const row of rows) assertFreezeMeasured(row);
  // Navigating again stays isolated without another reload: the worker keeps serving the headers.
  const before = loads;
  await page.goto(`${lab.server.url}/?kernel=primes&n=2000000`);
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(loads - before, 1, 'one load, no reload');
  page.off('framenavigated', count);
  lab.browser.assertNoPageErrors();
});

test('not isolated: single-threaded build, main, worker and presets run (and stop), pool is refused with the reason', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    await page.goto(`${lab.server.url}/?coi=0&kernel=primes&n=2000000&modes=main,worker`);
    assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'false');
    assert.equal(await page.getByTestId('env-coi').getAttribute('data-state'), 'off');
    assert.equal((await poolState(page)).state, 'unavailable');
    assert.ok(await loaded(page, '/st/lanes_bg.wasm'), 'the single-threaded build was loaded');
    assert.ok(await loadedPath(page, '/st/compute/lanes_compute_bg.wasm'), 'the single-threaded compute module was loaded');
    assert.equal(await loadedPath(page, '/compute/lanes_compute_bg.wasm'), false, 'not the threaded one');
    assert.match(await page.getByTestId('pool-state').textContent(), /not cross-origin isolated.*worker mode works/s);
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result, row.threadsUsed]), [['main', '148933', '1'], ['worker', '148933', '1']]);
    for (const row of rows) assertFreezeMeasured(row);
    // Pool mode is refused where the user looks, and Run stays disabled.
    await page.getByTestId('mode-pool').check();
    assert.equal(await page.getByTestId('run-button').isDisabled(), true);
    assert.match(await page.getByTestId('form-message').textContent(), /pool mode: this needs the rayon pool/);
    await page.getByTestId('mode-pool').uncheck();
    // No shared memory, so no stop flag: Stop terminates the worker, and a new one takes the next run.
    await page.getByTestId('mode-main').uncheck();
    await page.getByTestId('kernel-select').selectOption('sum-loop');
    await page.getByTestId('size-input').fill('2000000000');
    await page.getByTestId('run-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="form-message"]')?.textContent.includes('worker mode'));
    await page.waitForTimeout(200);
    await page.getByTestId('cpu-stop').click();
    const stopped = await resultRows(page, 1);
    assert.deepEqual(stopped.map((row) => [row.mode, row.cancelled]), [['worker', 'true']]);
    // The terminated warm-up was the only repeat: nothing measured, so no threads and no freeze reading.
    assert.equal(stopped[0].threadsUsed, undefined);
    assert.equal(stopped[0].frameGapMs, undefined);
    assert.equal((await poolState(page)).state, 'unavailable');
    await page.getByTestId('size-input').fill('1000');
    await page.getByTestId('run-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="result-row"]')?.dataset.result === '6000');
    // A preset's Stop takes the same way: the worker is terminated mid-job and replaced, and the preset runs again.
    await page.goto(`${lab.server.url}/?coi=0&preset=pipeline`);
    assert.equal((await poolState(page)).state, 'unavailable');
    const pipeline = async (fields) => {
      for (const [testId, value] of Object.entries(fields)) await page.getByTestId(testId).fill(value);
      await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]')?.disabled, null, { timeout: 30_000 });
      await page.getByTestId('preset-run').click();
    };
    const finished = () =>
      page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]').textContent.includes('Running'), null, {
        timeout: 60_000,
      });
    await pipeline({ 'preset-items': '3', 'preset-latency': '50', 'preset-work': '2000000000' });
    await page.waitForTimeout(1_000);
    await page.getByTestId('preset-stop').click();
    await finished();
    assert.match(await page.getByTestId('verdict').textContent(), /Stopped by the user after 0 of 3 modes/);
    await pipeline({ 'preset-items': '2', 'preset-latency': '50', 'preset-work': '1000000' });
    await finished();
    // Item i is sum-loop over 1 000 000 + i: 3 000 000 and 3 000 003, in every mode.
    assert.deepEqual((await resultRows(page, 3)).map((row) => [row.mode, row.result]), [
      ['sequential', '2 items: 3000000 3000003'],
      ['fetch-then-process', '2 items: 3000000 3000003'],
      ['pipelined', '2 items: 3000000 3000003'],
    ]);
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

test('the reload guard: a page that came back from its one reload still not isolated does not reload again', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    // As if the service worker had already reloaded this tab once.
    await page.addInitScript(() => sessionStorage.setItem('lanes-coi-reload', '1'));
    let loads = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) loads += 1;
    });
    await page.goto(`${lab.server.url}/`);
    await poolState(page);
    await page.waitForTimeout(1000);
    assert.equal(loads, 1);
    assert.equal(await page.getByTestId('env-coi').getAttribute('data-state'), 'failed');
    assert.match(await page.getByTestId('env-coi').textContent(), /not reloading again/);
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

test('the page declares a Content-Security-Policy without unsafe-eval and has no inline script', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(policy, /'unsafe-eval'/);
  assert.doesNotMatch(policy.match(/script-src[^;]*/)[0], /unsafe-inline/);
  const inline = await page.$$eval('script', (scripts) => scripts.filter((script) => !script.src).length);
  assert.equal(inline, 0);
  lab.browser.assertNoPageErrors();
});

/** The same `dist/`, served with the isolation headers (see `serveStatic`). */
const isolated = {};
before(async () => {
  isolated.server = await serveStatic();
});
after(async () => {
  await isolated.server?.close();
});

/** The environment panel's capability row: `{ build, missing, text }`. */
const capability = async (page) => {
  const row = page.getByTestId('capability');
  return { build: await row.getAttribute('data-build'), missing: await row.getAttribute('data-missing'), text: await row.textContent() };
};

/** Waits until the pool is ready with `threads` threads. */
const poolReadyWith = (page, threads) =>
  page.waitForFunction(
    (expected) => {
      const pool = document.querySelector('[data-testid="pool-state"]');
      return pool?.dataset.state === 'ready' && pool.dataset.threads === String(expected);
    },
    threads,
    { timeout: 30_000 },
  );

test('threads=1: the pool has one thread and the pool row used one; the threaded build passed every boot check', async () => {
  const { page } = lab.browser;
  // This browser may have loaded the isolated server before, and remembered the worker check: run it again here.
  await forgetWorkerCheck(page, isolated.server.url);
  await page.goto(`${isolated.server.url}/?threads=1&kernel=primes&n=2000000&modes=pool&autorun=1`);
  const rows = await resultRows(page, 1);
  assert.deepEqual(rows.map((row) => [row.mode, row.result, row.threadsUsed]), [['pool', '148933', '1']]);
  assert.deepEqual(await poolState(page), { state: 'ready', threads: 1 });
  assert.equal(await page.getByTestId('pool-threads').inputValue(), '1');
  const reported = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(await page.getByTestId('env-threads').getAttribute('data-value'), String(reported));
  assert.match(await page.getByTestId('env-threads').textContent(), new RegExp(`the browser reports ${reported} logical core`));
  assert.match(await page.getByTestId('pool-threads-used').textContent(), /the pool uses 1 thread; the browser reports/);
  const { build, missing, text } = await capability(page);
  assert.deepEqual([build, missing], ['threaded', '']);
  assert.match(text, /shared wasm memory of up to 512 MiB was granted and a module worker can start nested workers/);
  assert.deepEqual(await page.evaluate(() => window.lanesCapability), {
    build: 'threaded',
    missing: null,
    detail: null,
    memoryMaxBytes: 512 * 1024 * 1024,
    workerCheck: 'ran',
  });
  assert.equal(await loaded(page, '/st/lanes_bg.wasm'), false, 'the threaded build was loaded');
  // The permalink keeps the pool size where it differs from the reported cores.
  const permalink = await page.getByTestId('permalink').getAttribute('href');
  assert.equal(permalink.includes('threads=1'), reported !== 1, permalink);
  lab.browser.assertNoPageErrors();
});

test('the pool size field rebuilds the pool, refuses bad input and a change during a run, and the permalink follows', async () => {
  const { page } = lab.browser;
  await page.goto(`${isolated.server.url}/?kernel=primes&n=2000000&modes=pool`);
  const reported = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.deepEqual(await poolState(page), { state: 'ready', threads: Math.min(reported, 64) });
  const field = page.getByTestId('pool-threads');
  assert.equal(await field.inputValue(), String(Math.min(reported, 64)));
  assert.doesNotMatch(await page.getByTestId('permalink').getAttribute('href'), /threads=/);
  const message = () => page.getByTestId('pool-threads-message').textContent();

  // Bad input: a message under the field, the pool untouched.
  for (const [typed, says] of [['abc', /not a number/], ['0', /0 is outside 1\.\.=64/], ['65', /65 is outside 1\.\.=64/], ['', /enter a whole number/]]) {
    await field.fill(typed);
    await field.press('Enter');
    assert.match(await message(), says, typed);
    assert.match(await message(), /enter a whole number of threads from 1 to 64/, typed);
    assert.deepEqual(await poolState(page), { state: 'ready', threads: Math.min(reported, 64) });
  }

  // One more thread than the browser reports: a new pool of that size, and the permalink carries it.
  const more = Math.min(reported + 1, 64);
  await field.fill(String(more));
  await field.press('Enter');
  await poolReadyWith(page, more);
  assert.equal(await page.getByTestId('pool-threads-message').count(), 0, 'no message once it worked');
  assert.match(await page.getByTestId('pool-threads-used').textContent(), new RegExp(`the pool uses ${more} threads`));
  assert.match(await page.getByTestId('permalink').getAttribute('href'), new RegExp(`threads=${more}`));

  // One thread: the pool row uses exactly one.
  await field.fill('1');
  await field.press('Enter');
  await poolReadyWith(page, 1);
  await page.getByTestId('run-button').click();
  const rows = await resultRows(page, 1);
  assert.deepEqual(rows.map((row) => [row.mode, row.result, row.threadsUsed]), [['pool', '148933', '1']]);

  // During a run the pool keeps its size: refused with the run's name; after the run, Enter applies it.
  await page.getByTestId('kernel-select').selectOption('sum-loop');
  await page.getByTestId('size-input').fill('2000000000');
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="cpu-stop"]')?.disabled === false);
  await field.fill('2');
  await field.press('Enter');
  assert.match(await message(), /CPU experiment is running: the pool can change size when it is over/);
  assert.equal((await poolState(page)).threads, 1);
  await page.getByTestId('cpu-stop').click();
  await resultRows(page, 1);
  await field.press('Enter');
  await poolReadyWith(page, 2);
  lab.browser.assertNoPageErrors();
});

test('isolated without SharedArrayBuffer (the WebKitGTK case): the single-threaded build, and the panel says why', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    await page.addInitScript(() => {
      delete window.SharedArrayBuffer;
    });
    await page.goto(`${isolated.server.url}/?kernel=primes&n=2000000&modes=main,worker`);
    assert.equal((await poolState(page)).state, 'unavailable');
    assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'true');
    assert.equal(await page.getByTestId('env-sab').getAttribute('data-value'), 'false');
    assert.ok(await loaded(page, '/st/lanes_bg.wasm'), 'the single-threaded build was loaded');
    const { build, missing, text } = await capability(page);
    assert.deepEqual([build, missing], ['single-threaded', 'shared-array-buffer']);
    assert.match(text, /isolated, but this browser does not expose SharedArrayBuffer/);
    assert.match(text, /To get the pool: the isolation headers are right/);
    const pool = await page.getByTestId('pool-state').textContent();
    assert.match(pool, /isolated, but this browser does not expose SharedArrayBuffer.*worker mode works/s);
    for (const said of [text, pool]) assert.doesNotMatch(said, /not cross-origin isolated/);
    assert.equal(await page.getByTestId('pool-threads').isDisabled(), true, 'no pool to size');
    // main and worker run; pool mode is refused with that reason.
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result, row.threadsUsed]), [['main', '148933', '1'], ['worker', '148933', '1']]);
    await page.getByTestId('mode-pool').check();
    assert.equal(await page.getByTestId('run-button').isDisabled(), true);
    assert.match(
      await page.getByTestId('form-message').textContent(),
      /pool mode: this needs the rayon pool, which is unavailable: the page is isolated, but this browser does not expose SharedArrayBuffer/,
    );
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

test('a refused shared memory: the single-threaded build starts and the panel names the memory and what the browser said', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    // As a browser that cannot reserve the shared memory's maximum (a 32-bit or memory-starved one) answers.
    await page.addInitScript(() => {
      const Memory = WebAssembly.Memory;
      const refusing = function Memory_(descriptor) {
        if (descriptor?.shared) throw new RangeError('WebAssembly.Memory(): could not allocate memory');
        return new Memory(descriptor);
      };
      refusing.prototype = Memory.prototype;
      WebAssembly.Memory = refusing;
    });
    await page.goto(`${isolated.server.url}/?kernel=primes&n=2000000&modes=worker&autorun=1`);
    const rows = await resultRows(page, 1);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933']]);
    assert.ok(await loaded(page, '/st/lanes_bg.wasm'), 'the single-threaded build was loaded');
    const { build, missing, text } = await capability(page);
    assert.deepEqual([build, missing], ['single-threaded', 'shared-memory']);
    assert.match(text, /refused a shared wasm memory of up to 512 MiB/);
    assert.match(text, /\(the browser said: RangeError: WebAssembly\.Memory\(\): could not allocate memory\)/);
    assert.match(await page.getByTestId('pool-state').textContent(), /refused a shared wasm memory.*worker mode works/s);
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

// The worker check's failures, forced by answering its request for capability-worker.js (coi.js starts the check
// for boot.js) — the plain URL, not the `?nested=1` the nested worker imports — with something else, in a fresh
// browser each time (no service worker yet, so the request is the page's own). Playwright intercepts a dedicated
// worker's script like the page's.
const WORKER_CHECK = /\/capability-worker\.js$/;
/** The shared memory's maximum boot.js reports (capability::MEMORY_MAX_BYTES). */
const MEMORY_MAX_BYTES = 512 * 1024 * 1024;

/** Serves a worker script (capability-worker.js, compute-worker.js) with `edit(text)` as its text, the headers kept (the page's COEP covers its workers). */
const serveInstead = (edit) => async (route) => {
  const response = await route.fetch();
  await route.fulfill({ response, body: edit(await response.text()) });
};

/**
 * Loads main mode on the isolated server with the worker check answered by `handle`, and checks what every failed
 * worker check gives: the single-threaded build, the pool unavailable, main mode's exact answer and no page error.
 * Returns `{ capability: window.lanesCapability, row: the panel's capability row }`.
 */
async function failedWorkerCheck(handle) {
  const other = await openBrowser();
  try {
    const { page } = other;
    await page.route(WORKER_CHECK, handle);
    await page.goto(`${isolated.server.url}/?kernel=primes&n=2000000&modes=main&autorun=1`);
    const rows = await resultRows(page, 1);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['main', '148933']]);
    assert.ok(await loaded(page, '/st/lanes_bg.wasm'), 'the single-threaded build was loaded');
    assert.equal((await poolState(page)).state, 'unavailable');
    const found = { capability: await page.evaluate(() => window.lanesCapability), row: await capability(page) };
    other.assertNoPageErrors();
    return found;
  } finally {
    await other.close();
  }
}

test('a coi.js that did not start the worker check (an older cached copy): boot.js runs it, and the threaded build loads', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    const checks = [];
    page.on('request', (request) => {
      if (WORKER_CHECK.test(request.url())) checks.push(request.url());
    });
    // coi.js as it was before it started the check: its first part only.
    await page.route(/\/coi\.js$/, serveInstead((text) => text.slice(0, text.indexOf("\n// boot.js's worker check"))));
    await page.goto(`${isolated.server.url}/?kernel=primes&n=2000000&modes=main,pool&autorun=1`);
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['main', '148933'], ['pool', '148933']]);
    assert.equal(await page.evaluate(() => window.lanesWorkerCheck), undefined, 'coi.js started no check');
    assert.equal(checks.length, 1, `boot.js started the check: ${checks}`);
    assert.deepEqual(await page.evaluate(() => window.lanesCapability), {
      build: 'threaded',
      missing: null,
      detail: null,
      memoryMaxBytes: MEMORY_MAX_BYTES,
      workerCheck: 'ran',
    });
    assert.equal(await loaded(page, '/st/lanes_bg.wasm'), false, 'the threaded build was loaded');
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

/** Forgets the worker check this browser remembered for `origin` (www/worker-check.js): its next load runs the check. */
async function forgetWorkerCheck(page, origin) {
  await page.goto(`${origin}/coi.js`);
  await page.evaluate(() => localStorage.removeItem('lanes-worker-check'));
}

test('a worker check that passed is remembered: the next load of the build runs none and says so; a failed pool start, a new build, a new browser version and a failed check run it again', async () => {
  // No service worker: the worker scripts' requests are the page's own, which the test sees and answers.
  const other = await openBrowser({ serviceWorkers: 'block' });
  try {
    const { page } = other;
    const checks = [];
    page.on('request', (request) => {
      if (WORKER_CHECK.test(request.url())) checks.push(request.url());
    });
    const load = async (expectedPool) => {
      await page.goto(`${isolated.server.url}/`);
      assert.equal((await poolState(page)).state, expectedPool);
      return page.evaluate(() => window.lanesCapability);
    };
    const remembered = () => page.evaluate(() => JSON.parse(localStorage.getItem('lanes-worker-check') ?? 'null'));

    // First load: the check runs and its pass is remembered for this build and this browser.
    assert.equal((await load('ready')).workerCheck, 'ran');
    assert.equal(checks.length, 1, 'the check ran');
    const entry = await remembered();
    assert.equal(entry?.agent, await page.evaluate(() => navigator.userAgent));
    assert.match(entry?.build ?? '', /_bg\.wasm$/, 'the threaded build it was for');

    // Second load: no check (not even its script), the threaded build, and the panel says the pass was remembered.
    const second = await load('ready');
    assert.deepEqual([second.build, second.missing, second.workerCheck], ['threaded', null, 'remembered']);
    assert.equal(checks.length, 1, 'no check ran');
    assert.equal(await page.evaluate(() => window.lanesWorkerCheck), undefined, 'coi.js did not start the check');
    const { build, text } = await capability(page);
    assert.equal(build, 'threaded');
    assert.match(text, /on an earlier load of this build in this browser \(remembered, not checked again/);

    // A pool that fails to start (its compute worker says so) forgets the pass; the next load checks again.
    // The script's own response (its headers kept: the page's COEP covers its workers) with another body.
    const failing = serveInstead(() => "self.onmessage = () => self.postMessage({ kind: 'InitFailed', reason: 'lanes test: no pool here' });\n");
    await page.route(/\/compute-worker\.js(\?|$)/, failing);
    const failed = await load('unavailable');
    assert.equal(failed.workerCheck, 'remembered');
    assert.match(await page.getByTestId('pool-state').textContent(), /lanes test: no pool here/);
    assert.equal(await remembered(), null, 'the failed pool start forgot the pass');
    await page.unroute(/\/compute-worker\.js(\?|$)/, failing);
    assert.equal((await load('ready')).workerCheck, 'ran');
    assert.equal(checks.length, 2, 'the check ran again');

    // A pass remembered for another build, or by another browser version: the check runs (boot.js's own, for a build
    // coi.js cannot tell apart; coi.js's, for a user agent it can).
    for (const [what, edit] of [['build', (e) => ({ ...e, build: './lanes-0000000000000000_bg.wasm' })], ['agent', (e) => ({ ...e, agent: 'Lanes/0' })]]) {
      await page.evaluate((value) => localStorage.setItem('lanes-worker-check', JSON.stringify(value)), edit(await remembered()));
      const before = checks.length;
      assert.equal((await load('ready')).workerCheck, 'ran', what);
      assert.equal(checks.length, before + 1, `${what}: the check ran`);
      assert.deepEqual(await remembered(), entry, `${what}: this build's pass is remembered again`);
    }

    // A check that fails forgets: with the pass remembered by another browser version, the check runs, and fails.
    await page.evaluate((value) => localStorage.setItem('lanes-worker-check', JSON.stringify(value)), { ...entry, agent: 'Lanes/0' });
    await page.route(WORKER_CHECK, (route) => route.abort());
    const single = await load('unavailable');
    assert.deepEqual([single.build, single.missing, single.workerCheck], ['single-threaded', 'module-worker', 'ran']);
    assert.equal(await remembered(), null, 'the failed check forgot the pass');
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

test('a module worker that does not load: the single-threaded build, and the panel names the module worker', async () => {
  const { capability: found, row } = await failedWorkerCheck((route) => route.abort());
  assert.deepEqual([found.build, found.missing, found.memoryMaxBytes, found.workerCheck], ['single-threaded', 'module-worker', MEMORY_MAX_BYTES, 'ran']);
  assert.match(found.detail, /\S/, 'what the browser said, or that the script did not load');
  assert.deepEqual([row.build, row.missing], ['single-threaded', 'module-worker']);
  assert.ok(row.text.includes(found.detail), row.text);
});

test('a module worker that cannot start a nested one: the single-threaded build, and the panel names the nested worker', async () => {
  // As a browser without nested workers: the check's own script, with a Worker constructor that throws.
  const refuse = "self.Worker = function Worker() { throw new TypeError('lanes test: no nested workers here'); };\n";
  const { capability: found, row } = await failedWorkerCheck(serveInstead((text) => `${refuse}${text}`));
  assert.deepEqual(found, {
    build: 'single-threaded',
    missing: 'nested-worker',
    detail: 'TypeError: lanes test: no nested workers here',
    memoryMaxBytes: MEMORY_MAX_BYTES,
    workerCheck: 'ran',
  });
  assert.deepEqual([row.build, row.missing], ['single-threaded', 'nested-worker']);
  assert.ok(row.text.includes('TypeError: lanes test: no nested workers here'), row.text);
});

test('a worker check that gets no answer in time (5 s): worker-timeout with the stage, not a missing capability', async () => {
  // A module that never answers stops the check at its first stage; one that only says it started, at the nested one.
  for (const [stage, body] of [['module', '// never answers\n'], ['nested', 'self.postMessage({ started: true });\n']]) {
    const { capability: found, row } = await failedWorkerCheck(serveInstead(() => body));
    assert.deepEqual(found, {
      build: 'single-threaded',
      missing: 'worker-timeout',
      detail: `the ${stage} worker did not answer within 5000 ms`,
      memoryMaxBytes: MEMORY_MAX_BYTES,
      workerCheck: 'ran',
    }, stage);
    assert.deepEqual([row.build, row.missing], ['single-threaded', 'worker-timeout'], stage);
    assert.match(row.text, /did not answer/, stage);
    assert.doesNotMatch(row.text, /use a browser with/, `${stage}: no advice to change browsers`);
  }
});

test('the page comes in two parts: the first paint (the CPU experiment) without the lessons, the I/O lab, the presets and the history, which a URL that shows one of them loads at once', async () => {
  // The threaded build (a server with the isolation headers) and st/ (no headers, no isolation service worker).
  for (const [headers, query, dir] of [[undefined, '', '/'], [{}, 'coi=0&', '/st/']]) {
    const server = await serveStatic(undefined, headers);
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await page.goto(`${server.url}/?${query}tab=io`);
      await page.getByTestId('io-run').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('tab-io').getAttribute('aria-current'), 'page', `${dir}: the URL's tab is shown`);
      assert.equal(await page.getByTestId('later-tabs').count(), 0, `${dir}: no loading or failure line once they are in`);
      const parts = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => /\/split_[^/]*\.wasm$/.test(path)),
      );
      assert.equal(parts.length, 1, `${dir}: one later part was fetched: ${parts}`);
      assert.ok(parts[0].startsWith(`${dir}split_`), `${dir}: the part of the build that loaded: ${parts[0]}`);
      const [mounted, tabs] = await page.evaluate(() =>
        ['lanes-mounted', 'lanes-tabs-loaded'].map((name) => performance.getEntriesByName(name)[0]?.startTime ?? null),
      );
      assert.ok(mounted !== null && tabs !== null, `${dir}: mounted at ${mounted} ms, the other tabs built at ${tabs} ms`);
      assert.equal(await loaded(page, '/st/lanes_bg.wasm'), dir === '/st/', `${dir}: the build that ran`);
      browser.assertNoPageErrors();
    } finally {
      await browser.close();
      await server.close();
    }
  }
});

test('on `/` the later part waits for the pool: fetched once the pool has settled, or as soon as the user shows one of its tabs', async () => {
  const partStarts = (page) =>
    page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => /\/split_[^/]*\.wasm$/.test(new URL(entry.name).pathname))
        .map((entry) => entry.startTime),
    );
  // No service worker: the compute worker's script request is the page's own, which the test can hold back.
  const browser = await openBrowser({ serviceWorkers: 'block' });
  try {
    const { page } = browser;
    await page.goto(`${isolated.server.url}/`);
    await poolState(page);
    await tabsLoaded(page);
    const [ready] = await page.evaluate(() => performance.getEntriesByName('lanes-pool-ready').map((mark) => mark.startTime));
    const starts = await partStarts(page);
    assert.equal(starts.length, 1, `one later part: ${starts}`);
    assert.ok(starts[0] >= ready, `fetched at ${starts[0]} ms, after the pool was ready at ${ready} ms`);

    // A compute worker that never answers keeps the pool starting (for the bridge's 15 s from its start; this part of
    // the spec takes a second or two): while it does, the part is not fetched until a tab needs it. The last check
    // (still starting once the part is in) tells the click's fetch from one the pool's end would have caused.
    await page.route(/\/compute-worker\.js(\?|$)/, serveInstead(() => '// never answers\n'));
    await page.goto(`${isolated.server.url}/`);
    await page.getByTestId('run-button').waitFor();
    const clicked = await page.evaluate(() => performance.now());
    assert.equal(await page.getByTestId('pool-state').getAttribute('data-state'), 'starting', 'the pool is starting');
    await page.getByTestId('tab-io').click();
    await page.getByTestId('io-run').waitFor({ timeout: 10_000 });
    await tabsLoaded(page);
    const fetched = await partStarts(page);
    assert.equal(fetched.length, 1, `one later part: ${fetched}`);
    assert.ok(fetched[0] >= clicked, `fetched at ${fetched[0]} ms, not before ${clicked} ms, when the pool was still starting`);
    assert.equal(await page.getByTestId('pool-state').getAttribute('data-state'), 'starting', 'the click fetched it, not the pool');
    browser.assertNoPageErrors();
  } finally {
    await browser.close();
  }
});

test('a later part that cannot be loaded: the CPU experiment is there, the page says so, and Try again loads it', async () => {
  // A copy of dist/ without the threaded page's later part (as after a deployment that replaced it).
  const root = await mkdtemp(join(tmpdir(), 'lanes-dist-'));
  await cp(DIST, root, { recursive: true });
  const part = (await readdir(root)).find((name) => /^split_.*\.wasm$/.test(name));
  assert.ok(part, 'dist/ has a later part');
  const bytes = await readFile(join(root, part));
  await rm(join(root, part));
  const server = await serveStatic(root);
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(`${server.url}/?tab=io`);
    const notice = page.getByTestId('later-tabs');
    await page.waitForFunction(() => document.querySelector('[data-testid="later-tabs"]')?.dataset.state === 'failed', null, {
      timeout: 30_000,
    });
    assert.match(await notice.textContent(), /could not be loaded/);
    assert.equal(await page.getByTestId('io-run').count(), 0);
    assert.equal(await page.getByTestId('run-button').count(), 1, 'the CPU experiment is in the first module');
    await writeFile(join(root, part), bytes);
    await page.getByTestId('later-tabs-retry').click();
    await page.getByTestId('io-run').waitFor({ timeout: 30_000 });
    assert.equal(await notice.count(), 0, 'the failure line is gone once the part is in');
    browser.assertNoPageErrors();
  } finally {
    await browser.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});
