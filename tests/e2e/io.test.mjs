// The I/O lab end to end: real fetches from headless Chromium to the service-worker latency endpoint and to a
// loopback HTTP/1.1 server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertFreezeMeasured,
  calibrated,
  showTab,
  assertOnlyRun,
  ioRows,
  openBrowser,
  serveStatic,
  startLoopback,
  waitUntilIdle,
} from './support.mjs';

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
  // The other experiments' messages are checked while the lab runs: let the start-up calibration end first.
  await calibrated(page);
  await showTab(page, 'io');
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
  assert.deepEqual(Object.keys(modes), ['io-sequential', 'io-concurrent', 'io-bounded']);
  // Lower bounds the latency sets (5 × 300 ms one after another, three waves of 300 ms), and how many were in
  // flight at once: one, all five, two.
  assert.ok(Number(modes['io-sequential'].wallMs) >= 1500, `sequential ${modes['io-sequential'].wallMs} ms`);
  assert.ok(Number(modes['io-bounded'].wallMs) >= 900, `bounded ${modes['io-bounded'].wallMs} ms`);
  assert.equal(modes['io-sequential'].maxInFlight, '1');
  assert.equal(modes['io-concurrent'].maxInFlight, '5');
  assert.equal(modes['io-bounded'].maxInFlight, '2');
  for (const row of results) assertFreezeMeasured(row);
  assert.equal(requests.length, 15);
  for (const request of requests) {
    assert.equal(request.status, '200', JSON.stringify(request));
    assert.ok(Number(request.endMs) - Number(request.startMs) >= 290, 'each request took its 300 ms');
  }
  // Sequential: each request starts after the one before it ended. Concurrent: all start before any ends.
  const of = (mode) => requests.filter((request) => request.mode === mode).sort((a, b) => Number(a.index) - Number(b.index));
  const sequential = of('io-sequential');
  for (let i = 1; i < sequential.length; i += 1) {
    assert.ok(Number(sequential[i].startMs) >= Number(sequential[i - 1].endMs) - 0.001, `sequential request ${i} waited for ${i - 1}`);
  }
  const concurrent = of('io-concurrent');
  const firstEnd = Math.min(...concurrent.map((request) => Number(request.endMs)));
  for (const request of concurrent) assert.ok(Number(request.startMs) < firstEnd, `concurrent request ${request.index} overlapped the others`);
  assert.equal(await page.getByTestId('results-agree').count(), 0, 'I/O rows count requests: nothing to agree on');
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
    for (const key of ['medianMs', 'minMs', 'maxMs']) assert.ok(row[key] !== undefined && Number.isFinite(Number(row[key])), key);
    assertFreezeMeasured(row);
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
  // The losers were aborted, not awaited: the race ended before their 2 s were up.
  const errors = requests.map((row) => row.error);
  assert.deepEqual(errors, ['aborted', '', 'aborted']);
  assert.deepEqual(requests.map((row) => row.status), ['error', '200', 'error']);
  assert.ok(Number(results[0].wallMs) < 2000, `the race waited for a loser: ${results[0].wallMs} ms`);
  assert.equal(results[0].succeeded, '1');
  browser.assertNoPageErrors();
});

test('Stop aborts every request of the running I/O lab, and the other experiments can start again', async () => {
  const page = await openLab();
  await configure(page, { targets: ['/lab/delay?ms=5000'], count: 4, modes: ['concurrent'] });
  await page.getByTestId('io-run').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="request-row"][data-status="pending"]').length === 4, null, {
    timeout: 10_000,
  });
  // One run at a time: the CPU experiment refuses to start, and its Stop is not this run's.
  await assertOnlyRun(page, 'io', /I\/O lab/);
  await page.getByTestId('io-stop').click();
  await waitUntilIdle(page);
  // Every fetch was cut short by Stop (the server would have answered 200 after 5 s): aborted, none pending.
  const requests = await page.$$eval('[data-testid="request-row"]', (rows) => rows.map((row) => ({ ...row.dataset })));
  assert.deepEqual(requests.map((row) => [row.status, row.error]), Array(4).fill(['error', 'aborted']));
  assert.match(await page.getByTestId('io-message').textContent(), /stopped: unfinished requests were aborted/);
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
