#!/usr/bin/env bash
# Lanes' benchmark command: builds the release app, times the kernels natively (release, this machine, this
# run), drives headless Chromium through fixed scenarios, prints measured vs target with PASS/MISS and writes
# target/bench/report.json. Run it on an idle machine; `--quick` is the CI smoke run (tiny sizes, no meaning);
# `--only=P1,P5` runs just those scenario groups; `--engine=firefox|webkit|chromium` (default chromium) picks the
# browser: Firefox and WebKit run the CPU and I/O scenarios (P1–P4), driven by tests/engines/webdriver.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/bootstrap.sh
# Tools built from crates.io, and wasm-opt from npm (see .ci/bootstrap.sh).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.ci/tools/node_modules/.bin:$PATH"
host=$(rustc -vV | sed -n 's/^host: //p')
mode=()
for arg in "$@"; do
  case "$arg" in
    --quick) mode=(--quick) ;;
    --engine=chromium | --engine=firefox | --engine=webkit) ;;
    --engine=*) echo "bench.sh: $arg: the engine is chromium, firefox or webkit" >&2; exit 2 ;;
  esac
done

mkdir -p target/bench
if [ ! -f dist/index.html ] || [ "${LANES_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  trunk build --release
fi
cargo run --quiet --release --target "$host" --config 'unstable.build-std=[]' --example native-bench -- "${mode[@]}" \
  > target/bench/native.json
node tests/bench/bench.mjs --native=target/bench/native.json "$@"
node tests/bench/check-report.mjs target/bench/report.json
