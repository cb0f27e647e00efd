#!/usr/bin/env bash
# Runs every check and test Lanes has: format, clippy (wasm32 and native), native unit tests, wasm-bindgen tests
# in headless Chromium, the release build, and the Playwright end-to-end specs against that build; then the wasm tests
# in Firefox and the cross-engine subset in Firefox and WebKitGTK; and the benchmark's quick run in each engine.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/bootstrap.sh
# Tools built from crates.io, and wasm-opt from npm (see .ci/bootstrap.sh).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.ci/tools/node_modules/.bin:$PATH"

# Every temporary file the tools make goes under one directory, removed on exit (never failing the run). The wasm
# tests' chromedriver left a Chromium profile of about 130 MB in /tmp for each test binary, every run; on this
# machine 81 of them (10 GB) helped fill the disk until a build's linker died with SIGBUS.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lanes-test.XXXXXX")
export TMPDIR=$scratch
cleanup() {
  rm -rf -- "$scratch" 2>/dev/null || { sleep 2; rm -rf -- "$scratch"; } || echo "test.sh: could not remove $scratch" >&2
  return 0
}
trap cleanup EXIT
# Runs a command with a temporary directory of its own, removed as soon as it returns, and returns its status: the
# wasm tests' profiles are not kept through the release build.
own_tmp() {
  local dir status=0
  dir=$(mktemp -d)
  TMPDIR=$dir "$@" || status=$?
  rm -rf -- "$dir" 2>/dev/null || true
  return "$status"
}

host=$(rustc -vV | sed -n 's/^host: //p')
# .cargo/config.toml builds for wasm32 with build-std; native runs name the host and turn build-std off.
native=(--target "$host" --config 'unstable.build-std=[]')

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; shift; local started=$SECONDS; "$@"; printf '   (%s s)\n' "$((SECONDS - started))"; }

step "format" cargo fmt --all -- --check
step "clippy, wasm32" cargo clippy --workspace --all-targets -- -D warnings
step "clippy, wasm32 compute module (no UI: what the compute worker and its pool threads run)" \
  cargo clippy --lib --no-default-features -- -D warnings
step "clippy, wasm32 page as built (feature split: the lessons, I/O lab, presets and history behind their split point)" \
  cargo clippy --lib --features split -- -D warnings
step "clippy, native" cargo clippy "${native[@]}" --workspace --all-targets -- -D warnings
step "native tests (cargo test: the app and the kernels crate)" cargo test "${native[@]}" --workspace
step "native tests of Lanes' fork of wasm-split-cli (cargo test, crates/wasm-split-cli)" \
  cargo test "${native[@]}" --locked --manifest-path crates/wasm-split-cli/Cargo.toml --target-dir target/wasm-split-cli
# wasm-pack runs `cargo test` for wasm32 with the wasm-bindgen test runner, as users run the wasm tests; the Firefox
# run below is the same `cargo test` with geckodriver, so it reuses this compile.
step "wasm tests in headless Chromium (wasm-bindgen-test, through wasm-pack as users run them)" \
  own_tmp wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)"
# LANES_DENY_WARNINGS: the hook's single-threaded builds fail on any warning (see .ci/trunk-post-build.sh), in place
# of a clippy pass of their own.
step "release build (trunk; the single-threaded builds deny warnings)" env LANES_DENY_WARNINGS=1 trunk build --release
# The e2e specs with checks that a busy core could break (the pool beating one worker and using every thread in cpu
# and report; no connection wait at the built-in endpoint in connections and io) run first, alone, and so do the other
# engines' tests. Then the soak (1 000 runs in one tab, about 5 minutes) runs in the background, in a browser and
# server of its own, beside the remaining specs, whose checks are structural or bounded from below; its output follows
# theirs, with its own summary. If a step fails meanwhile, the trap stops it.
alone=(tests/e2e/cpu.test.mjs tests/e2e/connections.test.mjs tests/e2e/io.test.mjs tests/e2e/report.test.mjs)
soak=tests/e2e/soak.test.mjs
others=()
for spec in tests/e2e/*.test.mjs; do
  [[ " ${alone[*]} $soak " == *" $spec "* ]] || others+=("$spec")
done
step "end-to-end tests in headless Chromium that a busy core could break, alone (node --test, Playwright)" \
  node --test --test-concurrency=1 "${alone[@]}"
# The other engines (Debian's Firefox ESR through geckodriver; WebKitGTK through WebKitWebDriver under Xvfb, with
# SharedArrayBuffer hidden as it ships and exposed): the wasm tests in Firefox, and the cross-engine e2e subset.
step "wasm tests in headless Firefox (wasm-bindgen-test, geckodriver)" \
  env GECKODRIVER="$(command -v geckodriver)" GECKODRIVER_ARGS="--binary $(command -v firefox-esr)" \
  cargo test --test web --test pool --test measure --test main_pool
step "cross-engine e2e subset in Firefox (node --test, WebDriver)" node --test tests/engines/firefox.test.mjs
step "cross-engine e2e subset in WebKitGTK, SharedArrayBuffer hidden (node --test, WebDriver)" \
  node --test tests/engines/webkit.test.mjs
step "cross-engine e2e subset in WebKitGTK, SharedArrayBuffer exposed (node --test, WebDriver)" \
  node --test tests/engines/webkit-sab.test.mjs
soak_log=$(mktemp)
node --test "$soak" >"$soak_log" 2>&1 &
soak_pid=$!
trap 'kill "$soak_pid" 2>/dev/null || true; cleanup' EXIT
step "the other end-to-end tests in headless Chromium, the soak beside them (node --test, Playwright)" \
  node --test --test-concurrency=1 "${others[@]}"
soak_result() {
  local status=0
  wait "$soak_pid" || status=$?
  # Reaped: its pid may be reused from here on, so the trap no longer signals it.
  trap cleanup EXIT
  cat "$soak_log"
  return "$status"
}
step "the soak in headless Chromium, beside the step above (node --test, Playwright)" soak_result
step "benchmark, quick mode (completes and writes a valid report; no timing asserts)" \
  env LANES_BENCH_SKIP_BUILD=1 bash .ci/bench.sh --quick
# The same smoke run in the other engines, limited to the scenarios each engine has its own figures for (the pool,
# the frame gaps, the requests). Each run replaces target/bench/report.json and bench.sh checks it at once.
step "benchmark, quick mode, Firefox: P1, P3, P4 (a valid report; no timing asserts)" \
  env LANES_BENCH_SKIP_BUILD=1 bash .ci/bench.sh --quick --engine=firefox --only=P1,P3,P4
step "benchmark, quick mode, WebKitGTK with SharedArrayBuffer exposed: P1, P3, P4 (a valid report; no timing asserts)" \
  env LANES_BENCH_SKIP_BUILD=1 bash .ci/bench.sh --quick --engine=webkit --only=P1,P3,P4
