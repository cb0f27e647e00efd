// The I/O lab end to end: real fetches from headless Chromium to the service-worker latency endpoint and to a
// loopback HTTP/1.1 server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ioRows, openBrowser, serveStatic, startLoopback } from './support.mjs';

let server;
let loopback;
let browser;

before(async () => {
  server = await serveStatic();
  loopback = await startLoopback();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await loopback?.close();
  await server?.close();
});

const byMode = (results) => Object.fromEntries(results.map((row) => [row.mode, row]));

async function openLab(query = '') {
  const { page } = browser;
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-state"]')?.dataset.state === 'ready', null, {
    timeout: 20_000,
  });
  return page;
}

async function configure(page, { targets, count, limit, modes, timeout }) {
  if (targets) await page.getByTestId('io-targets').fill(targets.join('\n'));
  if (count) await page.getByTestId('io-count').fill(String(count));
  if (limit) await page.getByTestId('io-limit').fill(String(limit));
  if (timeout) await page.getByTestId('io-timeout').fill(String(timeout));
  for (const mode of ['single', 'sequential', 'concurrent', 'bounded', 'race']) {
    await page.getByTestId(`io-mode-${mode}`).setChecked(modes.includes(mode));
  }
}

test('latency endpoint, N=5 at 300 ms: sequential waits, concurrent overlaps, bounded k=2 in three waves', async () => {
  const page = await openLab();
  await configure(page, { targets: ['/lab/delay?ms=300&bytes=1024'], count: 5, limit: 2, modes: ['sequential', 'concurrent', 'bounded'] });
  await page.getByTestId('io-run').click();
  const { results, requests } = await ioRows(page, 3);
  const modes = byMode(results);
  assert.ok(Number(modes['io-sequential'].wallMs) >= 1500, `sequential ${modes['io-sequential'].wallMs} ms`);
  assert.ok(Number(modes['io-concurrent'].wallMs) < 600, `concurrent ${modes['io-concurrent'].wallMs} ms`);
  assert.ok(Number(modes['io-bounded'].wallMs) >= 900, `bounded ${modes['io-bounded'].wallMs} ms`);
  assert.equal(modes['io-bounded'].maxInFlight, '2');
  assert.equal(requests.length, 15);
  for (const request of requests) {
    assert.equal(request.status, '200', JSON.stringify(request));
    assert.ok(Number(request.endMs) - Number(request.startMs) >= 290, 'each request took its 300 ms');
  }
  browser.assertNoPageErrors();
});

test('the permalink from the issue runs sequential and concurrent', async () => {
  const page = await openLab('?experiment=io&n=5&ms=300&modes=sequential,concurrent&autorun=1');
  const { results, requests } = await ioRows(page, 2);
  assert.deepEqual(results.map((row) => row.mode), ['io-sequential', 'io-concurrent']);
  assert.equal(requests.length, 10);
  assert.equal(await page.getByTestId('io-count').inputValue(), '5');
  browser.assertNoPageErrors();
});

test('a mix of good and failing targets completes, each error on its own request', async () => {
  const page = await openLab();
  const refused = 'http://127.0.0.1:9/refused';
  await configure(page, {
    targets: [
      '/lab/delay?ms=50',
      '/lab/delay?ms=50&status=404',
      `${loopback.url}/delay?ms=5000`,
      refused,
      `${loopback.url}/delay?ms=20&status=503`,
      'http://[::1',
      `${loopback.url}/delay?ms=10&cors=0`,
    ],
    count: 7,
    timeout: 1000,
    modes: ['concurrent'],
  });
  await page.getByTestId('io-run').click();
  const { results, requests } = await ioRows(page, 1);
  const byIndex = Object.fromEntries(requests.map((row) => [row.index, row]));
  assert.deepEqual([byIndex[0].status, byIndex[0].error], ['200', '']);
  assert.deepEqual([byIndex[1].status, byIndex[1].error], ['error', 'http']);
  assert.deepEqual([byIndex[2].status, byIndex[2].error], ['error', 'timeout']);
  assert.deepEqual([byIndex[3].status, byIndex[3].error], ['error', 'network']);
  assert.deepEqual([byIndex[4].status, byIndex[4].error], ['error', 'http']);
  assert.deepEqual([byIndex[5].status, byIndex[5].error], ['error', 'invalid-url']);
  assert.deepEqual([byIndex[6].status, byIndex[6].error], ['error', 'network'], 'blocked by CORS');
  assert.deepEqual([results[0].succeeded, results[0].failed], ['1', '6']);
  for (const row of results) {
    for (const key of ['medianMs', 'minMs', 'maxMs', 'frameGapMs', 'frozenMs']) assert.ok(Number.isFinite(Number(row[key])), key);
  }
  browser.assertNoPageErrors();
});

test('hostile schemes are refused before anything is fetched', async () => {
  const page = await openLab();
  for (const target of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd']) {
    await page.getByTestId('io-targets').fill(target);
    assert.equal(await page.getByTestId('io-run').isDisabled(), true, target);
    assert.match(await page.getByTestId('io-message').textContent(), /not allowed/);
  }
  browser.assertNoPageErrors();
});

test('race: the first success wins and the others are aborted', async () => {
  const page = await openLab();
  await configure(page, {
    targets: ['/lab/delay?ms=2000', '/lab/delay?ms=100', '/lab/delay?ms=2000'],
    count: 3,
    modes: ['race'],
  });
  await page.getByTestId('io-run').click();
  const { results, requests } = await ioRows(page, 1);
  assert.ok(Number(results[0].wallMs) < 1000, `race took ${results[0].wallMs} ms`);
  const errors = requests.map((row) => row.error);
  assert.deepEqual(errors, ['aborted', '', 'aborted']);
  browser.assertNoPageErrors();
});

test('Stop aborts every request and the lab is idle again within 100 ms', async () => {
  const page = await openLab();
  await configure(page, { targets: ['/lab/delay?ms=5000'], count: 4, modes: ['concurrent'] });
  await page.getByTestId('io-run').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="request-row"][data-status="pending"]').length === 4);
  const idleAfterMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const stoppedAt = performance.now();
        document.querySelector('[data-testid="io-stop"]').click();
        const check = () => {
          const idle = !document.querySelector('[data-testid="io-run"]').disabled &&
            document.querySelectorAll('[data-testid="request-row"][data-status="pending"]').length === 0;
          if (idle) resolve(performance.now() - stoppedAt);
          else if (performance.now() - stoppedAt > 2000) resolve(Infinity);
          else requestAnimationFrame(check);
        };
        check();
      }),
  );
  assert.ok(idleAfterMs <= 100, `idle after ${idleAfterMs} ms`);
  const requests = await page.$$eval('[data-testid="request-row"]', (rows) => rows.map((row) => row.dataset.error));
  assert.deepEqual(requests, ['aborted', 'aborted', 'aborted', 'aborted']);
  browser.assertNoPageErrors();
});

test('loopback HTTP/1.1, N=12 concurrent: six connections per host show as two waves, and the page says why', async () => {
  const page = await openLab();
  await configure(page, { targets: [`${loopback.url}/delay?ms=400`], count: 12, modes: ['concurrent'] });
  await page.getByTestId('io-run').click();
  const { results } = await ioRows(page, 1);
  assert.equal(results[0].succeeded, '12');
  assert.equal(results[0].waves, '2');
  assert.ok(Number(results[0].wallMs) >= 800, `two waves of 400 ms, got ${results[0].wallMs}`);
  assert.match(await page.getByTestId('io-note').textContent(), /6 connections per host/);
  browser.assertNoPageErrors();
});
