// The cross-engine subset: what every engine must do, checked in Firefox and WebKit (with SharedArrayBuffer hidden,
// WebKitGTK's default, and exposed) through tests/engines/webdriver.mjs. Chromium runs the full suite in tests/e2e/.
// Each *.test.mjs beside this file calls `crossEngineSuite` once for its engine. The release dist/ is served (a
// copy with the page-error probe) by support.mjs's serveStatic, with the isolation headers and, for the last test,
// without any. Elements are found by data-testid only; every spec ends with no page errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertFreezeMeasured,
  ioRows,
  ISOLATION_HEADERS,
  labReady,
  poolState,
  resultRows,
  serveStatic,
  timelineSpans,
  waitUntilIdle,
} from '../e2e/support.mjs';
import { captureDownload, launchEngine, probedDist } from './webdriver.mjs';

/** The most pool threads the page starts (src/settings.rs, MAX_THREADS). */
const MAX_THREADS = 64;

// The kernels at sizes that take a fraction of a second per run, one measured repeat each (plus the warm-up), and
// their exact answers — identical in every engine and every mode (mandelbrot: the result for its 480 × 360 picture;
// wasm's f64 arithmetic is exact IEEE 754 with no fused operations, so every engine computes the same escape times).
const KERNELS = [
  { kernel: 'sum-loop', size: 30_000_000, expected: String(3 * 30_000_000 * 2) },
  { kernel: 'chunked-sum', size: 24, expected: '73499955000000' },
  { kernel: 'primes', size: 2_000_000, expected: '148933' },
  { kernel: 'mandelbrot', size: 480, expected: '9568942' },
];

/** Whether the page loaded the single-threaded build (dist/st/). */
const loadedSingleThreaded = (page) =>
  page.evaluate(() => performance.getEntriesByType('resource').some((entry) => new URL(entry.name).pathname.endsWith('/st/lanes_bg.wasm')));

/**
 * Registers the subset for `engine` (`firefox` or `webkit`). `sharedArrayBuffer`: WebKit only, exposes it
 * (`JSC_useSharedArrayBuffer=true`). `pool`: whether this engine, on an isolated page, has the rayon pool — where
 * it has no SharedArrayBuffer the page must run the single-threaded build and refuse pool mode with its reason.
 */
export function crossEngineSuite(engine, { sharedArrayBuffer = false, pool = true } = {}) {
  const label = engine === 'webkit' ? `webkit (SharedArrayBuffer ${sharedArrayBuffer ? 'exposed' : 'hidden'})` : engine;
  const modes = pool ? ['main', 'worker', 'pool'] : ['main', 'worker'];
  const lab = {};

  before(async () => {
    lab.dist = await probedDist();
    lab.server = await serveStatic(lab.dist.root, ISOLATION_HEADERS);
    lab.browser = await launchEngine(engine, { sharedArrayBuffer });
    process.stderr.write(`[engines] ${label}: ${lab.browser.browser}\n`);
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.close();
    await lab.dist?.remove();
  });

  const spec = (name, body) => test(`${label}: ${name}`, { timeout: 180_000 }, async (t) => {
    await body(lab.browser.page, t);
    await lab.browser.assertNoPageErrors();
  });

  spec(`isolated page: ${pool ? 'the threaded build and a pool of hardwareConcurrency threads (at most 64)' : 'the single-threaded build, pool refused with the reason'}`, async (page, t) => {
    await page.goto(`${lab.server.url}/?kernel=primes&n=2000000`);
    const seen = await page.evaluate(() => ({
      isolated: self.crossOriginIsolated,
      sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
      cores: navigator.hardwareConcurrency,
    }));
    t.diagnostic(`${label}: ${JSON.stringify(seen)}`);
    // The harness's own check: the page-error probe is on this page and what it hears reaches the spec.
    await page.evaluate(() => dispatchEvent(new ErrorEvent('error', { message: 'lanes probe self-check' })));
    await page.collect();
    assert.equal(lab.browser.pageErrors.filter((error) => error.includes('lanes probe self-check')).length, 1, 'the probe reports errors');
    lab.browser.pageErrors.length = 0;
    assert.equal(seen.isolated, true, 'served with COOP/COEP, the page is cross-origin isolated');
    assert.equal(seen.sharedArrayBuffer, pool, `SharedArrayBuffer ${pool ? 'exposed' : 'hidden'} in ${label}`);
    assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'true');
    const state = await poolState(page);
    // This spec is the profile's first visit: the lab service worker activates now, while the page starts its
    // workers, and must finish (in Firefox an activation that stayed "activating" failed the next navigation), and it
    // must control the page (the built-in endpoint is ready). Each poll gives up after 1 s, so a wedged registry
    // cannot stretch the wait.
    await page.waitForFunction(async () => {
      const registration = await Promise.race([navigator.serviceWorker.getRegistration(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
      return registration?.active?.state === 'activated';
    }, null, { timeout: 10_000 });
    await labReady(page);
    if (pool) {
      assert.deepEqual(state, { state: 'ready', threads: Math.min(seen.cores, MAX_THREADS) });
      assert.equal(await loadedSingleThreaded(page), false, 'the threaded build was loaded');
    } else {
      assert.equal(state.state, 'unavailable', 'no SharedArrayBuffer, so no pool');
      assert.equal(await loadedSingleThreaded(page), true, 'the single-threaded build was loaded');
      assert.match(await page.getByTestId('pool-state').textContent(), /\S/, 'the pool row gives a reason');
      // Pool mode is refused where the user looks, and Run stays disabled.
      await page.getByTestId('mode-pool').check();
      assert.equal(await page.getByTestId('run-button').isDisabled(), true);
      assert.match(await page.getByTestId('form-message').textContent(), /pool mode: this needs the rayon pool/);
      await page.getByTestId('mode-pool').uncheck();
    }
  });

  if (!pool) {
    // An isolated page without SharedArrayBuffer is not "not isolated": boot.js names the capability that is
    // missing, and the environment panel, the pool row and pool mode's refusal all give that reason.
    spec('the missing capability is SharedArrayBuffer, named as such (not a missing isolation)', async (page) => {
      await page.goto(`${lab.server.url}/`);
      await poolState(page);
      const capability = page.getByTestId('capability');
      assert.deepEqual([await capability.getAttribute('data-build'), await capability.getAttribute('data-missing')], ['single-threaded', 'shared-array-buffer']);
      assert.match(await capability.textContent(), /isolated, but this browser does not expose SharedArrayBuffer/);
      const pool = await page.getByTestId('pool-state').textContent();
      assert.match(pool, /SharedArrayBuffer/);
      for (const said of [await capability.textContent(), pool]) assert.doesNotMatch(said, /not cross-origin isolated/);
      assert.deepEqual(await page.evaluate(() => [window.lanesCapability?.build, window.lanesCapability?.missing]), ['single-threaded', 'shared-array-buffer']);
    });
  } else {
    spec('every boot check passed: the threaded build, and the panel says so', async (page) => {
      await page.goto(`${lab.server.url}/`);
      await poolState(page);
      const capability = page.getByTestId('capability');
      assert.deepEqual([await capability.getAttribute('data-build'), await capability.getAttribute('data-missing')], ['threaded', '']);
      assert.deepEqual(await page.evaluate(() => [window.lanesCapability?.build, window.lanesCapability?.missing]), ['threaded', null]);
      const reported = await page.evaluate(() => navigator.hardwareConcurrency);
      assert.equal(await page.getByTestId('env-threads').getAttribute('data-value'), String(reported));
    });
  }

  for (const { kernel, size, expected } of KERNELS) {
    spec(`${kernel}: ${modes.join(', ')} give the exact answer`, async (page) => {
      await page.goto(`${lab.server.url}/?kernel=${kernel}&n=${size}&modes=${modes.join(',')}&r=1&autorun=1`);
      const { threads } = await poolState(page);
      const rows = await resultRows(page, modes.length, 120_000);
      assert.deepEqual(rows.map((row) => row.mode), modes);
      for (const row of rows) {
        assert.equal(row.cancelled, 'false', `${row.mode} finished`);
        if (expected) assert.equal(row.result, expected, `${kernel} in ${row.mode} mode`);
        assertFreezeMeasured(row);
        if (row.mode === 'pool') {
          assert.ok(Number(row.threadsUsed) >= 1 && Number(row.threadsUsed) <= threads, `pool used ${row.threadsUsed} of ${threads} threads`);
        } else {
          assert.equal(row.threadsUsed, '1', `${row.mode} runs on one thread`);
        }
      }
      assert.equal(new Set(rows.map((row) => row.result)).size, 1, `one answer: ${rows.map((row) => row.result)}`);
      const agree = page.getByTestId('results-agree');
      assert.equal(await agree.getAttribute('data-agree'), 'true');
      assert.equal(await agree.getAttribute('data-modes'), String(modes.length));
      if (kernel === 'mandelbrot') assert.equal(await page.getByTestId('kernel-canvas').isVisible(), true);
    });
  }

  spec('the timeline draws every mode\'s tasks, and the JSON and CSV exports parse', async (page) => {
    const shown = modes.filter((mode) => mode !== 'main');
    await page.goto(`${lab.server.url}/?kernel=mandelbrot&n=200&modes=${shown.join(',')}&r=1&autorun=1`);
    await poolState(page);
    await resultRows(page, shown.length, 120_000);
    await page.getByTestId('timeline').waitFor();
    const tasks = (await timelineSpans(page)).filter((span) => /^task \d+$/.test(span.name));
    const bands = Math.ceil((200 * 3) / 4 / 8);
    const lanes = { worker: (lane) => lane === 'worker', pool: (lane) => lane.startsWith('pool-') };
    for (const mode of shown) {
      assert.equal(tasks.filter((span) => lanes[mode](span.lane)).length, bands, `${mode}: one span per band of 8 rows`);
    }
    const json = await captureDownload(page, 'export-json');
    assert.equal(json.name, 'lanes-report.json');
    const report = JSON.parse(json.text);
    assert.equal(report.schema, 'lanes-report');
    assert.equal(report.version, 2);
    assert.deepEqual(report.experiments.at(-1).modes.map((mode) => mode.mode), shown);
    const csv = (await captureDownload(page, 'export-csv')).text.trim().split('\n');
    assert.equal(csv[0], 'experiment,kind,mode,repeat,warmup,lane,name,start_ms,duration_ms');
    assert.ok(csv.length > bands, `a row per span: ${csv.length} lines`);
  });

  spec('I/O lab, the built-in endpoint: five 300 ms requests one by one vs all at once', async (page) => {
    await page.goto(`${lab.server.url}/?experiment=io&n=5&ms=300&modes=sequential,concurrent&autorun=1`);
    const { results, requests } = await ioRows(page, 2);
    const byMode = Object.fromEntries(results.map((row) => [row.mode, row]));
    assert.deepEqual(Object.keys(byMode), ['io-sequential', 'io-concurrent']);
    const sequential = Number(byMode['io-sequential'].wallMs);
    const concurrent = Number(byMode['io-concurrent'].wallMs);
    assert.ok(sequential >= 1500, `sequential waited for each request: ${sequential} ms`);
    assert.ok(concurrent >= 290, `concurrent waited for the slowest request: ${concurrent} ms`);
    assert.equal(byMode['io-sequential'].maxInFlight, '1');
    assert.equal(byMode['io-concurrent'].maxInFlight, '5');
    assert.equal(requests.length, 10);
    // Overlap, read from the requests' own spans rather than from how long the run took (a busy engine, compiling
    // the page's later module in the background, once stretched the concurrent run to half the sequential one's
    // time): all at once, every request starts before any ends; one by one, each starts after the one before ends.
    const spans = (mode) =>
      requests
        .filter((request) => request.mode === mode)
        .map((request) => ({ start: Number(request.startMs), end: Number(request.endMs) }))
        .sort((a, b) => a.start - b.start);
    const together = spans('io-concurrent');
    const oneByOne = spans('io-sequential');
    assert.deepEqual([together.length, oneByOne.length], [5, 5], 'five requests in each mode');
    assert.ok(Math.max(...together.map((span) => span.start)) < Math.min(...together.map((span) => span.end)),
      `all at once: every request started before any ended: ${JSON.stringify(together)}`);
    for (let i = 1; i < oneByOne.length; i += 1) {
      assert.ok(oneByOne[i].start >= oneByOne[i - 1].end, `one by one: request ${i} started after the one before ended: ${JSON.stringify(oneByOne)}`);
    }
    for (const request of requests) assert.equal(request.status, '200', JSON.stringify(request));
    for (const row of results) assertFreezeMeasured(row);
  });

  spec('Stop cuts a long worker job short, and the next run is not stopped', async (page) => {
    await page.goto(`${lab.server.url}/?kernel=sum-loop&n=2000000000&t=2&r=3&modes=worker`);
    await poolState(page);
    await page.getByTestId('run-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="form-message"]')?.textContent.includes('worker mode'), null, {
      timeout: 10_000,
    });
    await page.waitForTimeout(300);
    await page.getByTestId('cpu-stop').click();
    const [stopped] = await resultRows(page, 1, 30_000);
    assert.deepEqual([stopped.mode, stopped.cancelled], ['worker', 'true']);
    assert.ok(!stopped.result, `a stopped job has no answer, got ${stopped.result}`);
    // Without shared memory Stop terminates the worker and starts another: the message settles once it is back.
    await page.waitForFunction(() => /stopped/.test(document.querySelector('[data-testid="form-message"]')?.textContent), null, {
      timeout: 15_000,
    });
    await waitUntilIdle(page);
    await page.getByTestId('size-input').fill('1000000');
    await page.getByTestId('run-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="result-row"][data-mode="worker"]')?.dataset.cancelled === 'false', null, {
      timeout: 60_000,
    });
    const [again] = await resultRows(page, 1);
    assert.deepEqual([again.cancelled, again.result], ['false', String(3 * 1_000_000 * 2)]);
  });

  spec('a preset: the pipeline fetches and processes two items in every mode', async (page) => {
    await page.goto(`${lab.server.url}/?preset=pipeline`);
    await poolState(page);
    for (const [testId, value] of Object.entries({ 'preset-items': '2', 'preset-latency': '50', 'preset-work': '1000000' })) {
      await page.getByTestId(testId).fill(value);
    }
    await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]')?.disabled, null, { timeout: 30_000 });
    await page.getByTestId('preset-run').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="verdict"]') && !document.querySelector('[data-testid="preset-run"]').textContent.includes('Running'),
      null,
      { timeout: 60_000 },
    );
    // Item i is sum-loop over 1 000 000 + i: 3 000 000 and 3 000 003, in every mode.
    assert.deepEqual((await resultRows(page, 3)).map((row) => [row.mode, row.result]), [
      ['sequential', '2 items: 3000000 3000003'],
      ['fetch-then-process', '2 items: 3000000 3000003'],
      ['pipelined', '2 items: 3000000 3000003'],
    ]);
  });

  spec('a lesson runs from its URL and gives its measured answer', async (page) => {
    await page.goto(`${lab.server.url}/?lesson=concurrent&autorun=1`);
    assert.equal(await page.getByTestId('tab-lessons').getAttribute('aria-current'), 'page');
    await page.waitForFunction(() => document.querySelector('[data-testid="lesson-measured"]')?.dataset.measured === 'true', null, {
      timeout: 90_000,
    });
    assert.match(await page.getByTestId('lesson-measured').textContent(), /\d+(\.\d+)? ms/);
  });

  spec('no isolation (a host without COOP/COEP): the single-threaded build runs main and worker, refuses pool', async (page) => {
    const plain = await serveStatic(lab.dist.root, {});
    try {
      await page.goto(`${plain.url}/?coi=0&kernel=primes&n=2000000&modes=main,worker&r=1&autorun=1`);
      assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'false');
      assert.equal(await page.getByTestId('env-coi').getAttribute('data-state'), 'off');
      assert.equal((await poolState(page)).state, 'unavailable');
      assert.equal(await loadedSingleThreaded(page), true, 'the single-threaded build was loaded');
      assert.match(await page.getByTestId('pool-state').textContent(), /not cross-origin isolated.*worker mode works/s);
      const rows = await resultRows(page, 2, 120_000);
      assert.deepEqual(rows.map((row) => [row.mode, row.result, row.threadsUsed]), [['main', '148933', '1'], ['worker', '148933', '1']]);
      for (const row of rows) assertFreezeMeasured(row);
      await page.getByTestId('mode-pool').check();
      assert.equal(await page.getByTestId('run-button').isDisabled(), true);
      assert.match(await page.getByTestId('form-message').textContent(), /pool mode: this needs the rayon pool/);
    } finally {
      // Leave the isolated origin's page before the plain server goes.
      await page.goto('about:blank');
      await plain.close();
    }
  });
}
