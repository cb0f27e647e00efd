// The lessons beside the lab: every lesson runs from its URL and shows its claim, the Python pattern, the Rust that
// runs and the measured answer; results sit under the controls that made them, one tab at a time; the page passes
// an accessibility check (axe) in every tab and can be used with the keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { assertOnlyRun, poolState, showTab, useLab, waitUntilIdle } from './support.mjs';

const lab = useLab();

// What each lesson's Rust must show (a line of the code that runs) and the rows its Run must produce.
const LESSONS = {
  'one-request': { rust: /Request::get/, modes: ['io-single'] },
  concurrent: { rust: /FuturesUnordered/, modes: ['io-single', 'io-concurrent'] },
  sequential: { rust: /fetch\(index\)\.await/, modes: ['io-single', 'io-sequential'] },
  'cpu-pool': { rust: /par_iter/, modes: ['main', 'main-pool', 'worker', 'pool'] },
  'process-pool': { rust: /ComputeBridge::start/, modes: ['cold-pool', 'warm-pool', 'warm-worker'] },
  'fetch-then-process': { rust: /unbounded_send/, modes: ['sequential', 'fetch-then-process', 'pipelined'] },
  streaming: { rust: /next_chunk/, modes: ['streamed', 'buffered'] },
  'start-cost': { rust: /ComputeBridge::start/, modes: ['cold-pool', 'warm-pool', 'warm-worker'] },
};

async function lessonDone(page, modes, timeout = 120_000) {
  await page.waitForFunction(
    (expected) => {
      const lesson = document.querySelector('section.lessons');
      const rows = [...lesson.querySelectorAll('[data-testid="result-row"]')].map((row) => row.dataset.mode);
      const run = document.querySelector('[data-testid="lesson-run"]');
      return expected.every((mode) => rows.includes(mode)) && run && !run.textContent.includes('Running') &&
        document.querySelector('[data-testid="lesson-measured"]')?.dataset.measured === 'true';
    },
    modes,
    { timeout },
  );
}

for (const [id, expected] of Object.entries(LESSONS)) {
  test(`lesson ${id}: claim, Python, the Rust that runs, and the measured answer from its URL`, async (t) => {
    const { page } = lab.browser;
    await page.goto(`${lab.server.url}/?lesson=${id}&autorun=1`);
    await poolState(page);
    assert.equal(await page.getByTestId('tab-lessons').getAttribute('aria-current'), 'page');
    assert.equal(await page.getByTestId('lesson-select').inputValue(), id);
    const lesson = page.locator(`[data-testid="lesson"][data-lesson="${id}"]`);
    await lesson.waitFor();
    assert.ok((await page.getByTestId('lesson-claim').textContent()).length > 60, 'a claim in a sentence or two');
    assert.match(await page.getByTestId('code-python').textContent(), /\S/);
    assert.match(await page.getByTestId('code-rust').textContent(), expected.rust);
    await lessonDone(page, expected.modes);
    const measured = await page.getByTestId('lesson-measured').textContent();
    t.diagnostic(`${id}: ${measured.replace(/\s+/g, ' ')}`);
    assert.match(measured, /\d+(\.\d+)? ms/, 'the answer carries measured numbers');
    // The results are under the lesson's own controls: rows, verdict and timeline inside the lessons tab, and the
    // other tabs draw none of them meanwhile.
    const section = page.locator('section.lessons');
    assert.ok((await section.getByTestId('result-row').count()) >= expected.modes.length);
    assert.equal(await section.getByTestId('verdict').count(), 1);
    assert.equal(await page.getByTestId('verdict').count(), 1, 'one verdict on the page: the shown tab\'s');
    await section.getByTestId('timeline').waitFor();
    for (const other of ['section.cpu', 'section.io', 'section.presets']) {
      assert.equal(await page.locator(other).isVisible(), false, `${other} is hidden while the lesson is shown`);
    }
    lab.browser.assertNoPageErrors();
  });
}

test('a lesson\'s run is its own: the lab\'s panels of the same kind refuse and cannot stop it; the lesson\'s Stop does', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?lesson=cpu-pool`);
  await poolState(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="lesson-run"]')?.disabled, null, { timeout: 20_000 });
  await page.getByTestId('lesson-run').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lesson-run"]')?.textContent.includes('Running'));
  // The CPU experiment runs the same kind of report, yet its Run is refused and its Stop is off.
  await assertOnlyRun(page, 'lesson', /A lesson's run \(the CPU experiment\)/);
  await page.getByTestId('lesson-stop').click();
  await waitUntilIdle(page);
  lab.browser.assertNoPageErrors();
});

test('the choosing table fills with this tab\'s own numbers and says "not measured" elsewhere', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?lesson=choosing`);
  await poolState(page);
  const rows = () => page.$$eval('[data-testid="choice-row"]', (elements) => elements.map((row) => ({ ...row.dataset, text: row.textContent })));
  const before = await rows();
  assert.equal(before.length, 6);
  for (const row of before) {
    assert.equal(row.measured, 'false');
    assert.match(row.text, /not measured/);
  }
  // Run the concurrent lesson in this tab (the picker, not a new page), then come back to the table.
  await page.getByTestId('lesson-select').selectOption('concurrent');
  assert.match(page.url(), /lesson=concurrent/);
  await page.getByTestId('lesson-run').click();
  await lessonDone(page, ['io-single', 'io-concurrent'], 30_000);
  await page.getByTestId('lesson-select').selectOption('choosing');
  const after = await rows();
  const io = after.find((row) => row.lesson === 'concurrent');
  assert.equal(io.measured, 'true');
  assert.match(io.text, /together \d+ ms vs one request alone \d+ ms/);
  for (const row of after.filter((other) => other !== io)) assert.equal(row.measured, 'false', row.text);
  lab.browser.assertNoPageErrors();
});

test('tabs: one shown at a time, addressable by URL, Back returns; results stay under their own controls', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?kernel=sum-loop&n=2000000&modes=worker,pool&r=1&autorun=1`);
  await poolState(page);
  await page.waitForFunction(() => document.querySelectorAll('section.cpu [data-testid="result-row"]').length === 2);
  await page.locator('section.cpu').getByTestId('verdict').waitFor();
  await showTab(page, 'io');
  assert.match(page.url(), /\?tab=io$/);
  assert.equal(await page.getByTestId('verdict').count(), 0, 'the I/O lab has run nothing: no verdict');
  assert.equal(await page.locator('section.cpu').isVisible(), false);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('[data-testid="tab-cpu"]')?.getAttribute('aria-current') === 'page');
  await page.locator('section.cpu').getByTestId('verdict').waitFor();
  // "show" in the global history opens the run's own tab.
  await showTab(page, 'presets');
  await page.getByTestId('history-row').first().getByRole('button', { name: 'show' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="tab-cpu"]')?.getAttribute('aria-current') === 'page');
  // A tab's URL opens that tab.
  await page.goto(`${lab.server.url}/?tab=presets`);
  await page.locator('section.presets').waitFor({ state: 'visible' });
  lab.browser.assertNoPageErrors();
});

test('every tab passes axe (no serious or critical violations), light and dark', async (t) => {
  const { page } = lab.browser;
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${lab.server.url}/?lesson=concurrent&autorun=1`);
    await poolState(page);
    await lessonDone(page, ['io-single', 'io-concurrent'], 30_000);
    for (const tab of ['lessons', 'cpu', 'io', 'presets']) {
      await showTab(page, tab);
      if (tab === 'presets') await page.getByTestId('preset-pipeline').click();
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((violation) => ['serious', 'critical'].includes(violation.impact));
      t.diagnostic(`${scheme} ${tab}: ${results.violations.length} violations (${serious.length} serious or critical), ${results.passes.length} rules passed`);
      assert.deepEqual(
        serious.map((violation) => `${violation.id}: ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`),
        [],
        `${scheme} ${tab}`,
      );
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  lab.browser.assertNoPageErrors();
});

test('keyboard only: the tabs, the lesson picker and Run are reachable, focus is visible, Enter runs', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/?lesson=one-request`);
  await poolState(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="lesson-run"]')?.disabled, null, { timeout: 20_000 });
  const reached = new Set();
  for (let press = 0; press < 60 && !reached.has('lesson-run'); press += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return {
        id: element?.dataset?.testid ?? element?.tagName,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none',
      };
    });
    reached.add(focused.id);
    assert.ok(focused.visible, `focus is visible on ${focused.id}`);
  }
  for (const id of ['tab-lessons', 'tab-cpu', 'tab-io', 'tab-presets', 'lesson-select', 'lesson-run']) {
    assert.ok(reached.has(id), `${id} reached by Tab: ${[...reached]}`);
  }
  await page.keyboard.press('Enter');
  await lessonDone(page, ['io-single'], 30_000);
  lab.browser.assertNoPageErrors();
});
