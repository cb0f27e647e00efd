// The driver layer for the engines other than Chromium: a small W3C WebDriver client (classic WebDriver over HTTP,
// no package) that speaks to geckodriver (Firefox ESR) and WebKitWebDriver (WebKitGTK's MiniBrowser) alike, and on
// top of it a page object with the subset of Playwright's Page API that tests/e2e/support.mjs's helpers use —
// `goto`, `evaluate`, `waitForFunction`, `$$eval`, `getByTestId`, `locator`, `waitForTimeout` — so the cross-engine
// specs and the benchmark call the same helpers (`poolState`, `resultRows`, `ioRows`, `timelineSpans`, …) as the
// Chromium suite. Why WebDriver and not puppeteer-core's BiDi: see ARCHITECTURE.md, "Every engine".
//
// Every wait is bounded; the drivers and browsers listen on 127.0.0.1 only and are ended by `close()` (and, should
// the process die first, by an exit hook that kills what this module started, by process group).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from '../e2e/support.mjs';

/** The engines this layer drives: `firefox` (geckodriver) and `webkit` (WebKitWebDriver). */
export const ENGINES = ['firefox', 'webkit'];

const say = (text) => process.stderr.write(`[engines] ${text}\n`);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** `name` on PATH, or null. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** geckodriver: `$GECKODRIVER`, PATH, or where .ci/bootstrap.sh installs it (cargo's bin directory). */
export function geckodriverPath() {
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'geckodriver');
  const found = process.env.GECKODRIVER ?? onPath('geckodriver') ?? (existsSync(cargoBin) ? cargoBin : null);
  if (!found) throw new Error('geckodriver not found: run .ci/bootstrap.sh (it installs geckodriver from crates.io)');
  return found;
}

/** Debian's firefox-esr (or `$FIREFOX`). */
export function firefoxPath() {
  const found = process.env.FIREFOX ?? onPath('firefox-esr') ?? onPath('firefox');
  if (!found) throw new Error('firefox-esr not found: run .ci/bootstrap.sh (apt package firefox-esr)');
  return found;
}

/** WebKitGTK's MiniBrowser (package libwebkit2gtk-4.1-0, in the multiarch library directory), or `$MINIBROWSER`. */
export function miniBrowserPath() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  for (const arch of readdirSync('/usr/lib')) {
    for (const api of ['webkit2gtk-4.1', 'webkitgtk-6.0', 'webkit2gtk-4.0']) {
      const candidate = join('/usr/lib', arch, api, 'MiniBrowser');
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error('WebKitGTK MiniBrowser not found: run .ci/bootstrap.sh (apt package webkit2gtk-driver)');
}

/** WebKitWebDriver from Debian's webkit2gtk-driver (or `$WEBKIT_WEBDRIVER`). */
export function webkitDriverPath() {
  const found = process.env.WEBKIT_WEBDRIVER ?? onPath('WebKitWebDriver');
  if (!found) throw new Error('WebKitWebDriver not found: run .ci/bootstrap.sh (apt package webkit2gtk-driver)');
  return found;
}

/** A free TCP port on 127.0.0.1 (for the drivers that want one named). */
async function freePort() {
  const server = createServer();
  await new Promise((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

// Children this module started. Each leads a process group of its own (`detached`), because the browsers are the
// drivers' children (and start content processes of their own): killing a driver alone leaves its browser running.
// So every end kills the whole group, and a group stays listed until `stop` has killed it — the exit hook then
// also takes the browser of a driver that died by itself.
const groups = new Set();

/** Sends `signal` to `child`'s process group, which may be gone already. */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: nothing of the group is left
  }
}

const killAll = () => {
  for (const child of groups) signalGroup(child, 'SIGKILL');
};
process.once('exit', killAll);
// A detached group no longer gets the terminal's Ctrl-C, and a signal that ends this process skips the exit hook:
// kill the groups first, then let the signal end the process as it would have, unless someone else (node's test
// runner) handles it.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Starts `command` as a group leader, keeping the tail of its output for error messages; `LANES_ENGINES_VERBOSE=1` echoes it. */
function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  groups.add(child);
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (process.env.LANES_ENGINES_VERBOSE === '1') say(`${command.split('/').pop()}: ${line}`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, tail };
}

/**
 * Ends a child and its group: SIGTERM to the group, SIGKILL after `grace` ms; once the child is gone, SIGKILL to
 * what is left of the group (a browser its driver did not end).
 */
async function stop(child, grace = 5_000) {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((done) => child.once('exit', done));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), grace);
    await gone;
    clearTimeout(timer);
  }
  signalGroup(child, 'SIGKILL');
  groups.delete(child);
}

/**
 * An X server for WebKitGTK, which has no headless mode: Xvfb on a display it picks itself (`-displayfd`), no TCP.
 * Bounded: fails after 15 s without a display number.
 */
async function startXvfb() {
  const { child, tail } = start('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const errors = () => tail.join('\n');
  const display = await new Promise((done, fail) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`Xvfb gave no display within 15 s: ${errors()}`)), 15_000);
    child.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        done(`:${text.trim()}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Xvfb exited (${code}): ${errors()}`));
    });
  }).catch(async (error) => {
    await stop(child);
    throw error;
  });
  return { display, close: () => stop(child) };
}

/** A WebDriver error with the driver's error code (`no such element`, `timeout`, …). */
class WebDriverError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** One WebDriver session: `command(method, path, body)` under `/session/<id>`, each request bounded. */
class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  static async create(base, capabilities) {
    const value = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } }, 90_000);
    return new Session(base, value.sessionId, value.capabilities);
  }

  command(method, path, body, timeout = 120_000) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeout);
  }
}

async function request(base, method, path, body, timeout) {
  let response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    throw new Error(`WebDriver ${method} ${path}: ${error.name === 'TimeoutError' ? `no answer within ${timeout} ms` : error.message}`);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`WebDriver ${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
  }
  if (!response.ok || parsed.value?.error) {
    throw new WebDriverError(parsed.value?.error ?? `HTTP ${response.status}`, `${method} ${path}: ${parsed.value?.message ?? text.slice(0, 300)}`);
  }
  return parsed.value;
}

/** Waits (bounded) until the driver at `base` says it is ready; fails early if its process exits. */
async function driverReady(base, { child, tail }, what) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${tail.join('\n')}`);
    try {
      const status = await request(base, 'GET', '/status', undefined, 2_000);
      if (status?.ready !== false) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${what} was not ready within 20 s:\n${tail.join('\n')}`);
}

/**
 * A copy of the release `dist/` (support.mjs's DIST) with tests/engines/probe.js as the page's first script — the
 * page errors a classic WebDriver client cannot hear. Served by support.mjs's `serveStatic`, like DIST itself.
 */
export async function probedDist() {
  const root = await mkdtemp(join(tmpdir(), 'lanes-engines-dist-'));
  await cp(DIST, root, { recursive: true });
  await cp(fileURLToPath(new URL('./probe.js', import.meta.url)), join(root, 'lanes-engine-probe.js'));
  const html = await readFile(join(root, 'index.html'), 'utf8');
  const patched = html.replace(/<script\b/, '<script src="./lanes-engine-probe.js"></script>\n    <script');
  if (patched === html) throw new Error(`${DIST}/index.html has no script to put the probe before`);
  await writeFile(join(root, 'index.html'), patched);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Starts `engine` (`firefox` or `webkit`) under its WebDriver and opens one page. `sharedArrayBuffer` (WebKit only)
 * sets `JSC_useSharedArrayBuffer=true` in the driver's environment, which WebKitGTK needs to expose
 * SharedArrayBuffer even on a cross-origin isolated page; without it the variable is removed.
 * Returns `{ engine, browser, page, pageErrors, assertNoPageErrors(), close() }`, shaped like support.mjs's
 * `openBrowser()` result.
 */
export async function launchEngine(engine, { sharedArrayBuffer = false } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const cleanups = [];
  const timeouts = { script: 120_000, pageLoad: 60_000, implicit: 0 };
  let session;
  try {
    if (engine === 'firefox') {
      const profiles = await mkdtemp(join(tmpdir(), 'lanes-firefox-'));
      cleanups.push(() => rm(profiles, { recursive: true, force: true }));
      const driver = start(geckodriverPath(), [
        '--host', '127.0.0.1', '--port', String(port), '--websocket-port', String(await freePort()), '--profile-root', profiles,
      ]);
      cleanups.push(() => stop(driver.child));
      await driverReady(base, driver, 'geckodriver');
      session = await Session.create(base, {
        browserName: 'firefox',
        pageLoadStrategy: 'normal',
        timeouts,
        'moz:firefoxOptions': {
          binary: firefoxPath(),
          args: ['-headless', '--width=1280', '--height=1024'],
          prefs: { 'browser.shell.checkDefaultBrowser': false, 'app.update.auto': false, 'datareporting.policy.dataSubmissionEnabled': false },
        },
      });
    } else if (engine === 'webkit') {
      const env = { ...process.env };
      if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
        const xvfb = await startXvfb();
        cleanups.push(xvfb.close);
        env.DISPLAY = xvfb.display;
      }
      if (sharedArrayBuffer) env.JSC_useSharedArrayBuffer = 'true';
      else delete env.JSC_useSharedArrayBuffer;
      const driver = start(webkitDriverPath(), [`--port=${port}`, '--host=local'], { env });
      cleanups.push(() => stop(driver.child));
      await driverReady(base, driver, 'WebKitWebDriver');
      session = await Session.create(base, {
        pageLoadStrategy: 'normal',
        timeouts,
        'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation'] },
      });
    } else {
      throw new Error(`unknown engine ${engine}: one of ${ENGINES.join(', ')}`);
    }
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    throw error;
  }
  const caps = session.capabilities;
  const browser = `${caps.browserName} ${caps.browserVersion}`;
  await session.command('POST', '/window/rect', { width: 1280, height: 1024 }).catch(() => {});
  const page = new Page(session);
  return {
    engine,
    browser,
    page,
    pageErrors: page.pageErrors,
    async assertNoPageErrors() {
      await page.collect();
      if (page.pageErrors.length > 0) throw new Error(`page errors in ${browser}:\n${page.pageErrors.join('\n')}`);
    },
    async close() {
      await session.command('DELETE', '', undefined, 30_000).catch((error) => say(`closing the ${engine} session: ${error.message}`));
      for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => say(`cleaning up ${engine}: ${error.message}`));
    },
  };
}

/** How a function (or an expression string) is sent: its source, called with one JSON argument. */
const callSource = (fn) => (typeof fn === 'function' ? `(${fn.toString()})` : `(() => (${fn}))`);

/**
 * A page in the session, with the Playwright Page methods support.mjs's helpers and the benchmark use. Scripts run
 * through WebDriver's "execute async script", which waits for a promise the way Playwright's `evaluate` does.
 */
class Page {
  constructor(session) {
    this.session = session;
    this.pageErrors = [];
  }

  /** Moves the probe's list (tests/engines/probe.js) into `pageErrors`; console errors are only echoed. */
  async collect() {
    let entries = [];
    try {
      entries = await this.evaluate(() => {
        try {
          const list = JSON.parse(sessionStorage.getItem('lanes-engine-probe') ?? '[]');
          sessionStorage.removeItem('lanes-engine-probe');
          return list;
        } catch {
          return [];
        }
      });
    } catch {
      return; // no page yet (about:blank before the first navigation)
    }
    for (const entry of entries ?? []) {
      if (entry.kind === 'console') process.stderr.write(`[browser console] ${entry.text}\n`);
      else this.pageErrors.push(`${entry.text} (on ${entry.url})`);
    }
  }

  async goto(url) {
    await this.collect();
    await this.session.command('POST', '/url', { url });
  }

  /** Runs `fn(arg)` in the page and returns its (awaited, JSON) result; a throw in the page throws here. */
  evaluate(fn, arg) {
    return this.evaluateSource(callSource(fn), arg);
  }

  /**
   * Runs the function whose source is `source` with `arg`. Sources are put together here, in the script WebDriver
   * runs, never by `new Function` in the page: the page's Content-Security-Policy has no 'unsafe-eval'.
   */
  async evaluateSource(source, arg) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => ${source}(arguments[0]))
        .then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }));`;
    const result = await this.session.command('POST', '/execute/async', { script, args: [arg === undefined ? null : arg] });
    if (result && 'error' in result) throw new Error(`evaluate in the page: ${result.error}`);
    return result?.value;
  }

  /**
   * Polls `fn(arg)` until it returns something truthy and returns that. `polling`: ms between polls (Playwright's
   * 'raf' becomes 100 ms — each poll is a round trip to the driver). A poll that throws (the page navigating)
   * counts as not yet. Bounded by `timeout`.
   */
  async waitForFunction(fn, arg, { timeout = 30_000, polling = 'raf' } = {}) {
    const interval = typeof polling === 'number' ? polling : 100;
    const deadline = Date.now() + timeout;
    let last = null;
    for (;;) {
      try {
        const value = await this.evaluate(fn, arg);
        if (value) return value;
        last = null;
      } catch (error) {
        last = error;
      }
      if (Date.now() >= deadline) {
        const source = String(fn).replace(/\s+/g, ' ').slice(0, 240);
        throw new Error(`waitForFunction: not true within ${timeout} ms: ${source}${last ? `\nlast error: ${last.message}` : ''}`);
      }
      await sleep(interval);
    }
  }

  /** `fn(elements, arg)` over every element matching `selector`. */
  $$eval(selector, fn, arg) {
    return this.evaluateSource(`(([css, value]) => ${callSource(fn)}([...document.querySelectorAll(css)], value))`, [selector, arg ?? null]);
  }

  waitForTimeout(ms) {
    return sleep(ms);
  }

  locator(selector) {
    return new Locator(this, selector);
  }

  getByTestId(id) {
    return new Locator(this, `[data-testid="${id}"]`);
  }
}

/**
 * The first element matching a CSS selector, with the Playwright Locator methods the specs use. Actions wait
 * (bounded) for the element to be attached, visible and enabled, like Playwright's, then act through WebDriver
 * (real clicks and keystrokes); `selectOption` sets the value and fires input/change, as Playwright does.
 */
class Locator {
  constructor(page, selector) {
    this.page = page;
    this.selector = selector;
  }

  getByTestId(id) {
    return new Locator(this.page, `${this.selector} [data-testid="${id}"]`);
  }

  /** Waits until the element is in a state (`attached`, `visible`, `enabled`: visible and not disabled). */
  async #until(state, timeout = 30_000) {
    await this.page.waitForFunction(
      ([css, wanted]) => {
        const element = document.querySelector(css);
        if (!element) return false;
        if (wanted === 'attached') return true;
        const visible = element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
        return wanted === 'visible' ? visible : visible && !element.disabled;
      },
      [this.selector, state],
      { timeout },
    );
  }

  async #element() {
    const found = await this.page.session.command('POST', '/element', { using: 'css selector', value: this.selector });
    return found[ELEMENT];
  }

  /** Runs `fn(element, arg)` on the element once it is attached. */
  async #on(fn, arg) {
    await this.#until('attached');
    return this.page.evaluateSource(`(([css, value]) => ${callSource(fn)}(document.querySelector(css), value))`, [this.selector, arg ?? null]);
  }

  /** Acts on the element through WebDriver, retrying while the page re-renders under it (bounded). */
  async #act(action, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.#until('enabled', Math.max(1_000, deadline - Date.now()));
      try {
        return await action(await this.#element());
      } catch (error) {
        const retry = ['stale element reference', 'element click intercepted', 'element not interactable', 'no such element'];
        if (!retry.includes(error.code) || Date.now() >= deadline) throw error;
        await sleep(100);
      }
    }
  }

  click({ timeout } = {}) {
    return this.#act((id) => this.page.session.command('POST', `/element/${id}/click`, {}), timeout);
  }

  fill(value) {
    return this.#act(async (id) => {
      await this.page.session.command('POST', `/element/${id}/clear`, {});
      if (String(value) !== '') await this.page.session.command('POST', `/element/${id}/value`, { text: String(value) });
    });
  }

  async setChecked(checked) {
    if ((await this.#on((element) => element.checked)) !== checked) await this.click();
    if ((await this.#on((element) => element.checked)) !== checked) throw new Error(`${this.selector}: still not checked=${checked}`);
  }

  check() {
    return this.setChecked(true);
  }

  uncheck() {
    return this.setChecked(false);
  }

  async selectOption(value) {
    await this.#until('enabled');
    const chosen = await this.#on((element, wanted) => {
      if (![...element.options].some((option) => option.value === wanted)) return false;
      element.value = wanted;
      element.dispatchEvent(new Event('input', { bubbles: true }));
      element.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    }, value);
    if (!chosen) throw new Error(`${this.selector}: no option ${value}`);
  }

  getAttribute(name) {
    return this.#on((element, attribute) => element.getAttribute(attribute), name);
  }

  textContent() {
    return this.#on((element) => element.textContent);
  }

  inputValue() {
    return this.#on((element) => element.value);
  }

  isDisabled() {
    return this.#on((element) => element.disabled === true);
  }

  isVisible() {
    return this.page.evaluate((css) => {
      const element = document.querySelector(css);
      return Boolean(element) && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
    }, this.selector);
  }

  count() {
    return this.page.evaluate((css) => document.querySelectorAll(css).length, this.selector);
  }

  waitFor({ state = 'visible', timeout = 30_000 } = {}) {
    return this.#until(state, timeout);
  }
}

/**
 * Clicks `testId` (an export button) and returns `{ name, text }` of the file the page offered. The page offers a
 * file by clicking an `<a download>` on a blob URL; WebDriver has no download events, so a hook installed in the
 * page first keeps the blob of every object URL and takes such a click instead of the browser (no file is written,
 * no dialog opens). Bounded: 10 s for the file to be offered.
 */
export async function captureDownload(page, testId) {
  await page.evaluate(() => {
    if (window.lanesDownloads) return;
    window.lanesDownloads = [];
    const blobs = new Map();
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = function created(object) {
      const url = createObjectURL.call(URL, object);
      blobs.set(url, object);
      return url;
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function clicked() {
      if (this.hasAttribute('download') && blobs.has(this.href)) {
        window.lanesDownloads.push({ name: this.download, blob: blobs.get(this.href) });
        return undefined;
      }
      return click.call(this);
    };
  });
  await page.getByTestId(testId).click();
  return page.waitForFunction(
    async () => {
      const file = window.lanesDownloads.shift();
      return file ? { name: file.name, text: await file.blob.text() } : null;
    },
    null,
    { timeout: 10_000 },
  );
}
