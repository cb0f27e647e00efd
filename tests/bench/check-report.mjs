// Checks that a benchmark report has the documented shape (schema lanes-bench, version 1). Timing is never
// judged here: only that every scenario produced a row with a name, a unit and a numeric or null figure.
import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';

const report = JSON.parse(await readFile(process.argv[2] ?? 'target/bench/report.json', 'utf8'));
assert.equal(report.schema, 'lanes-bench');
assert.equal(report.version, 1);
for (const key of ['cpu', 'cores', 'memory_gib', 'chromium', 'browser', 'rustc', 'node']) assert.ok(key in report.machine, `machine.${key}`);
assert.ok(['chromium', 'firefox', 'webkit'].includes(report.engine), `engine: ${report.engine}`);
// machine.chromium names Chromium's version only where Chromium ran (null if it could not be read).
if (report.engine !== 'chromium') assert.equal(report.machine.chromium, null, `machine.chromium in a ${report.engine} report`);
// engine_options: how the engine was launched. WebKit says whether SharedArrayBuffer was exposed
// (JSC_useSharedArrayBuffer=true), which its pool scenarios need; the other engines take no options.
const options = report.engine_options;
assert.ok(options !== null && typeof options === 'object' && !Array.isArray(options), 'engine_options is an object');
if (report.engine === 'webkit') assert.equal(typeof options.sharedArrayBuffer, 'boolean', 'engine_options.sharedArrayBuffer');
else assert.deepEqual(options, {}, `engine_options of ${report.engine}`);
assert.ok(Array.isArray(report.native?.kernels) && report.native.kernels.length === 4, 'native kernel timings');
const ids = new Set(report.results.map((result) => result.id));
// A run limited with --only has the scenarios it asked for (and P9a, which costs nothing).
const expected = report.only ?? ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9a', 'P9b'];
for (const id of expected) assert.ok(ids.has(id), `scenario ${id}`);
if (report.engine === 'webkit' && ids.has('P1')) {
  assert.equal(report.engine_options.sharedArrayBuffer, true, 'WebKit measured the pool (P1) with SharedArrayBuffer exposed');
}
for (const result of report.results) {
  assert.equal(typeof result.name, 'string');
  assert.equal(typeof result.unit, 'string');
  assert.ok(result.measured === null || Number.isFinite(result.measured), `${result.id} ${result.name}: ${result.measured}`);
  assert.ok([true, false, null].includes(result.pass));
}
const measured = report.results.filter((result) => result.measured !== null).length;
console.log(`report ok: ${report.results.length} scenarios, ${measured} measured, engine ${report.engine} ${JSON.stringify(report.engine_options)}, commit ${report.commit}`);
