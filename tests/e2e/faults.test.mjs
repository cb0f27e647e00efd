// Worker faults (`?debug=1`): a trapping, a hanging and a silently exiting compute worker are detected (error
// event or watchdog), reported under Environment, replaced by a new worker, and the next run works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolState, resultRows, useLab } from './support.mjs';

const lab = useLab();

test('without ?debug=1 there is no way to break the worker', async () => {
  const { page } = lab.browser;
  await page.goto(`${lab.server.url}/`);
  await poolState(page);
  assert.equal(await page.getByTestId('debug-panel').count(), 0);
  lab.browser.assertNoPageErrors();
});

for (const [fault, kind] of [['trap', 'crashed'], ['hang', 'unresponsive'], ['exit', 'unresponsive']]) {
  test(`${fault}: detected as ${kind}, reported, the worker is rebuilt and the next run works`, async (t) => {
    const { page } = lab.browser;
    await page.goto(`${lab.server.url}/?debug=1&kernel=primes&n=2000000&modes=worker,pool`);
    assert.equal((await poolState(page)).state, 'ready');
    const injectedAt = Date.now();
    await page.getByTestId(`debug-${fault}`).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="debug-message"]')?.textContent.includes('detected'),
      null,
      { timeout: 20_000 },
    );
    t.diagnostic(`${fault} detected after ${Date.now() - injectedAt} ms`);
    const report = page.getByTestId('worker-fault');
    assert.equal(await report.getAttribute('data-kind'), kind);
    assert.equal(await report.getAttribute('data-count'), '1');
    assert.match(await report.textContent(), /new compute worker/);
    assert.deepEqual((await poolState(page)).state, 'ready', 'a new worker and pool are up');
    await page.getByTestId('run-button').click();
    const rows = await resultRows(page, 2);
    assert.deepEqual(rows.map((row) => [row.mode, row.result]), [['worker', '148933'], ['pool', '148933']]);
    lab.browser.assertNoPageErrors();
  });
}
