#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): runs in Trunk's staging directory after every build.
#
# 1. Builds the compute module — the same crate without its UI (`--no-default-features`) — into `compute/`: the
#    compute worker and its pool threads instantiate it, not the page's module.
# 2. Builds the page and the compute module again without threads (no atomics, no shared memory) into `st/` and
#    `st/compute/`: a browser that is not cross-origin isolated cannot instantiate a shared-memory module.
# 3. Cuts each page's module in two (the `split` feature, crates/wasm-split-cli/LANES.md): the first paint's module
#    and, loaded once the page has mounted, the lessons, the I/O lab, the presets and the history (src/page/app.rs).
# 4. Replaces Trunk's inline loader script with `boot.js` (from www/boot.js), which picks the build at load time
#    by what the browser can do — so the page carries no inline script at all and its Content-Security-Policy
#    needs no hash.
set -euo pipefail
staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
cd "${TRUNK_SOURCE_DIR:-$(dirname "$0")/..}"

threaded_js=$(cd "$staging" && ls lanes-*.js)
threaded_wasm=$(cd "$staging" && ls lanes-*_bg.wasm)

profile=debug
page_profile=()
compute_profile=()
if [[ "${TRUNK_PROFILE:-debug}" == release ]]; then
  profile=release
  # The page at the release profile (opt-level "z", the kernels at 3); the compute modules at `compute` (opt-level
  # 3 throughout: no UI, and everything in them is on the kernels' path). See Cargo.toml.
  page_profile=(--release)
  compute_profile=(--profile compute)
fi
# The .wasm cargo built for the lanes cdylib, read from cargo's own report. Each build has a target directory of its
# own: a cdylib's file name carries no hash, so two feature sets in one directory would overwrite each other's
# lanes.wasm, and cargo, finding the other build fresh, would hand out the wrong one.
built_wasm() {
  local path
  path=$(cargo build --lib --target wasm32-unknown-unknown --message-format=json-render-diagnostics --quiet "$@" |
    grep '"reason":"compiler-artifact"' | grep '"name":"lanes"' | grep -o '"[^"]*/lanes\.wasm"' | tail -n 1 | tr -d '"')
  if [[ -z $path || ! -f $path ]]; then
    echo "trunk-post-build: cargo reported no lanes.wasm for: $*" >&2
    exit 1
  fi
  echo "$path"
}
# wasm-bindgen, then in release the wasm-opt level given: $1 wasm, $2 out dir, $3 out name, $4 wasm-opt level,
# $5 further wasm-opt arguments (split on spaces, as Trunk splits data-wasm-opt-params).
bindgen() {
  wasm-bindgen --target web --no-typescript --out-dir "$2" --out-name "$3" "$1"
  if [[ $profile == release ]]; then
    local params
    read -r -a params <<<"${5:-}"
    wasm-opt "-O$4" "${params[@]}" "$2/$3_bg.wasm" -o "$2/$3_bg.wasm"
  fi
}
# The page's module, cut at its split points by wasm-split-cli (crates/wasm-split-cli/LANES.md), which reads the
# relocations the `split` feature links in (build.rs): $1 the raw wasm cargo linked, $2 the out dir, $3 the out name
# of the page's JS (wasm-split-cli's `__wasm_split.js` imports it by that name: the same URL boot.js imports, so the
# same module instance), $4 the page's wasm file name in $2, $5 the wasm-opt level, $6 further wasm-opt arguments.
# Each part goes through wasm-bindgen (the main module) and wasm-opt like a page's module. The parts' file names
# (the split points' `split_*.wasm`, and any `chunk_*.wasm` two of them share) and `__wasm_split.js` get a hash of
# their content, so a page loaded before a deployment never instantiates a part of the next one against its own
# module (it gets a 404, and the page says the part could not be loaded).
split_page() {
  local work="$2/.split"
  rm -rf "$work"
  mkdir -p "$work/bindgen"
  RUST_LOG=error wasm-split-cli "$1" "$work" --target web --out-name "$3"
  wasm-bindgen --target web --no-typescript --out-dir "$work/bindgen" --out-name "$3" "$work/$3.wasm"
  rm "$work/$3.wasm"
  mv "$work/bindgen/$3.js" "$2/$3.js"
  mv "$work/bindgen/$3_bg.wasm" "$2/$4"
  if [[ -d "$work/bindgen/snippets" ]]; then
    cp -r "$work/bindgen/snippets" "$2/"
  fi
  local params part name hashed hash
  read -r -a params <<<"${6:-}"
  if [[ $profile == release ]]; then
    wasm-opt "-O$5" "${params[@]}" "$2/$4" -o "$2/$4"
  fi
  for part in "$work"/*.wasm; do
    name=$(basename "$part")
    if [[ $name != split_*.wasm && $name != chunk_*.wasm ]]; then
      echo "trunk-post-build: wasm-split-cli wrote $name, which no loader names" >&2
      exit 1
    fi
    if [[ $profile == release ]]; then
      wasm-opt "-O$5" "${params[@]}" "$part" -o "$part"
    fi
    hashed="${name%.wasm}-$(sha256sum "$part" | cut -c1-16).wasm"
    mv "$part" "$2/$hashed"
    sed -i "s|\"./${name}\"|\"./${hashed}\"|" "$work/__wasm_split.js"
    grep -qF "\"./${hashed}\"" "$work/__wasm_split.js" ||
      { echo "trunk-post-build: __wasm_split.js does not load $name" >&2; exit 1; }
  done
  hash=$(sha256sum "$work/__wasm_split.js" | cut -c1-16)
  mv "$work/__wasm_split.js" "$2/__wasm_split-${hash}.js"
  sed -i "s|from \"./__wasm_split.js\"|from \"./__wasm_split-${hash}.js\"|" "$2/$3.js"
  grep -qF "from \"./__wasm_split-${hash}.js\"" "$2/$3.js" ||
    { echo "trunk-post-build: $3.js does not import __wasm_split.js" >&2; exit 1; }
  rm -rf "$work"
}
# The page's own level and arguments (index.html, data-wasm-opt and data-wasm-opt-params) for the single-threaded
# page, as Trunk applies them to the threaded one; the compute modules, which are mostly kernels, at -O3 (speed).
page_level=$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html)
page_params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)

# 1. The compute module (no UI: `--no-default-features`), threaded. (Each artifact is read into a variable first: a
#    failing command substitution inside another command's arguments would not stop the script.)
wasm=$(built_wasm "${compute_profile[@]}" --target-dir target/compute --no-default-features)
bindgen "$wasm" "$staging/compute" lanes_compute 3
# 2. The single-threaded page (cut in two, step 3) and compute module. CARGO_ENCODED_RUSTFLAGS replaces .cargo/config.toml's atomics
#    and shared-memory flags (the plain std is enough): the page keeps only Leptos's `erase_components` (see
#    .cargo/config.toml), the compute module, which has no Leptos, nothing.
#    The test command sets LANES_DENY_WARNINGS=1: these two builds then fail on any rustc warning. That stands in for
#    a clippy pass of their own; clippy's threaded passes see the same code, except the few lines under
#    `not(target_feature = "atomics")`.
deny=""
if [[ ${LANES_DENY_WARNINGS:-} == 1 ]]; then
  deny=-Dwarnings
fi
single=(--config 'unstable.build-std=[]')
page_flags=$'--cfg\x1ferase_components'
if [[ -n $deny ]]; then
  page_flags+=$'\x1f'"$deny"
fi
wasm=$(CARGO_ENCODED_RUSTFLAGS=$page_flags built_wasm "${page_profile[@]}" "${single[@]}" --features split \
  --target-dir target/single-thread)
split_page "$wasm" "$staging/st" lanes lanes_bg.wasm "${page_level:?index.html names no data-wasm-opt level}" "$page_params"
wasm=$(CARGO_ENCODED_RUSTFLAGS="$deny" built_wasm "${compute_profile[@]}" "${single[@]}" --target-dir target/single-thread-compute \
  --no-default-features)
bindgen "$wasm" "$staging/st/compute" lanes_compute 3
# 3. The threaded page: Trunk built it with the `split` feature (index.html) and ran wasm-bindgen and wasm-opt on it
#    whole; the same cargo build (cargo finds it fresh: the release build's log shows no second compile) is cut, and
#    its parts replace Trunk's JS and wasm under Trunk's names. Trunk's integrity hash of the JS (its modulepreload link) is updated to match.
wasm=$(built_wasm "${page_profile[@]}" --features split)
split_page "$wasm" "$staging" "${threaded_js%.js}" "$threaded_wasm" "$page_level" "$page_params"
integrity="sha384-$(openssl dgst -sha384 -binary "$staging/$threaded_js" | base64 -w0)"
perl -pi -e 's{(<link rel="modulepreload" href="\./\Q'"$threaded_js"'\E"[^>]*integrity=")[^"]*}{${1}'"$integrity"'}' "$staging/index.html"
grep -qF "$integrity" "$staging/index.html" ||
  { echo "trunk-post-build: no integrity for $threaded_js in index.html to update" >&2; exit 1; }

# The compute modules' file names are fixed, so boot.js asks for them with `?v=` and a hash of what was built: a
# browser's cached copy from an earlier deployment never meets a newer page.
version() { cat "$staging/$1"/*.js "$staging/$1"/*.wasm | sha256sum | cut -c1-16; }
compute_version=$(version compute)
single_version=$(version st/compute)

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
compute="{ js: './compute/lanes_compute.js?v=${compute_version}', wasm: './compute/lanes_compute_bg.wasm?v=${compute_version}' }"
single_compute="{ js: './st/compute/lanes_compute.js?v=${single_version}', wasm: './st/compute/lanes_compute_bg.wasm?v=${single_version}' }"
build="{ threaded: { js: './${threaded_js}', wasm: './${threaded_wasm}' }, memory: { initial: ${initial}, maximum: ${maximum} }, compute: ${compute}, singleCompute: ${single_compute} }"
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
