#!/usr/bin/env bash
# Builds Lanes and serves it at http://127.0.0.1:8080 with cross-origin isolation (headers in Trunk.toml).
# Extra arguments go to `trunk serve` (for example --release).
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/bootstrap.sh serve
# Tools built from crates.io, and wasm-opt from npm (see .ci/bootstrap.sh).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/.ci/tools/node_modules/.bin:$PATH"
exec trunk serve "$@"
