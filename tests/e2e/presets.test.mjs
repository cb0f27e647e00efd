// The presets end to end: pool start cost, the scaling sweep, the hand-off cost, the pipeline and streaming, each
// by URL and by button, one row per mode with its measurements, and Stop on every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertFreezeMeasured,
  assertFreezeNotMeasured,
  assertOnlyRun,
  download,
  poolState,
  resultRows,
  timelineSpans,
  useLab,
  waitUntilIdle,
} from './support.mjs';

const lab = useLab();

const idle = (page) =>
  page.waitForFunction(() => {
    const button = document.querySelector('[data-testid="preset-run"]');
    return button && !button.textContent.includes('Running') && document.querySelector('[data-testid="verdict"]');
  }, null, { timeout: 180_000 });

const MiB = 1024 * 1024;

/** The pipeline's answer: item i runs sum-loop with n = work + i, which adds 3 n times (wrapping u64). */
const pipelineAnswer = (items, work) =>
  `${items} items: ${Array.from({ length: items }, (_, i) => ((3n * (BigInt(work) + BigInt(i))) % 2n ** 64n).toString()).join(' ')}`;

/** The agreement line of the preset's results table: every mode that finished computed the same answer. */
async function assertAgreement(page, modes) {
  const agree = page.getByTestId('results-agree');
  assert.equal(await agree.getAttribute('data-agree'), 'true');
  assert.equal(await agree.getAttribute('data-modes'), String(modes));
}

test('pool start: the lesson\'s four chunks, cold runs break down their start-up, and small work loses to one thread', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=pool-start&autorun=1`);
  const { threads } = await poolState(page);
  await idle(page);
  // The lesson's job: chunked-sum over 16 items, four to a chunk — four tasks.
  assert.equal(await page.getByTestId('preset-kernel').inputValue(), 'chunked-sum');
  assert.equal(await page.getByTestId('preset-size').inputValue(), '16');
  const repeats = Number(await page.getByTestId('preset-repeats').inputValue());
  const cold = page.getByTestId('cold-start');
  const phases = await cold.evaluate((element) => ({ ...element.dataset }));
  // Each run's total is one interval that contains its phases, so the medians keep that order too.
  for (const phase of ['spawnMs', 'instantiateMs', 'threadsReadyMs']) {
    const value = Number(phases[phase]);
    assert.ok(value > 0 && value <= Number(phases.totalMs), `${phase} = ${value}, total ${phases.totalMs}`);
  }
  assert.equal(phases.runs, String(repeats), 'every measured cold run counts in the medians');
  const coldText = await cold.textContent();
  assert.match(coldText, /instantiate the compiled module/);
  assert.doesNotMatch(coldText, /compile and instantiate/);

  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['cold-pool', 'warm-pool', 'warm-worker']);
  const byMode = Object.fromEntries(rows.map((row) => [row.mode, row]));
  for (const row of rows) {
    // Σ 3·(100 000 j)(100 000 j − 1)/2 over the items j = 1..16.
    assert.equal(row.result, '22439979600000', `${row.mode}: the lesson's sum`);
    assert.equal(row.repeats, String(repeats), row.mode);
    assertFreezeMeasured(row);
  }
  await assertAgreement(page, 3);
  assert.equal(byMode['warm-worker'].threadsUsed, '1');
  for (const mode of ['cold-pool', 'warm-pool']) {
    const used = Number(byMode[mode].threadsUsed);
    assert.ok(used >= 1 && used <= Math.min(4, threads), `${mode} used ${byMode[mode].threadsUsed} threads for 4 chunks`);
  }

  // The timeline shows the four chunks of each mode, and the cold start on the worker's lane.
  const spans = await timelineSpans(page);
  assert.ok(spans.some((span) => span.lane === 'worker'));
  const tasks = [...new Set(spans.map((span) => span.name).filter((name) => /^task \d+$/.test(name)))].sort();
  assert.deepEqual(tasks, ['task 0', 'task 1', 'task 2', 'task 3']);
  assert.match(await page.getByTestId('verdict').textContent(), /Starting a pool from nothing cost \d/);

  // The export has every repeat (warm-up included) with its own threads and freeze, and four task spans each.
  const json = JSON.parse(await download(page, 'export-json'));
  assert.equal(json.version, 2);
  const report = json.experiments.find((experiment) => experiment.kind === 'pool-start');
  assert.ok(report, `a pool-start report in ${json.experiments.map((experiment) => experiment.kind)}`);
  assert.deepEqual(report.modes.map((mode) => mode.mode), ['cold-pool', 'warm-pool', 'warm-worker']);
  for (const mode of report.modes) {
    assert.equal('threads_used' in mode, false, `${mode.mode}: threads used is per repeat now`);
    assert.equal(mode.repeats.length, repeats + 1, `${mode.mode}: a warm-up and ${repeats} runs`);
    for (const repeat of mode.repeats) {
      const names = repeat.spans.map((span) => span.name).filter((name) => /^task \d+$/.test(name)).sort();
      assert.deepEqual(names, ['task 0', 'task 1', 'task 2', 'task 3'], `${mode.mode}: four chunks per run`);
      assert.ok(Number.isInteger(repeat.threads_used) && repeat.threads_used >= 1 && repeat.threads_used <= 4, JSON.stringify(repeat.threads_used));
      assert.ok(repeat.freeze && Number.isFinite(repeat.freeze.max_frame_gap_ms), `${mode.mode}: every run measured`);
    }
  }
  lab.browser.assertNoPageErrors();
});

test('sweep: a row and a point per thread count, oversubscription included, and an Amdahl fit only where the points allow one', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?tab=presets`);
  const { threads: cores } = await poolState(page);
  await page.getByTestId('preset-sweep').click();
  await page.getByTestId('preset-size').fill('5000000');
  await page.getByTestId('preset-repeats').fill('1');
  await page.getByTestId('preset-run').click();
  await idle(page);
  const counts = [...new Set([...Array.from({ length: cores }, (_, i) => i + 1), cores + 1, 2 * cores])];
  const points = await page.$$eval('[data-testid="sweep-point"]', (circles) => circles.map((circle) => ({ ...circle.dataset })));
  assert.deepEqual(points.map((point) => Number(point.threads)), counts);
  const rows = await resultRows(page, counts.length);
  assert.deepEqual(rows.map((row) => row.mode), counts.map((count) => `threads-${count}`), 'one row per thread count');
  for (const [index, row] of rows.entries()) {
    const count = counts[index];
    assert.equal(row.result, '348513', `primes below 5 000 000 on ${count} threads`);
    assert.equal(row.repeats, '1');
    assertFreezeMeasured(row);
    const used = Number(row.threadsUsed);
    assert.ok(used >= 1 && used <= count, `${row.mode} used ${row.threadsUsed} threads`);
    assert.equal(points[index].ms, row.medianMs, `the ${count}-thread point is that row's median`);
  }
  assert.equal(rows[0].threadsUsed, '1', 'a pool of one thread uses one');
  await assertAgreement(page, counts.length);
  const verdict = await page.getByTestId('verdict').textContent();
  if (cores >= 3) {
    // Two or more thread counts in 2..=cores: the fit is claimed, with what it rests on.
    const serial = Number(await page.getByTestId('amdahl-serial-fraction').getAttribute('data-value'));
    assert.ok(serial >= 0 && serial <= 1, `serial fraction ${serial}`);
    assert.match(verdict, /Amdahl fit over \d+ thread counts/);
  } else {
    // One parallel point fits the one-parameter model exactly: no fraction is shown, and the verdict says why.
    assert.equal(await page.getByTestId('amdahl-serial-fraction').count(), 0, 'no fit from one point');
    assert.match(verdict, /An Amdahl fit needs at least two thread counts above 1/);
    assert.doesNotMatch(verdict, /no number of cores could make it/);
  }
  lab.browser.assertNoPageErrors();
});

test('hand-off: clone, transfer and shared memory from 1 KiB to 64 MiB, one row each, frozen time of the whole run', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=handoff&autorun=1`);
  await idle(page);
  const points = await page.$$eval('[data-testid="handoff-point"]', (circles) => circles.map((circle) => ({ ...circle.dataset })));
  assert.equal(points.length, 27, 'three methods × nine sizes');
  assert.deepEqual([...new Set(points.map((point) => point.method))], ['clone', 'transfer', 'shared']);
  assert.equal(Math.max(...points.map((point) => Number(point.bytes))), 64 * MiB);
  for (const point of points) {
    assert.ok(Number(point.ms) > 0, JSON.stringify(point));
    assert.ok(Number(point.minMs) <= Number(point.ms) && Number(point.ms) <= Number(point.maxMs), JSON.stringify(point));
  }
  // One row per method (the page is isolated, so shared memory is there too), never twice.
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['clone', 'transfer', 'shared']);
  for (const row of rows) {
    assert.equal(row.result, '64 MiB', `${row.mode}: its round trips at the largest size`);
    // Each round trip runs inside one JS loop, not in a bracket of its own: no reading, rather than 0 ms.
    assertFreezeNotMeasured(row);
  }
  assert.equal(await page.getByTestId('results-agree').count(), 0, 'sizes, not answers: nothing to agree on');
  const verdict = await page.getByTestId('verdict').textContent();
  assert.match(verdict, /structured clone took/);
  assert.doesNotMatch(verdict, /longest frame gap 0 ms/);
  // The whole run was measured once: its frame gap is quoted, and a real gap is never 0.
  const gap = verdict.match(/frame gap\D{0,40}?(\d+(?:\.\d+)?) ms/);
  assert.ok(gap && Number(gap[1]) > 0, `the verdict quotes the run's frame gap: ${verdict}`);
  lab.browser.assertNoPageErrors();
});

test('pipeline: every item\'s own answer in every mode, and handing each response over as it arrives wins', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=pipeline&autorun=1`);
  await poolState(page);
  await idle(page);
  const items = Number(await page.getByTestId('preset-items').inputValue());
  const work = await page.getByTestId('preset-work').inputValue();
  const expected = pipelineAnswer(items, work);
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => row.mode), ['sequential', 'fetch-then-process', 'pipelined']);
  for (const row of rows) {
    assert.equal(row.result, expected, `${row.mode}: item i's sum-loop over ${work} + i`);
    assert.equal(row.threadsUsed, '1', `${row.mode}: one compute worker`);
    assertFreezeMeasured(row);
  }
  await assertAgreement(page, 3);
  // The schedule each mode ran, from its recorded spans (not its timings): sequential never processes while a
  // fetch is in flight, fetch-then-process processes only after the last fetch, pipelined processes while
  // later fetches are still in flight.
  const exported = JSON.parse(await download(page, 'export-json'));
  const report = exported.experiments.at(-1);
  const spansOf = (mode) => report.modes.find((entry) => entry.mode === mode).repeats[0].spans;
  const overlaps = (mode) => {
    const spans = spansOf(mode);
    const fetches = spans.filter((span) => span.lane.kind === 'request');
    const processing = spans.filter((span) => span.lane.kind === 'worker');
    assert.equal(fetches.length, items, `${mode}: one fetch per item`);
    assert.equal(processing.length, items, `${mode}: one processing step per item`);
    return { fetches, processing, any: processing.some((work) => fetches.some((fetch) => work.start_ms < fetch.end_ms && fetch.start_ms < work.end_ms)) };
  };
  assert.equal(overlaps('sequential').any, false, 'sequential: fetch and process take turns');
  const twoPhase = overlaps('fetch-then-process');
  const lastFetch = Math.max(...twoPhase.fetches.map((fetch) => fetch.end_ms));
  assert.ok(twoPhase.processing.every((work) => work.start_ms >= lastFetch), 'fetch-then-process: every item processed after the last fetch');
  assert.equal(overlaps('pipelined').any, true, 'pipelined: processing overlaps later fetches');
  const lanes = new Set((await timelineSpans(page)).map((span) => span.lane));
  assert.ok(lanes.has('worker') && lanes.has(`request-${items - 1}`), [...lanes].join(' '));
  assert.match(await page.getByTestId('verdict').textContent(), /Pipelined took \d+ ms/);
  lab.browser.assertNoPageErrors();
});

test('stream: batches give the buffered answer, the first result much sooner, and only the buffered worker holds the body', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?preset=stream&autorun=1`);
  await poolState(page);
  await idle(page);
  const body = Number(await page.getByTestId('preset-mib').inputValue()) * MiB;
  assert.equal(body, 64 * MiB);
  const rows = await resultRows(page, 2);
  assert.deepEqual(rows.map((row) => row.mode), ['streamed', 'buffered']);
  assert.equal(rows[0].result, rows[1].result, 'streamed checksum = buffered checksum');
  assert.match(rows[0].result, /^1048576 lines/, '64 MiB of 64-byte lines');
  for (const row of rows) {
    assert.equal(row.threadsUsed, '1', `${row.mode}: one compute worker`);
    assertFreezeMeasured(row);
  }
  await assertAgreement(page, 2);
  const progress = page.getByTestId('progress');
  assert.equal(await progress.getAttribute('data-bytes-arrived'), String(body));
  assert.equal(await progress.getAttribute('data-bytes-processed'), String(body));
  const stream = Object.fromEntries(
    await page.$$eval('[data-testid="stream-row"]', (trs) => trs.map((tr) => [tr.dataset.mode, { ...tr.dataset }])),
  );
  assert.deepEqual(Object.keys(stream), ['streamed', 'buffered']);
  assert.ok(Number(stream.streamed.batches) > 10);
  // When the first result came, from the recorded spans rather than a timing: streamed, the worker had processed
  // a batch before the download ended; buffered, it started only after the whole body was in.
  const exported = JSON.parse(await download(page, 'export-json'));
  const spansOf = (mode) => exported.experiments.at(-1).modes.find((entry) => entry.mode === mode).repeats[0].spans;
  const download_ = (mode) => spansOf(mode).find((span) => span.lane.kind === 'request');
  const batches = (mode) => spansOf(mode).filter((span) => span.lane.kind === 'worker');
  assert.ok(batches('streamed')[0].end_ms < download_('streamed').end_ms, 'streamed: a result before the body ended');
  assert.ok(batches('buffered').every((batch) => batch.start_ms >= download_('buffered').end_ms), 'buffered: nothing before the body ended');
  assert.equal(stream.buffered.batches, '1');
  // What each mode holds, from the allocator: buffered has the whole body in the worker at once, streamed a
  // batch at a time.
  const peak = (mode) => Number(stream[mode].peakMemoryBytes);
  assert.ok(peak('buffered') >= body, `buffered peak ${peak('buffered')} B holds the ${body} B body`);
  assert.ok(peak('streamed') < 16 * MiB, `streamed peak ${peak('streamed')} B stays well below the body`);
  const shown = page.getByTestId('peak-memory');
  assert.equal(await shown.getAttribute('data-measure'), 'allocator-peak');
  assert.equal(await shown.getAttribute('data-bytes'), stream.buffered.peakMemoryBytes, 'it shows the last mode, buffered');
  // Chromium reports the page's JS heap (performance.memory): read during the run, so measured, never a zero.
  assert.ok(Number(await shown.getAttribute('data-js-heap-bytes')) > 0, 'the page JS heap was measured');
  assert.match(await shown.textContent(), /page JS heap \d+\.\d MiB at its largest/);
  assert.match(await page.getByTestId('verdict').textContent(), /Streamed, the first result came after \d+ ms/);
  lab.browser.assertNoPageErrors();
});

// Settings that keep each preset busy for many seconds, so that Stop lands mid-run; `who` is how the other
// experiments' messages name it.
const LONG_RUNS = [
  ['pool-start', /pool-start/, { 'preset-size': '200', 'preset-repeats': '20' }],
  ['sweep', /sweep/, { 'preset-size': '2000000000', 'preset-repeats': '20' }],
  ['handoff', /hand-off/, { 'preset-repeats': '50' }],
  ['pipeline', /pipeline/, { 'preset-items': '100', 'preset-latency': '2000' }],
  ['stream', /stream/, { 'preset-mib': '256', 'preset-bandwidth': '8' }],
];

test('Stop ends every preset mid-run, keeps what finished, and every experiment runs again afterwards', async () => {
  const { page } = lab.browser;
  const runButton = () => page.getByTestId('preset-run');
  for (const [preset, who, fields] of LONG_RUNS) {
    await page.goto(`${lab.server.url}/?preset=${preset}`);
    await poolState(page);
    for (const [testId, value] of Object.entries(fields)) await page.getByTestId(testId).fill(value);
    await waitUntilIdle(page);
    assert.equal(await page.getByTestId('preset-stop').isDisabled(), true, `${preset}: nothing to stop yet`);
    await runButton().click();
    assert.match(await runButton().textContent(), /Running/, preset);
    await page.waitForTimeout(1_500);
    // Still running when Stop is pressed; meanwhile the CPU experiment and the I/O lab refuse to start.
    await assertOnlyRun(page, 'preset', who);
    await page.getByTestId('preset-stop').click();
    // Bounded: a stopped preset must give the page back within seconds, not when its work would have ended.
    await page.waitForFunction(
      () => !document.querySelector('[data-testid="preset-run"]').textContent.includes('Running'),
      null,
      { timeout: 20_000 },
    );
    const verdict = await page.getByTestId('verdict').textContent();
    const [, done, total] = verdict.match(/Stopped by the user after (\d+) of (\d+) (?:runs|thread counts|sizes|modes)/) ?? [];
    assert.ok(total, `${preset}: ${verdict}`);
    assert.ok(Number(done) < Number(total), `${preset} stopped after ${done} of ${total}`);
    await waitUntilIdle(page);
    assert.equal(await page.getByTestId('preset-stop').isDisabled(), true, `${preset}: Stop is off again`);
  }
  // The page and its pool are intact: a short pipeline runs to the end, every item answered.
  await page.goto(`${lab.server.url}/?preset=pipeline`);
  await poolState(page);
  for (const [testId, value] of Object.entries({ 'preset-items': '3', 'preset-latency': '50', 'preset-work': '1000000' })) {
    await page.getByTestId(testId).fill(value);
  }
  await page.waitForFunction(() => !document.querySelector('[data-testid="preset-run"]')?.disabled, null, { timeout: 30_000 });
  await runButton().click();
  await idle(page);
  const rows = await resultRows(page, 3);
  assert.deepEqual(rows.map((row) => [row.mode, row.result]), [
    ['sequential', pipelineAnswer(3, 1_000_000)],
    ['fetch-then-process', pipelineAnswer(3, 1_000_000)],
    ['pipelined', pipelineAnswer(3, 1_000_000)],
  ]);
  assert.doesNotMatch(await page.getByTestId('verdict').textContent(), /Stopped by the user/);
  lab.browser.assertNoPageErrors();
});
