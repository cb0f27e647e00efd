// The presets end to end: pool start cost, the scaling sweep, the hand-off cost, the pipeline and streaming, each
// by URL and by button, and Stop on every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolState, resultRows, useLab } from './support.mjs';

const lab = useLab();

const idle = (page) =>
  page.waitForFunction(() => {
    const button = document.querySelector('[data-testid="preset-run"]');
    return button && !button.textContent.includes('Running') && document.querySelector('[data-testid="verdict"]');
  }, null, { timeout: 180_000 });

test('pool start: cold runs break down their start-up, and small work loses to one thread', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=pool-start&autorun=1`);
  await poolState(page);
  await idle(page);
  const cold = page.getByTestId('cold-start');
  for (const phase of ['spawnMs', 'instantiateMs', 'threadsReadyMs']) {
    const value = Number(await cold.evaluate((element, key) => element.dataset[key], phase));
    assert.ok(value > 0, `${phase} = ${value}`);
  }
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['cold-pool', 'warm-pool', 'warm-worker']);
  assert.equal(new Set(rows.map((row) => row.result)).size, 1, 'one answer');
  const byMode = Object.fromEntries(rows.map((row) => [row.mode, Number(row.medianMs)]));
  assert.ok(byMode['cold-pool'] > byMode['warm-pool'], 'a cold pool costs more than a warm one');
  const lanes = await page.$$eval('[data-testid="span"]', (spans) => spans.map((span) => span.dataset.lane));
  assert.ok(lanes.includes('worker'));
  assert.match(await page.getByTestId('verdict').textContent(), /Starting a pool from nothing cost \d/);
  lab.browser.assertNoPageErrors();
});

test('sweep: a point per thread count, oversubscription included, and an Amdahl fit', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  const { threads: cores } = await poolState(page);
  await page.getByTestId('preset-sweep').click();
  await page.getByTestId('preset-size').fill('5000000');
  await page.getByTestId('preset-repeats').fill('1');
  await page.getByTestId('preset-run').click();
  await idle(page);
  const points = await page.$$eval('[data-testid="sweep-point"]', (circles) => circles.map((circle) => ({ ...circle.dataset })));
  const counts = points.map((point) => Number(point.threads));
  assert.deepEqual(counts, [...new Set([...Array.from({ length: cores }, (_, i) => i + 1), cores + 1, 2 * cores])]);
  for (const point of points) assert.ok(Number(point.ms) > 0);
  const serial = Number(await page.getByTestId('amdahl-serial-fraction').getAttribute('data-value'));
  assert.ok(serial >= 0 && serial <= 1, `serial fraction ${serial}`);
  assert.match(await page.getByTestId('verdict').textContent(), /Amdahl fit/);
  lab.browser.assertNoPageErrors();
});

test('hand-off: clone, transfer and shared memory from 1 KiB to 64 MiB', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=handoff&autorun=1`);
  await page.getByTestId('preset-repeats').fill('2');
  await idle(page);
  const points = await page.$$eval('[data-testid="handoff-point"]', (circles) => circles.map((circle) => ({ ...circle.dataset })));
  assert.equal(points.length, 27, 'three methods × nine sizes');
  assert.deepEqual([...new Set(points.map((point) => point.method))], ['clone', 'transfer', 'shared']);
  assert.equal(Math.max(...points.map((point) => Number(point.bytes))), 64 * 1024 * 1024);
  for (const point of points) assert.ok(Number(point.ms) > 0, JSON.stringify(point));
  assert.match(await page.getByTestId('verdict').textContent(), /structured clone took/);
  lab.browser.assertNoPageErrors();
});

test('pipeline: handing each response to the worker as it arrives beats fetching everything first', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=pipeline&autorun=1`);
  await poolState(page);
  await idle(page);
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['sequential', 'fetch-then-process', 'pipelined']);
  assert.equal(new Set(rows.map((row) => row.result)).size, 1, `one answer: ${rows.map((row) => row.result)}`);
  assert.match(rows[0].result, /^10 items/);
  const wall = Object.fromEntries(rows.map((row) => [row.mode, Number(row.wallMs)]));
  assert.ok(wall.pipelined < wall['fetch-then-process'], `pipelined ${wall.pipelined} vs ${wall['fetch-then-process']} ms`);
  assert.ok(wall['fetch-then-process'] < wall.sequential);
  const lanes = new Set(await page.$$eval('[data-testid="span"]', (spans) => spans.map((span) => span.dataset.lane)));
  assert.ok(lanes.has('worker') && lanes.has('request-9'));
  assert.match(await page.getByTestId('verdict').textContent(), /Pipelined took \d+ ms/);
  lab.browser.assertNoPageErrors();
});

test('stream: batches give the buffered answer, the first result much sooner, and flat memory', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=stream&autorun=1`);
  await poolState(page);
  await idle(page);
  const rows = await resultRows(page, 2);
  assert.deepEqual(rows.map((row) => row.mode), ['streamed', 'buffered']);
  assert.equal(rows[0].result, rows[1].result, 'streamed checksum = buffered checksum');
  assert.match(rows[0].result, /^1048576 lines/, '64 MiB of 64-byte lines');
  const progress = page.getByTestId('progress');
  assert.equal(await progress.getAttribute('data-bytes-arrived'), String(64 * 1024 * 1024));
  assert.equal(await progress.getAttribute('data-bytes-processed'), String(64 * 1024 * 1024));
  const stream = Object.fromEntries(
    await page.$$eval('[data-testid="stream-row"]', (trs) => trs.map((tr) => [tr.dataset.mode, { ...tr.dataset }])),
  );
  assert.ok(Number(stream.streamed.firstResultMs) < Number(stream.buffered.firstResultMs) / 2);
  assert.ok(Number(stream.streamed.batches) > 10);
  assert.ok(Number(stream.streamed.peakMemoryBytes) < Number(stream.buffered.peakMemoryBytes));
  assert.ok(Number(await page.getByTestId('peak-memory').getAttribute('data-bytes')) > 0);
  assert.match(await page.getByTestId('verdict').textContent(), /Streamed, the first result came after \d+ ms/);
  lab.browser.assertNoPageErrors();
});

// Settings that keep each preset busy for many seconds, so that Stop lands mid-run.
const LONG_RUNS = [
  ['pool-start', { 'preset-size': '200', 'preset-repeats': '20' }],
  ['sweep', { 'preset-size': '2000000000', 'preset-repeats': '20' }],
  ['handoff', { 'preset-repeats': '50' }],
  ['pipeline', { 'preset-items': '100', 'preset-latency': '2000' }],
  ['stream', { 'preset-mib': '256', 'preset-bandwidth': '8' }],
];

test('Stop ends every preset mid-run, keeps what finished, and the preset runs again afterwards', async () => {
  const { page } = lab.browser;
  const runButton = () => page.getByTestId('preset-run');
  for (const [preset, fields] of LONG_RUNS) {
    await page.goto(`${lab.server.url}/?preset=${preset}`);
    await poolState(page);
    for (const [testId, value] of Object.entries(fields)) await page.getByTestId(testId).fill(value);
    await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]')?.disabled, null, { timeout: 30_000 });
    assert.equal(await page.getByTestId('preset-stop').isDisabled(), true, `${preset}: nothing to stop yet`);
    await runButton().click();
    assert.match(await runButton().textContent(), /Running/, preset);
    await page.waitForTimeout(1_500);
    assert.match(await runButton().textContent(), /Running/, `${preset} is still running when Stop is pressed`);
    await page.getByTestId('preset-stop').click();
    // Bounded: a stopped preset must give the page back within seconds, not when its work would have ended.
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="preset-run"]').textContent.includes('Running'),
      null,
      { timeout: 20_000 },
    );
    const verdict = await page.getByTestId('verdict').textContent();
    assert.match(verdict, /Stopped by the user after \d+ of \d+ (runs|thread counts|sizes|modes)/, `${preset}: ${verdict}`);
    assert.equal(await page.getByTestId('preset-stop').isDisabled(), true, `${preset}: Stop is off again`);
  }
  // The page and its pool are intact: a short pipeline runs to the end.
  await page.goto(`${lab.server.url}/?preset=pipeline`);
  await poolState(page);
  for (const [testId, value] of Object.entries({ 'preset-items': '3', 'preset-latency': '50', 'preset-work': '1000000' })) {
    await page.getByTestId(testId).fill(value);
  }
  await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]')?.disabled, null, { timeout: 30_000 });
  await runButton().click();
  await idle(page);
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['sequential', 'fetch-then-process', 'pipelined']);
  assert.doesNotMatch(await page.getByTestId('verdict').textContent(), /Stopped by the user/);
  lab.browser.assertNoPageErrors();
});
