#!/usr/bin/env bash
# Builds Lanes and serves it at http://127.0.0.1:8080 with cross-origin isolation (headers in Trunk.toml), with an
# HTTP/1.1 delay endpoint beside it on http://127.0.0.1:8081/delay (tests/loopback-server.mjs: the connections
# preset's default; stopped with the page). Extra arguments go to `trunk serve` (for example --release).
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/bootstrap.sh serve
# Tools built from crates.io, and wasm-opt from npm (see .ci/bootstrap.sh).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.ci/tools/node_modules/.bin:$PATH"
if command -v node >/dev/null; then
  node tests/loopback-server.mjs 8081 &
  loopback=$!
  trap 'kill "$loopback" 2>/dev/null || true' EXIT
else
  echo "node is not installed: no HTTP/1.1 delay endpoint on 127.0.0.1:8081 (the connections preset will say so)" >&2
fi
trunk serve "$@"
