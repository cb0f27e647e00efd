// Shared harness for the end-to-end specs: a static server for the release `dist/` on 127.0.0.1 and a headless
// Debian Chromium driven by playwright-core. Every wait is bounded; any page error fails the spec.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startLoopback as startLoopbackServer } from '../loopback-server.mjs';

export const DIST = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Serves `root` on 127.0.0.1 (a free port) with `headers` on every response. */
export async function serveStatic(root = DIST, headers = ISOLATION_HEADERS) {
  await stat(join(root, 'index.html')).catch(() => {
    throw new Error(`${root}/index.html is missing: run \`trunk build --release\` first`);
  });
  const server = createServer(async (request, response) => {
    let path;
    try {
      path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    } catch {
      // A malformed escape (the permalink fuzz sends them) is the client's error, not the server's crash.
      response.writeHead(400, headers).end('bad request');
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
        ...headers,
      });
      response.end(body);
    } catch {
      response.writeHead(404, headers).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) };
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens a fresh headless Chromium profile and one page that records every page error and console error.
 * `close()` tears everything down; `assertNoPageErrors()` fails the spec if the page ever threw or broke its
 * Content-Security-Policy. `options` go to Playwright's persistent context (e.g. `serviceWorkers: 'block'`).
 */
export async function openBrowser(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'lanes-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
    ...options,
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    process.stderr.write(`[browser console] ${message.text()}\n`);
    if (/Content Security Policy/i.test(message.text())) pageErrors.push(`CSP violation: ${message.text()}`);
  });
  return {
    page,
    pageErrors,
    assertNoPageErrors() {
      if (pageErrors.length > 0) throw new Error(`page errors:\n${pageErrors.join('\n')}`);
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits (bounded) until the built-in latency endpoint (the lab service worker) has settled and fails with the
 * page's reason unless it is ready: it answers once the worker controls the page. Works with the engines' page too.
 */
export async function labReady(page) {
  await page.waitForFunction(() => ['ready', 'unavailable'].includes(document.querySelector('[data-testid="lab-state"]')?.dataset.state), null, {
    timeout: 20_000,
  });
  const endpoint = page.getByTestId('lab-state');
  assert.equal(await endpoint.getAttribute('data-state'), 'ready', `the built-in endpoint: ${await endpoint.textContent()}`);
}

/** Waits until the pool has settled and returns its `data-state` and `data-threads`. */
export async function poolState(page) {
  const pool = page.getByTestId('pool-state');
  await page.waitForFunction(
    () => ['ready', 'unavailable'].includes(document.querySelector('[data-testid="pool-state"]')?.dataset.state),
    null,
    { timeout: 30_000 },
  );
  await calibrated(page);
  return { state: await pool.getAttribute('data-state'), threads: Number(await pool.getAttribute('data-threads')) };
}

/** Shows the tab `id` (`lessons`, `cpu`, `io`, `presets`) the way a user does: its link in the navigation. */
export async function showTab(page, id) {
  await page.getByTestId(`tab-${id}`).click();
  await page.waitForFunction((tab) => document.querySelector(`[data-testid="tab-${tab}"]`)?.getAttribute('aria-current') === 'page', id, {
    timeout: 5_000,
  });
}

/**
 * Waits until the start-up calibration is over (it holds back every run that uses the compute worker, a fraction
 * of a second after the worker is ready; it always ends, in the UI thread if the worker fails).
 */
export async function calibrated(page) {
  await page.waitForFunction(() => performance.getEntriesByName('lanes-calibrated').length > 0, null, { timeout: 30_000 });
  await tabsLoaded(page);
}

/**
 * Waits until the lessons, the I/O lab, the presets and the history, which the built page loads in a second module
 * fetched as it mounts, are in.
 */
export async function tabsLoaded(page, timeout = 30_000) {
  await page.waitForFunction(() => performance.getEntriesByName('lanes-tabs-loaded').length > 0, null, { timeout });
}

/**
 * Waits for `count` result rows and returns their data attributes. `polling` is Playwright's: every animation
 * frame by default; the benchmark polls less often, so that the harness takes no frames from what it measures.
 */
export async function resultRows(page, count, timeout = 90_000, polling = 'raf') {
  await page.waitForFunction(
    (expected) => document.querySelectorAll('[data-testid="result-row"]').length >= expected &&
      !document.querySelector('[data-testid="run-button"]')?.textContent.includes('Running'),
    count,
    { timeout, polling },
  );
  return page.$$eval('[data-testid="result-row"]', (rows) => rows.map((row) => ({ ...row.dataset })));
}

/**
 * Asserts that a result row (its dataset) carries a freeze reading: `data-freeze="measured"` and all three
 * numbers. A real bracket spans at least one frame, so its longest gap is above 0 — a default 0 would fail.
 */
export function assertFreezeMeasured(row) {
  assert.equal(row.freeze, 'measured', `${row.mode}: the freeze was measured`);
  for (const key of ['frameGapMs', 'frozenMs', 'longTasks']) {
    assert.ok(row[key] !== undefined && row[key] !== '' && Number(row[key]) >= 0, `${row.mode}: ${key} = ${row[key]}`);
  }
  assert.ok(Number(row.frameGapMs) > 0, `${row.mode}: a measured frame gap is never 0 (got ${row.frameGapMs})`);
}

/** Asserts that a result row says its freeze was not measured and shows no reading (never a default 0). */
export function assertFreezeNotMeasured(row) {
  assert.equal(row.freeze, 'not-measured', `${row.mode}: the freeze was not measured on its own`);
  for (const key of ['frameGapMs', 'frozenMs', 'longTasks']) {
    assert.equal(row[key], undefined, `${row.mode}: no ${key} where nothing was measured`);
  }
}

/**
 * The timeline's spans: `lane`, `startMs`, `durMs` and the span's own `name` (`task 3`, `job`, …), read from its
 * hover title (`<lane> — <name>: starts at … ms, lasts … ms`).
 */
export function timelineSpans(page) {
  return page.$$eval('[data-testid="span"]', (spans) =>
    spans.map((span) => {
      const title = span.querySelector('title')?.textContent ?? '';
      const name = title.match(/^.*? — (.*): starts at [-\d.]+ ms, lasts [-\d.]+ ms$/s)?.[1] ?? '';
      return { ...span.dataset, name };
    }),
  );
}

/** Clicks `testId` and returns the text of the file it offers for download (bounded). */
export async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId(testId).click()]);
  return readFile(await file.path(), 'utf8');
}

/** The Run and Stop buttons and the message line of each experiment that can run. */
const RUN_CONTROLS = [
  { name: 'cpu', run: 'run-button', stop: 'cpu-stop', message: 'form-message' },
  { name: 'io', run: 'io-run', stop: 'io-stop', message: 'io-message' },
  { name: 'preset', run: 'preset-run', stop: 'preset-stop', message: 'preset-message' },
  { name: 'lesson', run: 'lesson-run', stop: 'lesson-stop', message: 'lesson-message' },
];

/**
 * One snapshot (a single evaluation, so no run can start or end between two readings) of every experiment's
 * controls on the page, keyed `cpu`, `io` and `preset` (left out when the page does not show it):
 * `{ running, runDisabled, stopDisabled, message }`.
 */
export function runControls(page) {
  return page.evaluate((controls) => {
    const find = (id) => document.querySelector(`[data-testid="${id}"]`);
    const state = {};
    for (const { name, run, stop, message } of controls) {
      const button = find(run);
      if (!button) continue;
      state[name] = {
        running: button.textContent.includes('Running'),
        runDisabled: button.disabled,
        stopDisabled: find(stop)?.disabled ?? true,
        message: find(message)?.textContent ?? '',
      };
    }
    return state;
  }, RUN_CONTROLS);
}

/**
 * Asserts one run at a time while `running` (`cpu`, `io` or `preset`) is in progress: its Stop is enabled; every
 * other experiment's Run and Stop are disabled and its message line says that `who` (a pattern naming the run)
 * is running, one run at a time.
 */
export async function assertOnlyRun(page, running, who) {
  const state = await runControls(page);
  const seen = JSON.stringify(state);
  assert.equal(state[running]?.running, true, `${running} is running: ${seen}`);
  assert.equal(state[running].stopDisabled, false, `${running}: its own Stop is enabled: ${seen}`);
  const others = Object.entries(state).filter(([name]) => name !== running);
  assert.ok(others.length > 0, `other experiments on the page: ${seen}`);
  for (const [name, control] of others) {
    assert.equal(control.runDisabled, true, `${name}: Run is disabled while ${running} runs`);
    assert.equal(control.stopDisabled, true, `${name}: Stop is disabled while ${running} runs (a Stop is scoped to its run)`);
    assert.match(control.message, /is running/, `${name}'s message says what runs`);
    assert.match(control.message, /one run at a time/, `${name}'s message says why`);
    assert.match(control.message, who, `${name}'s message names the run in progress`);
  }
  return state;
}

/**
 * Waits (bounded) until no run is in progress: every Run button on the page enabled, every Stop disabled and no
 * message saying another run is running. Fails with the controls' state when that does not happen in time.
 */
export async function waitUntilIdle(page, timeout = 30_000) {
  // A run button that is not there yet is not a sign of idleness: the later tabs must be in first.
  await tabsLoaded(page, timeout);
  try {
    await page.waitForFunction(
      (controls) =>
        controls.every(({ run, stop, message }) => {
          const find = (id) => document.querySelector(`[data-testid="${id}"]`);
          const button = find(run);
          return !button || (!button.disabled && !button.textContent.includes('Running') && find(stop)?.disabled !== false &&
            !(find(message)?.textContent ?? '').includes('is running'));
        }),
      RUN_CONTROLS,
      { timeout },
    );
  } catch (error) {
    error.message = `the page did not become idle: ${JSON.stringify(await runControls(page))}\n${error.message}`;
    throw error;
  }
}

/**
 * A real HTTP/1.1 delay server on 127.0.0.1 (a free port) for network cases: tests/loopback-server.mjs, which
 * `.ci/serve.sh` also starts for people. `/delay?ms=300&status=200&bytes=64` answers after the delay with CORS,
 * CORP and Timing-Allow-Origin headers (`cors=0`, `tao=0` leave them out). Returns `{ url, close }`.
 */
export function startLoopback() {
  return startLoopbackServer(0);
}

/** Waits for the I/O run to finish (Run enabled again) and returns result and request rows. */
export async function ioRows(page, modes, timeout = 60_000) {
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="result-row"][data-mode^="io-"]').length >= count &&
      !document.querySelector('[data-testid="io-run"]')?.textContent.includes('Running'),
    modes,
    { timeout },
  );
  const results = await page.$$eval('[data-testid="result-row"][data-mode^="io-"]', (rows) => rows.map((row) => ({ ...row.dataset })));
  const requests = await page.$$eval('[data-testid="request-row"]', (rows) => rows.map((row) => ({ ...row.dataset })));
  return { results, requests };
}

/**
 * The usual spec-file set-up: before the file's tests, the release build served on 127.0.0.1 with `headers`
 * and a fresh browser; after them, both closed. Returns `{ server, browser }`, filled in by the `before` hook.
 */
export function useLab(headers = ISOLATION_HEADERS) {
  const lab = {};
  before(async () => {
    lab.server = await serveStatic(DIST, headers);
    lab.browser = await openBrowser();
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.close();
  });
  return lab;
}
