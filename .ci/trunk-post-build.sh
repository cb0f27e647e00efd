#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): runs in Trunk's staging directory after every build.
#
# 1. Builds the same crate a second time without threads (no atomics, no shared memory) into `st/`: a browser
#    that is not cross-origin isolated cannot instantiate a shared-memory module, so it gets this one.
# 2. Replaces Trunk's inline loader script with `boot.js` (from www/boot.js), which picks the build at load time
#    by what the browser can do — so the page carries no inline script at all and its Content-Security-Policy
#    needs no hash.
set -euo pipefail
staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"

threaded_js=$(cd "$staging" && ls lanes-*.js)
threaded_wasm=$(cd "$staging" && ls lanes-*_bg.wasm)

profile=debug
cargo_profile=()
if [[ "${TRUNK_PROFILE:-debug}" == release ]]; then
  profile=release
  cargo_profile=(--release)
fi
# Empty RUSTFLAGS replaces .cargo/config.toml's atomics and shared-memory flags; the plain std is enough.
CARGO_ENCODED_RUSTFLAGS="" cargo build --lib "${cargo_profile[@]}" --target wasm32-unknown-unknown \
  --target-dir target/single-thread --config 'unstable.build-std=[]' --quiet
wasm-bindgen --target web --no-typescript --out-dir "$staging/st" --out-name lanes \
  "target/single-thread/wasm32-unknown-unknown/$profile/lanes.wasm"
# Release: the same wasm-opt level Trunk applies to the threaded build (index.html, data-wasm-opt).
if [[ $profile == release ]]; then
  level=$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html)
  wasm-opt "-O${level:?index.html names no data-wasm-opt level}" "$staging/st/lanes_bg.wasm" -o "$staging/st/lanes_bg.wasm"
fi

# boot.js (www/boot.js, with BUILD filled in) checks what the threaded build needs — isolation, SharedArrayBuffer, a
# shared memory of the build's own maximum, nested module workers — and loads it or st/. The memory's pages come
# from the JS wasm-bindgen generated, which creates the threaded build's memory exactly so.
memory=$(grep -o 'new WebAssembly\.Memory({initial:[0-9]*,maximum:[0-9]*,shared:true})' "$staging/$threaded_js" | head -n 1 || true)
initial=$(sed -n 's/.*initial:\([0-9]*\).*/\1/p' <<<"$memory")
maximum=$(sed -n 's/.*maximum:\([0-9]*\).*/\1/p' <<<"$memory")
if [[ -z $initial || -z $maximum ]]; then
  echo "trunk-post-build: $threaded_js creates no shared memory with a maximum (see .cargo/config.toml's link args)" >&2
  exit 1
fi
build="{ threaded: { js: './${threaded_js}', wasm: './${threaded_wasm}' }, memory: { initial: ${initial}, maximum: ${maximum} } }"
sed "s|/\*@BUILD@\*/ null|${build}|" www/boot.js >"$staging/boot.js"
if ! grep -qF "const BUILD = ${build};" "$staging/boot.js"; then
  echo "trunk-post-build: www/boot.js has no 'const BUILD = /*@BUILD@*/ null;' to fill in" >&2
  exit 1
fi

perl -0pi -e 's{<script type="module">\s*import init, \* as bindings from .*?</script>}{<script type="module" src="./boot.js"></script>}s' \
  "$staging/index.html"
# The threaded wasm is preloaded only where it will be used: boot.js decides.
perl -0pi -e 's{<link rel="preload" href="[^"]*_bg\.wasm"[^>]*>}{}g' "$staging/index.html"
if ! grep -q '<script type="module" src="./boot.js"></script>' "$staging/index.html" ||
  grep -q '<script type="module">' "$staging/index.html"; then
  echo "trunk-post-build: Trunk's loader script was not where expected in index.html" >&2
  exit 1
fi
