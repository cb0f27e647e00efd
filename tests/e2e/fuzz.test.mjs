// Permalink fuzz: a few hundred random and hostile query strings (script payloads in every parameter, broken
// escapes, huge and negative numbers, refused URL schemes, unknown and repeated keys). Every page must load with
// no page error and no CSP violation, render nothing from the URL as HTML, and run no injected script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab } from './support.mjs';

const CASES = Number(process.env.LANES_FUZZ_CASES ?? 300);
const SEED = Number(process.env.LANES_FUZZ_SEED ?? 20261122);

const lab = useLab();

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=1</script>',
  "'><svg onload=window.__pwned=1>",
  'javascript:window.__pwned=1',
  'JaVaScRiPt:window.__pwned=1',
  'data:text/html,<script>parent.__pwned=1</script>',
  'file:///etc/passwd',
  'blob:http://127.0.0.1/x',
  '//evil.example/x',
  '%', '%zz', '%E0%A4%A', '%00', '\u0000', '\u202e', '🦀', '',
  'A'.repeat(5000),
  '1e30', '-1', '-0', 'NaN', 'Infinity', '0x10', '99999999999999999999999', '1.5', ' 7 ', '1_000', '2,000',
  '__proto__', 'constructor', 'toString',
];
const KEYS = ['experiment', 'preset', 'kernel', 'n', 't', 'r', 'modes', 'autorun', 'target', 'k', 'ms', 'timeout', 'debug', 'x', '__proto__', ''];
const VALID = {
  experiment: ['cpu', 'io'],
  preset: ['pipeline', 'stream', 'pool-start', 'sweep', 'handoff'],
  kernel: ['sum-loop', 'chunked-sum', 'primes', 'mandelbrot'],
  n: ['1', '1000', '4000000000', '4000000001'],
  t: ['1', '64', '65'],
  r: ['1', '5', '21'],
  modes: ['main', 'worker,pool', 'main,,pool', 'single,race', 'bounded'],
  target: ['/lab/delay?ms=1', 'https://127.0.0.1:1/', 'http://[::1', '/lab/delay?ms=1&status=500'],
};

function pick(random, list) {
  return list[Math.floor(random() * list.length)];
}

function query(random) {
  const pairs = [];
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i += 1) {
    const key = pick(random, KEYS);
    const value = random() < 0.6 ? pick(random, HOSTILE) : pick(random, VALID[key] ?? HOSTILE);
    // Half the time the value is escaped properly, otherwise it goes in raw (broken escapes included).
    pairs.push(`${random() < 0.3 ? pick(random, HOSTILE) : key}=${random() < 0.5 ? encodeURIComponent(value) : value}`);
  }
  // Autorun only with work that is small or refused, so the fuzz stays quick: never presets, tiny CPU sizes.
  if (random() < 0.15) {
    return random() < 0.5
      ? `experiment=io&n=2&ms=1&target=${encodeURIComponent(pick(random, [...HOSTILE, ...VALID.target]))}&autorun=1`
      : `kernel=${pick(random, VALID.kernel)}&n=${pick(random, ['8', '100', ...HOSTILE])}&r=1&autorun=1`;
  }
  return pairs.join('&');
}

test(`${CASES} random and hostile permalinks: no page error, nothing injected`, { timeout: 20 * 60_000 }, async (t) => {
  const { page } = lab.browser;
  const random = mulberry32(SEED);
  t.diagnostic(`seed ${SEED} (LANES_FUZZ_SEED to replay)`);
  for (let i = 0; i < CASES; i += 1) {
    const search = query(random);
    const url = `${lab.server.url}/?${search}`;
    try {
      await page.goto(url);
      // The page, and the lessons, the I/O lab and the presets (a second module), which read most of the parameters.
      await page.waitForFunction(() => performance.getEntriesByName('lanes-tabs-loaded').length > 0, null, { timeout: 20_000 });
      const found = await page.evaluate(() => ({
        pwned: window.__pwned,
        injected: document.querySelectorAll('img, iframe, object, embed, script:not([src])').length,
      }));
      assert.equal(found.pwned, undefined, 'an injected script ran');
      assert.equal(found.injected, 0, 'markup from the URL reached the page');
      lab.browser.assertNoPageErrors();
    } catch (error) {
      error.message = `case ${i}: ${url.slice(0, 300)}\n${error.message}`;
      throw error;
    }
  }
});
