// Worker faults (`?debug=1`): a trapping, a hanging and a silently exiting compute worker are detected (error
// event or watchdog), reported under Environment, replaced by a new worker, and the next run works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, poolState, resultRows, useLab } from './support.mjs';

const lab = useLab();

test('without ?debug=1 there is no way to break the worker', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  await poolState(page);
  assert.equal(await page.getByTestId('debug-panel').count(), 0);
  lab.browser.assertNoPageErrors();
});

for (const [fault, kind] of [['trap', 'crashed'], ['hang', 'unresponsive'], ['exit', 'unresponsive']]) {
  test(`${fault}: detected as ${kind}, reported, the worker is rebuilt and the next run works`, async (t) => {
    const { page } = lab.browser;
    await page.goto(`${lab.server.url}/?debug=1&kernel=primes&n=2000000&modes=worker,pool`);
    assert.equal((await poolState(page)).state, 'ready');
    const injectedAt = Date.now();
    await page.getByTestId(`debug-${fault}`).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="debug-message"]')?.textContent.includes('detected'),
      null,
      { timeout: 20_000 },
    );
    t.diagnostic(`${fault} detected after ${Date.now() - injectedAt} ms`);
    const report = page.getByTestId('worker-fault');
    assert.equal(await report.getAttribute('data-kind'), kind);
    assert.equal(await report.getAttribute('data-count'), '1');
    assert.match(await report.textContent(), /new compute worker/);
    assert.deepEqual((await poolState(page)).state, 'ready', 'a new worker and pool are up');
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933'], ['pool', '148933']]);
    lab.browser.assertNoPageErrors();
  });
}

// Each instance of the threaded build reserves a shared memory of its own; a browser that granted the page's may
// refuse the compute worker's. The worker then runs the single-threaded build and says why: worker mode works,
// the pool is unavailable with that reason — not a dead worker. Forced by serving compute-worker.js with a
// WebAssembly.Memory that refuses shared memories in front of it (a fresh browser: no service worker yet, so
// Playwright sees the worker's own request).
test('a compute worker refused its shared memory runs the single-threaded build: worker mode works, the pool says why', async () => {
  const { other, page, workers } = await withComputeWorker((script) => `{
        const Memory = WebAssembly.Memory;
        const refusing = function Memory_(descriptor) {
          if (descriptor?.shared) throw new RangeError('WebAssembly.Memory(): could not allocate memory');
          return new Memory(descriptor);
        };
        refusing.prototype = Memory.prototype;
        WebAssembly.Memory = refusing;
      }\n${script}`);
  try {
    await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=worker,pool`);
    assert.equal((await poolState(page)).state, 'unavailable');
    assert.equal(await page.getByTestId('capability').getAttribute('data-build'), 'threaded', 'the page kept its build');
    const pool = await page.getByTestId('pool-state').textContent();
    assert.match(pool, /the compute worker could not start it \(RangeError: WebAssembly\.Memory\(\): could not allocate memory\)/);
    assert.match(pool, /runs the single-threaded build instead.*worker mode works/s);
    // The threads it started for the threaded build's pool (one per core by default, at most 64) are let go.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(poolThreads(workers).length, Math.min(cores, 64), 'threads were started');
    assert.deepEqual(await threadsLeft(page, workers), []);
    // Pool mode is refused with that reason where the user is looking; worker mode runs.
    assert.match(
      await page.getByTestId('form-message').textContent(),
      /pool mode: this needs the rayon pool, which is unavailable: the page runs the threaded build, but the compute worker/,
    );
    assert.equal(await page.getByTestId('run-button').isDisabled(), true);
    await page.getByTestId('mode-pool').click();
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 1);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933']]);
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

// The compute worker starts its pool's threads itself (www/pool-thread.js) before its own instance exists, and
// Lanes' fork of wasm-bindgen-rayon's helper takes them (crates/wasm-bindgen-rayon/LANES.md): one per pool thread,
// and no thread of upstream's (a `blob:` copy of its helper) besides.
test("the compute worker's pool runs on the threads it started early, one per pool thread", async () => {
  const { page } = lab.browser;
  const started = [];
  const record = (worker) => started.push(worker);
  page.on('worker', record);
  await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=pool&threads=2`);
  assert.equal((await poolState(page)).state, 'ready');
  page.off('worker', record);
  const alive = started.filter((worker) => page.workers().includes(worker)).map((worker) => new URL(worker.url()));
  const paths = alive.map((url) => url.protocol === 'blob:' ? 'blob:' : url.pathname);
  assert.deepEqual(paths.filter((path) => path !== '/compute-worker.js').sort(), ['/pool-thread.js', '/pool-thread.js']);
  await page.getByTestId('run-button').click();
  const rows = await resultRows(page, 1);
  assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['pool', '148933']]);
  lab.browser.assertNoPageErrors();
});

// A pool thread that cannot start fails the pool's start at once, with its reason on the page (upstream's helper
// would wait for it until the bridge's 15 s limit), and no thread is left running (the bridge terminates a worker
// whose start failed, and its threads with it). Forced by
// serving compute-worker.js changed (a fresh browser: no service worker yet, so Playwright sees the worker's own
// request; nested workers' requests it does not see): its threads' script renamed to one the server does not have
// (an error event, which may come before the pool's start listens), or each thread told to import another URL
// than the one the pool asks it to run (the thread's own `wasm_bindgen_worker_failed`).
// `ran`: whether the threads run at all (a script that does not load never does).
const broken = [
  ['its script does not load', ["'./pool-thread.js'", "'./no-such-pool-thread.js'"], /a pool thread did not start: its script did not load/, false],
  ['it is asked to run another module', ["url.searchParams.set('module', moduleUrl.href)", "url.searchParams.set('module', `${moduleUrl.href}&other`)"], /a pool thread did not start: started for \S+&other, asked to run /, true],
];
for (const [how, [from, to], said, ran] of broken) {
  test(`a pool thread that cannot start (${how}) fails the start at once, the page says why, no thread is left`, async () => {
    const { other, page, workers } = await withComputeWorker((script) => {
      assert.ok(script.includes(from), `compute-worker.js has no ${from}`);
      return script.replace(from, to);
    });
    try {
      const asked = Date.now();
      await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=worker,pool`);
      assert.equal((await poolState(page)).state, 'unavailable');
      assert.ok(Date.now() - asked < 15_000, 'failed before the start time limit');
      assert.match(await page.getByTestId('pool-state').textContent(), said);
      if (ran) assert.ok(poolThreads(workers).length > 0, 'threads were started');
      assert.deepEqual(await threadsLeft(page, workers), [], 'no thread is left running');
    } finally {
      await other.close();
    }
  });
}

/**
 * A fresh browser (no service worker yet, so Playwright sees the compute worker's own request) whose page is
 * served compute-worker.js changed by `change(script)`, and every worker the page starts (`workers`, in order).
 */
async function withComputeWorker(change) {
  const other = await openBrowser();
  const { page } = other;
  const workers = [];
  page.on('worker', (worker) => workers.push(worker));
  await page.route(/\/compute-worker\.js\?/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: change(await response.text()) });
  });
  return { other, page, workers };
}

/** The pool threads (www/pool-thread.js, or a script renamed `…pool-thread.js`) among `workers`. */
function poolThreads(workers) {
  return workers.filter((worker) => new URL(worker.url()).pathname.endsWith('pool-thread.js'));
}

/** The URLs of the pool threads among `workers` still running in `page` after at most 2 s. */
async function threadsLeft(page, workers) {
  const alive = () => poolThreads(workers).filter((worker) => page.workers().includes(worker)).map((worker) => worker.url());
  for (let wait = 0; wait < 20 && alive().length > 0; wait += 1) await new Promise((done) => setTimeout(done, 100));
  return alive();
}

// The page's compute worker starts before its compute module has compiled (boot.js starts the compile as the page
// mounts): the bridge starts it on the module's JS, then posts the module. Shown by holding the compute module's
// download until the worker has started (a fresh browser: Playwright sees the page's own requests).
test('the compute worker starts while its module is still downloading, and its pool comes up once it arrives', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    let workerStarted;
    const started = new Promise((resolve) => {
      workerStarted = resolve;
    });
    page.on('worker', (worker) => {
      if (new URL(worker.url()).pathname === '/compute-worker.js') workerStarted(worker.url());
    });
    // What had started while the module was held (at most 10 s): the worker's URL, or null.
    let whileHeld;
    await page.route(/\/compute\/lanes_compute_bg\.wasm/, async (route) => {
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10_000));
      whileHeld = await Promise.race([started, timeout]);
      await route.continue();
    });
    await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=worker,pool`);
    assert.equal((await poolState(page)).state, 'ready');
    assert.notEqual(whileHeld, undefined, 'the compute module went through the route');
    assert.ok(whileHeld, 'the compute worker started while its module was held back');
    assert.match(decodeURIComponent(whileHeld), /\?module=.*\/compute\/lanes_compute\.js/);
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933'], ['pool', '148933']]);
    other.assertNoPageErrors();
  } finally {
    await other.close();
  }
});

// Where the compute module does not load, the worker started on its JS is let go and one on the page's own module
// (which exports the worker host too) takes its place: worker and pool modes still work.
test('a compute module that does not load: a worker on the page module takes over, worker and pool work', async () => {
  const other = await openBrowser();
  try {
    const { page } = other;
    const computeWorkers = [];
    let firstStarted;
    const first = new Promise((resolve) => {
      firstStarted = resolve;
    });
    page.on('worker', (worker) => {
      if (new URL(worker.url()).pathname !== '/compute-worker.js') return;
      computeWorkers.push(worker);
      firstStarted();
    });
    // The 404 waits (at most 10 s) until the first worker has started, so it is seen before it is let go.
    await page.route(/\/compute\/lanes_compute_bg\.wasm/, async (route) => {
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=worker,pool`);
    assert.equal((await poolState(page)).state, 'ready');
    assert.equal(computeWorkers.length, 2, 'a worker on the compute module, then one on the page module');
    assert.match(decodeURIComponent(computeWorkers[0].url()), /\?module=.*\/compute\/lanes_compute\.js/);
    const alive = computeWorkers.filter((worker) => page.workers().includes(worker));
    assert.deepEqual(alive, [computeWorkers[1]], 'only the second is left');
    assert.match(decodeURIComponent(alive[0].url()), /\?module=.*\/lanes-[0-9a-f]+\.js$/, 'on the page module');
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933'], ['pool', '148933']]);
  } finally {
    await other.close();
  }
});
