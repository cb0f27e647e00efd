// The connections preset end to end: N = 3, 6, 12, 24 requests at once at a loopback HTTP/1.1 server and at the
// built-in endpoint, by URL; the endpoint missing, a bad endpoint, and Stop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrated,
  download,
  openBrowser,
  resultRows,
  serveStatic,
  startLoopback,
  timelineSpans,
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

const COUNTS = [3, 6, 12, 24];

/** Waits until the preset's run is over and its verdict is shown. */
const finished = (page, timeout = 120_000) =>
  page.waitForFunction(() => {
    const button = document.querySelector('[data-testid="preset-run"]');
    return button && !button.textContent.includes('Running') && !button.disabled && document.querySelector('[data-testid="verdict"]');
  }, null, { timeout });

const permalink = (origin, extra = '') => `${server.url}/?preset=connections&origin=${encodeURIComponent(origin)}${extra}`;

test('connections by URL: a row, a point and the requests of every N at both targets; the HTTP/1.1 origin queues, the built-in endpoint does not', async () => {
  const { page } = browser;
  await page.goto(permalink(`${loopback.url}/delay`, '&autorun=1'));
  await finished(page);
  assert.equal(await page.getByTestId('preset-origin').inputValue(), `${loopback.url}/delay`);
  assert.equal(await page.getByTestId('preset-delay').inputValue(), '300');
  const ids = COUNTS.flatMap((count) => [`http1-${count}`, `builtin-${count}`]);
  const rows = await resultRows(page, ids.length);
  assert.deepEqual(rows.map((row) => row.mode), ids);
  for (const row of rows) {
    assert.equal(row.error, undefined, JSON.stringify(row));
    assert.ok(Number(row.wallMs) >= 290, `${row.mode}: every request is held 300 ms (${row.wallMs})`);
  }
  assert.equal(await page.getByTestId('results-agree').count(), 0, 'rows count requests: nothing to agree on');
  const points = await page.$$eval('[data-testid="connections-point"]', (circles) => circles.map((circle) => ({ ...circle.dataset })));
  assert.deepEqual(points.map((point) => `${point.target}-${point.requests}`), ids, 'a point per (target, N), in run order');
  const table = await page.$$eval('[data-testid="connections-row"]', (trs) => trs.map((tr) => ({ ...tr.dataset })));
  assert.deepEqual(table.map((row) => `${row.target}-${row.requests}`), ids);
  for (const row of table) {
    assert.ok(row.medianWaitMs !== undefined, `${row.target}-${row.requests}: its waits were measured`);
    assert.equal(row.wallMs, points.find((point) => point.target === row.target && point.requests === row.requests).wallMs);
  }

  // The requests themselves, from the export: protocol and wait per request.
  const exported = JSON.parse(await download(page, 'export-json'));
  const report = exported.experiments.at(-1);
  assert.equal(report.kind, 'connections');
  assert.equal(exported.version, 2, 'the requests are an additive field');
  const requestsOf = (mode) => report.modes.find((entry) => entry.mode === mode).repeats[0].requests;
  for (const count of COUNTS) {
    const http1 = requestsOf(`http1-${count}`);
    const builtIn = requestsOf(`builtin-${count}`);
    assert.equal(http1.length, count);
    assert.equal(builtIn.length, count);
    for (const request of http1) {
      assert.equal(request.protocol, 'http/1.1', JSON.stringify(request));
      assert.equal(request.lab, false);
    }
    for (const request of builtIn) {
      assert.equal(request.protocol, null, `a service worker's response has no protocol: ${JSON.stringify(request)}`);
      assert.equal(request.lab, true);
      assert.ok(request.queued_ms < 50, `built-in N=${count}: no connection to wait for (${request.queued_ms} ms)`);
    }
  }
  // 24 requests at once to one HTTP/1.1 origin: some were sent at once, the others waited about a delay or more.
  const waits = requestsOf('http1-24').map((request) => request.queued_ms);
  const sent = waits.filter((ms) => ms < 50).length;
  assert.ok(sent >= 1 && waits.some((ms) => ms >= 100), `waits at N=24: ${waits.map(Math.round).join(', ')}`);

  // The verdict counts the connections from the same requests.
  const verdict = await page.getByTestId('verdict').textContent();
  const at24 = verdict.match(/N = 24: the HTTP\/1\.1 origin took \d+ ms, the built-in endpoint \d+ ms.*?; at the origin (\d+) requests were sent at once and the other (\d+) waited a median (\d+) ms for a free connection/);
  assert.ok(at24, verdict);
  // The page's cut is a quarter of the requests' median time after sending (about 75 ms here); the count is compared
  // only when no wait falls between 20 and 100 ms, where this test's cut and the page's could disagree.
  if (!waits.some((ms) => ms >= 20 && ms < 100)) {
    assert.equal(Number(at24[1]), sent, 'the connections counted are the requests that did not wait');
  }
  assert.equal(Number(at24[1]) + Number(at24[2]), 24);
  assert.match(verdict, /requests to the HTTP\/1\.1 origin waited for a connection.*the browser opened at most \d+ at once \(counted from the requests that did not wait\)/s);
  assert.match(verdict, /none of its requests waited/);

  // The timeline draws the waits of the shown repeats.
  const drawn = await page.$$eval('[data-testid="wait"]', (rects) => rects.map((rect) => Number(rect.dataset.durMs)));
  assert.ok(drawn.some((ms) => ms >= 100), `waits drawn: ${drawn.map(Math.round).join(', ')}`);
  assert.ok((await timelineSpans(page)).some((span) => span.lane === 'request-23'));
  browser.assertNoPageErrors();
});

test('no HTTP/1.1 endpoint: that half says "not measured" and the built-in half still runs', async () => {
  const { page } = browser;
  const nowhere = 'http://127.0.0.1:9/delay';
  await page.goto(permalink(nowhere, '&ms=50&autorun=1'));
  await finished(page);
  assert.match(await page.getByTestId('connections-missing').textContent(), /^Not measured: no HTTP\/1\.1 endpoint at http:\/\/127\.0\.0\.1:9\/delay \(network error/);
  const rows = await resultRows(page, COUNTS.length);
  assert.deepEqual(rows.map((row) => row.mode), COUNTS.map((count) => `builtin-${count}`));
  const verdict = await page.getByTestId('verdict').textContent();
  assert.match(verdict, /Not measured: no HTTP\/1\.1 endpoint at http:\/\/127\.0\.0\.1:9\/delay/);
  assert.doesNotMatch(verdict, /sent at once|the browser opened/);
  browser.assertNoPageErrors();
});

test('a bad endpoint is refused with the reason under the field, and a good one is accepted', async () => {
  const { page } = browser;
  await page.goto(permalink('javascript:alert(1)'));
  await calibrated(page);
  assert.equal(await page.getByTestId('preset-origin').inputValue(), 'javascript:alert(1)', 'the URL\'s text, shown as text');
  assert.match(await page.getByTestId('preset-message').textContent(), /^HTTP\/1\.1 endpoint: .*javascript: scheme is not allowed/);
  assert.equal(await page.getByTestId('preset-run').isDisabled(), true);
  await page.getByTestId('preset-origin').fill('/delay');
  assert.match(await page.getByTestId('preset-message').textContent(), /not an absolute http:\/\/ or https:\/\/ URL/);
  await page.getByTestId('preset-origin').fill(`${loopback.url}/delay`);
  await page.getByTestId('preset-delay').fill('-1');
  assert.match(await page.getByTestId('preset-message').textContent(), /^delay: /);
  await page.getByTestId('preset-delay').fill('10');
  await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]').disabled, null, { timeout: 30_000 });
  assert.equal(await page.getByTestId('preset-message').textContent(), '');
  browser.assertNoPageErrors();
});

test('Stop ends the connections preset mid-run and keeps what finished', async () => {
  const { page } = browser;
  await page.goto(permalink(`${loopback.url}/delay`, '&ms=3000'));
  await waitUntilIdle(page);
  await page.getByTestId('preset-run').click();
  // The first step's requests are held 3 s: Stop lands while they are in flight.
  await page.waitForTimeout(1_500);
  await page.getByTestId('preset-stop').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]').textContent.includes('Running'), null, { timeout: 20_000 });
  const verdict = await page.getByTestId('verdict').textContent();
  const [, done, total] = verdict.match(/Stopped by the user after (\d+) of (\d+) runs/) ?? [];
  assert.equal(total, '8', verdict);
  assert.ok(Number(done) < 8, verdict);
  await waitUntilIdle(page);
  browser.assertNoPageErrors();
});
