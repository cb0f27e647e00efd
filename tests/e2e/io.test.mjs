// The I/O lab end to end: real fetches from headless Chromium to the service-worker latency endpoint and to a
// loopback HTTP/1.1 server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertFreezeMeasured,
  assertOnlyRun,
  calibrated,
  download,
  ioRows,
  labReady,
  openBrowser,
  serveStatic,
  showTab,
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
  await labReady(page);
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

/** The I/O lab's permalink for `count` concurrent requests to `target`, run at once. */
const concurrentAt = (target, count) =>
  `?experiment=io&n=${count}&modes=concurrent&target=${encodeURIComponent(target)}&autorun=1`;

test('loopback HTTP/1.1, N=12 concurrent: each request says its protocol and its wait, the page counts the connections and names the wave', async () => {
  const page = await openLab(concurrentAt(`${loopback.url}/delay?ms=400`, 12));
  const { results, requests } = await ioRows(page, 1);
  assert.equal(results[0].succeeded, '12');
  assert.equal(results[0].waves, '2');
  assert.ok(Number(results[0].wallMs) >= 800, `two waves of 400 ms, got ${results[0].wallMs}`);
  // Every row says how it went over the network and how long it waited for a connection (Resource Timing; the
  // loopback server sends Timing-Allow-Origin).
  assert.equal(requests.length, 12);
  for (const request of requests) {
    assert.equal(request.protocol, 'http/1.1', JSON.stringify(request));
    assert.ok(request.queuedMs !== undefined && Number(request.queuedMs) >= 0, JSON.stringify(request));
  }
  // A wave: some were sent at once, the others waited for one of their connections — about one delay.
  const queued = requests.map((request) => Number(request.queuedMs));
  const sent = queued.filter((ms) => ms < 50).length;
  const waited = queued.filter((ms) => ms >= 100).length;
  assert.ok(sent >= 1 && waited >= 1, `waits ${queued.join(', ')}`);
  assert.equal(sent + waited, 12, `every wait is either about 0 or about a delay: ${queued.join(', ')}`);
  // The page's sentence counts the same connections from the same rows, in the lab's note and in the verdict.
  const note = await page.getByTestId('io-note').textContent();
  const counted = note.match(/(\d+) requests to one HTTP\/1\.1 origin \(([^)]*)\): (\d+) were sent at once, the other (\d+) waited a median (\d+) ms(?: \(\d+–\d+ ms\))? for a free connection/);
  assert.ok(counted, note);
  assert.deepEqual([counted[1], counted[2], counted[3], counted[4]].map(String), ['12', loopback.url, String(sent), String(waited)], `${note}\nwaits: ${queued.join(', ')}`);
  assert.match(note, /the browser's limit of connections per origin/);
  assert.doesNotMatch(note, /inferred/);
  const verdict = await page.getByTestId('verdict').textContent();
  assert.match(verdict, /\d+ were sent at once, the other \d+ waited a median \d+ ms(?: \(\d+–\d+ ms\))? for a free connection/);
  // The visible cells say the same.
  const cells = await page.$$eval('[data-testid="request-row"]', (rows) =>
    rows.map((row) => [row.querySelector('[data-testid="request-protocol"]').textContent, row.querySelector('[data-testid="request-wait"]').textContent]));
  for (const [protocol, wait] of cells) {
    assert.equal(protocol, 'http/1.1', JSON.stringify(cells));
    assert.match(wait, /^\d+ ms$/, JSON.stringify(cells));
  }
  // The timeline draws each wait over the start of its request's span: the waiting requests' lanes, and only
  // theirs, have a wait of about the delay.
  const waits = await page.$$eval('[data-testid="wait"]', (rects) => rects.map((rect) => ({ ...rect.dataset })));
  const waitingLanes = requests.filter((request) => Number(request.queuedMs) >= 100).map((request) => `request-${request.index}`).sort();
  assert.deepEqual(waits.filter((wait) => Number(wait.durMs) >= 100).map((wait) => wait.lane).sort(), waitingLanes, JSON.stringify(waits));
  for (const wait of waits) {
    const row = requests.find((request) => `request-${request.index}` === wait.lane);
    assert.ok(Math.abs(Number(wait.durMs) - Number(row.queuedMs)) < 0.01, `${wait.lane}: the drawn wait is the row's`);
  }
  // The export carries each request's protocol and wait.
  const exported = JSON.parse(await download(page, 'export-json'));
  const repeat = exported.experiments.at(-1).modes[0].repeats[0];
  assert.equal(repeat.requests.length, 12);
  for (const request of repeat.requests) {
    assert.equal(request.protocol, 'http/1.1');
    assert.equal(typeof request.queued_ms, 'number');
  }
  browser.assertNoPageErrors();
});

test('a cross-origin server without Timing-Allow-Origin: protocol and wait are "not measured", the wave is only inferred', async () => {
  const page = await openLab(concurrentAt(`${loopback.url}/delay?ms=300&tao=0`, 12));
  const { results, requests } = await ioRows(page, 1);
  assert.equal(results[0].succeeded, '12');
  for (const request of requests) {
    assert.equal(request.protocol, undefined, `no data-protocol where the browser hid it: ${JSON.stringify(request)}`);
    assert.equal(request.queuedMs, undefined, `no data-queued-ms, never a default 0: ${JSON.stringify(request)}`);
  }
  const cells = await page.$$eval('[data-testid="request-row"]', (rows) =>
    rows.map((row) => [row.querySelector('[data-testid="request-protocol"]').textContent, row.querySelector('[data-testid="request-wait"]').textContent]));
  assert.deepEqual([...new Set(cells.map(String))], ['not measured,not measured']);
  assert.match(await page.getByTestId('io-note').textContent(), /came back in 2 waves.*inferred from the arrivals/s);
  assert.equal(await page.getByTestId('wait').count(), 0, 'no wait is drawn where none was measured');
  browser.assertNoPageErrors();
});

test('the built-in endpoint: a service worker answers, 12 at once, no request waits and no wave is claimed', async () => {
  const page = await openLab(concurrentAt('/lab/delay?ms=300&bytes=1024', 12));
  const { results, requests } = await ioRows(page, 1);
  assert.equal(results[0].succeeded, '12');
  assert.equal(results[0].waves, '0', 'nothing went over the network');
  for (const request of requests) {
    assert.equal(request.protocol, undefined, `a service worker's response has no protocol: ${JSON.stringify(request)}`);
    assert.ok(request.queuedMs !== undefined && Number(request.queuedMs) < 50, `no wait: ${JSON.stringify(request)}`);
  }
  const protocols = await page.$$eval('[data-testid="request-protocol"]', (cells) => [...new Set(cells.map((cell) => cell.textContent))]);
  assert.deepEqual(protocols, ['service worker']);
  assert.equal(await page.getByTestId('io-note').count(), 0);
  assert.doesNotMatch(await page.getByTestId('verdict').textContent(), /sent at once|connections per/);
  browser.assertNoPageErrors();
});
