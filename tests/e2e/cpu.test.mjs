// The CPU experiment end to end: the release build, served with cross-origin isolation, in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolState, resultRows, useLab } from './support.mjs';

const lab = useLab();

test('the page is isolated and the pool starts with hardwareConcurrency threads', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  assert.equal(await page.getByTestId('env-isolated').getAttribute('data-value'), 'true');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(Number(await page.getByTestId('env-threads').getAttribute('data-value')), cores);
  assert.deepEqual(await poolState(page), { state: 'ready', threads: cores });
  lab.browser.assertNoPageErrors();
});

test('a permalink with autorun runs primes in every mode with one answer', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?kernel=primes&n=2000000&modes=main,worker,pool&autorun=1`);
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['main', 'worker', 'pool']);
  for (const row of rows) {
    assert.equal(row.result, '148933', `primes below 2 000 000 in ${row.mode} mode`);
    assert.ok(Number(row.wallMs) > 0, `${row.mode} took time`);
  }
  assert.equal(await page.getByTestId('kernel-select').inputValue(), 'primes');
  assert.equal(await page.getByTestId('size-input').inputValue(), '2000000');
  lab.browser.assertNoPageErrors();
});

// Sizes large enough that every pool thread gets work (tiny tasks can all land on one thread).
const KERNELS = [
  { kernel: 'sum-loop', size: '30000000', expected: String(3 * 30_000_000 * 2) },
  { kernel: 'chunked-sum', size: '24' },
  { kernel: 'primes', size: '20000000', expected: '1270607' },
  { kernel: 'mandelbrot', size: '480' },
];

for (const { kernel, size, expected } of KERNELS) {
  test(`${kernel}: main, worker and pool agree and the pool uses several threads`, async () => {
    const { page } = lab.browser;
    await page.goto(`${lab.server.url}/`);
    const { threads } = await poolState(page);
    await page.getByTestId('kernel-select').selectOption(kernel);
    await page.getByTestId('size-input').fill(size);
    for (const mode of ['main', 'worker', 'pool']) await page.getByTestId(`mode-${mode}`).check();
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 3);
    assert.deepEqual(rows.map((row) => row.mode), ['main', 'worker', 'pool']);
    const results = new Set(rows.map((row) => row.result));
    assert.equal(results.size, 1, `one answer across modes, got ${[...results]}`);
    if (expected) assert.equal(rows[0].result, expected);
    assert.equal(await page.getByTestId('results-agree').getAttribute('data-agree'), 'true');
    const pool = rows.find((row) => row.mode === 'pool');
    assert.ok(Number(pool.threadsUsed) >= Math.min(2, threads), `pool used ${pool.threadsUsed} threads`);
    assert.equal(rows.find((row) => row.mode === 'worker').threadsUsed, '1');
    if (kernel === 'mandelbrot') assert.equal(await page.getByTestId('kernel-canvas').isVisible(), true);
    lab.browser.assertNoPageErrors();
  });
}

test('bad sizes are explained where the user looks and Run stays disabled', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  await poolState(page);
  const input = page.getByTestId('size-input');
  const message = page.getByTestId('form-message');
  for (const [typed, says] of [
    ['', 'whole number'],
    ['abc', 'not a number'],
    ['-5', 'negative'],
    ['1e30', 'too large'],
    ['5000000000', 'outside'],
  ]) {
    await input.fill(typed);
    assert.equal(await page.getByTestId('run-button').isDisabled(), true, `Run disabled for “${typed}”`);
    assert.match(await message.textContent(), new RegExp(says), `message for “${typed}”`);
  }
  await input.fill('1000');
  assert.equal(await page.getByTestId('run-button').isDisabled(), false);
  lab.browser.assertNoPageErrors();
});

test('malformed permalinks fall back to defaults with a visible note', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?kernel=%3Cimg%20src=x%20onerror=alert(1)%3E&n=-1&modes=warp`);
  const notes = await page.getByTestId('url-notes').textContent();
  assert.match(notes, /unknown kernel/);
  assert.match(notes, /unknown mode/);
  assert.equal(await page.locator('img').count(), 0, 'nothing from the URL is rendered as HTML');
  assert.equal(await page.getByTestId('kernel-select').inputValue(), 'primes');
  lab.browser.assertNoPageErrors();
});

test('Stop ends a running job within 100 ms, keeps what finished and marks the stopped run', async (t) => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?kernel=sum-loop&n=2000000000&t=2&r=3&modes=worker,pool`);
  await poolState(page);
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="form-message"]')?.textContent.includes('worker mode'));
  // Let the job get going inside the compute worker before stopping it.
  await page.waitForTimeout(300);
  const idleAfterMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const stoppedAt = performance.now();
        document.querySelector('[data-testid="cpu-stop"]').click();
        const check = () => {
          if (!document.querySelector('[data-testid="run-button"]').textContent.includes('Running')) {
            resolve(performance.now() - stoppedAt);
          } else if (performance.now() - stoppedAt > 5000) resolve(Infinity);
          else requestAnimationFrame(check);
        };
        check();
      }),
  );
  t.diagnostic(`idle ${idleAfterMs.toFixed(1)} ms after Stop`);
  assert.ok(idleAfterMs <= 100, `idle after ${idleAfterMs} ms`);
  const rows = await resultRows(page, 1);
  assert.deepEqual(rows.map((row) => row.mode), ['worker'], 'the pool mode never started');
  assert.equal(rows[0].cancelled, 'true');
  assert.match(await page.getByTestId('results').textContent(), /stopped after 0 of 2 tasks/);
  assert.match(await page.getByTestId('form-message').textContent(), /stopped/);
  // The stopped run is drawn, and the next run is not stopped by the old flag.
  assert.ok(await page.locator('[data-testid="timeline"] [data-lane="worker"]').count() > 0);
  await page.getByTestId('size-input').fill('1000000');
  await page.getByTestId('run-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="result-row"][data-mode="pool"]'));
  const again = await resultRows(page, 2);
  for (const row of again) {
    assert.equal(row.cancelled, 'false');
    assert.equal(row.result, String(3 * 1_000_000 * 2));
  }
  lab.browser.assertNoPageErrors();
});

test('the default Run teaches the lesson: a calibrated size, and the pool beats one worker', async (t) => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  const { threads } = await poolState(page);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="size-estimate"]')?.dataset.calibration === 'done',
    null,
    { timeout: 30_000 },
  );
  const estimate = page.getByTestId('size-estimate');
  const size = await page.getByTestId('size-input').inputValue();
  const estimateMs = Number(await estimate.getAttribute('data-estimate-ms'));
  t.diagnostic(`default primes n = ${size}: ${await estimate.textContent()} [${await estimate.getAttribute('title')}]`);
  assert.equal(await page.getByTestId('kernel-select').inputValue(), 'primes');
  assert.notEqual(size, '10000000', 'the calibrated default replaced the static one');
  assert.match(await estimate.textContent(), /on one thread here/);
  assert.ok(estimateMs >= 500 && estimateMs <= 1000, `the default is meant to take about 0.7 s, estimated ${estimateMs} ms`);
  for (const mode of ['main', 'worker', 'pool']) await page.getByTestId(`mode-${mode}`).setChecked(mode !== 'main');
  // The lesson, not a budget: with two or more threads the pool's median is clearly below one worker's. Other
  // processes on a shared machine can take a core from any one Run, so the lesson may take up to three Runs.
  const runs = [];
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await page.getByTestId('run-button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-button"]')?.textContent.includes('Running'));
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => row.mode), ['worker', 'pool']);
    assert.equal(await page.getByTestId('results-agree').getAttribute('data-agree'), 'true');
    const wall = (mode) => Number(rows.find((row) => row.mode === mode).wallMs);
    runs.push({ worker: wall('worker'), pool: wall('pool') });
    t.diagnostic(`Run ${attempt}: median wall worker ${wall('worker').toFixed(0)} ms, pool ${wall('pool').toFixed(0)} ms on ${threads} threads`);
    if (threads < 2 || wall('pool') <= 0.8 * wall('worker')) break;
  }
  if (threads >= 2) {
    assert.ok(runs.some((run) => run.pool <= 0.8 * run.worker), `pool vs worker: ${JSON.stringify(runs)}`);
  }
  lab.browser.assertNoPageErrors();
});
