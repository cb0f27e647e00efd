// Soak: 1 000 consecutive small runs of mixed kinds in one tab — CPU runs in main, worker and pool modes and I/O
// runs against the latency endpoint — with no page error, and the pool still answering at the end. Prints the
// page's wasm memory and JS heap at the start and the end (reported, not asserted: tests never check speed or
// size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertFreezeMeasured, labReady, poolState, showTab, useLab } from './support.mjs';

const RUNS = Number(process.env.LANES_SOAK_RUNS ?? 1000);

const lab = useLab();

const MiB = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

async function footprint(page) {
  return page.evaluate(() => ({
    wasm: window.wasmBindings.wasmMemoryBytes(),
    heap: performance.memory?.usedJSHeapSize ?? 0,
    nodes: document.getElementsByTagName('*').length,
  }));
}

// Clicks `run` and waits until the run is over (its button enabled again), bounded.
async function runOnce(page, run, timeout = 30_000) {
  await page.getByTestId(run).click();
  await page.waitForFunction(
    (id) => {
      const button = document.querySelector(`[data-testid="${id}"]`);
      return button && !button.disabled && !button.textContent.includes('Running');
    },
    run,
    { timeout },
  );
}

test(`${RUNS} mixed runs in one tab: no page error, the pool still answers`, { timeout: 30 * 60_000 }, async (t) => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?kernel=primes&n=20000&r=1&modes=main`);
  const { state, threads } = await poolState(page);
  assert.equal(state, 'ready');
  await labReady(page);
  await showTab(page, 'io');
  await page.getByTestId('io-targets').fill('/lab/delay?ms=1&bytes=64');
  await page.getByTestId('io-count').fill('3');
  for (const mode of ['single', 'sequential', 'concurrent', 'bounded', 'race']) {
    await page.getByTestId(`io-mode-${mode}`).setChecked(mode === 'concurrent');
  }
  await showTab(page, 'cpu');
  const start = await footprint(page);
  const modes = ['main', 'worker', 'pool'];
  const kernels = [['primes', '20000'], ['sum-loop', '10000'], ['chunked-sum', '4'], ['mandelbrot', '32']];
  // What the form shows now (the permalink's primes, size 20000, main alone): each run changes only what differs,
  // as a user would, so the soak's time goes to runs rather than to clicks that change nothing.
  let shown = { kernel: 'primes', size: '20000', mode: 'main' };
  const startedAt = Date.now();
  for (let run = 0; run < RUNS; run += 1) {
    if (run % 5 === 4) {
      // Each experiment is run from its own tab, as a user would; the tab switch is part of the soak.
      await showTab(page, 'io');
      await runOnce(page, 'io-run');
      await showTab(page, 'cpu');
      continue;
    }
    const mode = modes[run % modes.length];
    const [kernel, size] = kernels[Math.floor(run / 3) % kernels.length];
    if (kernel !== shown.kernel) await page.getByTestId('kernel-select').selectOption(kernel);
    if (kernel !== shown.kernel || size !== shown.size) await page.getByTestId('size-input').fill(size);
    if (mode !== shown.mode) {
      await page.getByTestId(`mode-${mode}`).setChecked(true);
      await page.getByTestId(`mode-${shown.mode}`).setChecked(false);
    }
    shown = { kernel, size, mode };
    await runOnce(page, 'run-button');
  }
  const seconds = (Date.now() - startedAt) / 1000;
  lab.browser.assertNoPageErrors();
  // The pool still answers, with the right result.
  await page.getByTestId('kernel-select').selectOption('primes');
  await page.getByTestId('size-input').fill('2000000');
  for (const other of modes) await page.getByTestId(`mode-${other}`).setChecked(other === 'pool');
  await runOnce(page, 'run-button');
  const pool = await page.locator('[data-testid="result-row"][data-mode="pool"]').evaluate((row) => ({ ...row.dataset }));
  assert.equal(pool.result, '148933');
  assert.equal(pool.cancelled, 'false');
  // Four sieve segments of a millisecond or so: at least one thread, never more than the pool or the tasks have.
  const used = Number(pool.threadsUsed);
  assert.ok(used >= 1 && used <= Math.min(threads, 4), `pool used ${pool.threadsUsed} of ${threads} threads`);
  assertFreezeMeasured(pool);
  // The history keeps the last 50 runs and counts the rest, so the tab's memory stays bounded.
  assert.equal(await page.getByTestId('history-row').count(), 50);
  assert.equal(Number(await page.getByTestId('history-dropped').getAttribute('data-count')), RUNS + 1 - 50);
  const end = await footprint(page);
  t.diagnostic(
    `${RUNS} runs in ${seconds.toFixed(0)} s; page wasm memory ${MiB(start.wasm)} → ${MiB(end.wasm)}, ` +
      `JS heap ${MiB(start.heap)} → ${MiB(end.heap)}, DOM elements ${start.nodes} → ${end.nodes}`,
  );
  lab.browser.assertNoPageErrors();
});
