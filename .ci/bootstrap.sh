#!/usr/bin/env bash
# Installs everything Lanes needs on a fresh Debian machine that has rustup, node and npm. Every step checks
# first and skips when its tool is already there at the right version, so a second run takes seconds.
# Tools built from crates.io go to ~/.cargo/bin (or $CARGO_HOME/bin), which outlives clones of the repository.
# `bootstrap.sh serve` installs only what serving needs (no wasm-pack, no npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-all}

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }
timed() { local started=$SECONDS; "$@"; say "  done in $((SECONDS - started)) s"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)

# 1. The pinned nightly with rust-src (for build-std), rustfmt, clippy and the wasm32 target. Nothing installs
#    itself here (RUSTUP_AUTO_INSTALL=0), so ask rustup explicitly; it reads rust-toolchain.toml.
if rustup component list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^rust-src' &&
   rustup component list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^clippy' &&
   rustup target list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "toolchain $toolchain: present"
else
  say "toolchain $toolchain: installing"
  timed rustup toolchain install --no-self-update
fi

# 1b. Every crate the build needs, std's own included (build-std): Trunk builds with --offline (Trunk.toml), so
#     on a fresh machine nothing would be downloaded otherwise. Takes well under a second once they are there.
say "crates: cargo fetch"
cargo +"$toolchain" fetch --quiet

# 2. Chromium and its driver, from Debian (never a browser download).
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  say "chromium: $(chromium --version 2>/dev/null | head -n 1)"
else
  say "chromium + chromium-driver: installing with apt"
  timed bash -c 'as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null'
fi

# 2b. The other engines, for the cross-engine tests (not for serving), from Debian: Firefox ESR, WebKitGTK's
#     WebKitWebDriver (its package brings the MiniBrowser it drives) and Xvfb (WebKitGTK has no headless mode).
if [ "$purpose" = serve ]; then
  :
elif command -v firefox-esr >/dev/null && command -v WebKitWebDriver >/dev/null && command -v Xvfb >/dev/null; then
  say "firefox: $(firefox-esr --version 2>/dev/null | head -n 1); webkit2gtk-driver: $(dpkg-query -W -f '${Version}' webkit2gtk-driver 2>/dev/null)"
else
  say "firefox-esr + webkit2gtk-driver + xvfb: installing with apt"
  timed bash -c 'as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb >/dev/null'
fi

# 3. wasm-bindgen-cli at exactly the Cargo.lock version (Trunk and the test runner refuse any other).
#    Not --locked: with it, resolution fails against this registry (it lags one webpki-roots patch).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $bindgen_version" ]; then
  say "wasm-bindgen-cli $bindgen_version: present"
else
  say "wasm-bindgen-cli $bindgen_version: building from crates.io (~5 min)"
  timed cargo +"$toolchain" install --quiet --force wasm-bindgen-cli --version "$bindgen_version"
fi

# 4. Trunk. 0.22.1 needs rustc >= 1.96.1, so it is built with the pinned nightly; its own release profile (fat
#    LTO, one codegen unit) would keep one core busy for ~10 more minutes, so both are relaxed.
trunk_version=0.22.1
if [ "$(trunk --version 2>/dev/null)" = "trunk $trunk_version" ]; then
  say "trunk $trunk_version: present"
else
  say "trunk $trunk_version: building from crates.io (~15-20 min on 2 cores)"
  timed env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo +"$toolchain" install --quiet --force --locked trunk --version "$trunk_version"
fi

# 4b. wasm-split-cli, Lanes' fork (crates/wasm-split-cli/LANES.md): .ci/trunk-post-build.sh cuts the page's module
#     in two with it. Built from this repository's copy (its own Cargo.lock), at the version that copy carries.
#     `serve` needs it too (the hook runs on every build).
split_version=$(sed -n 's/^version = "\(.*\)"/\1/p' crates/wasm-split-cli/Cargo.toml | head -n 1)
if [ "$(wasm-split-cli --version 2>/dev/null)" = "wasm-split $split_version" ]; then
  say "wasm-split-cli $split_version: present"
else
  say "wasm-split-cli $split_version: building from crates/wasm-split-cli (~1-2 min)"
  # For this machine: .cargo/config.toml builds for wasm32 with std rebuilt, which a build tool must not.
  host=$(rustc +"$toolchain" -vV | sed -n 's/^host: //p')
  timed cargo +"$toolchain" install --quiet --force --locked --path crates/wasm-split-cli --features build-binary \
    --target "$host" --config 'unstable.build-std=[]' --target-dir target/wasm-split-cli
fi

# 5. wasm-pack, so the wasm tests are checked the way users run them (`wasm-pack test --headless --chrome`);
#    it finds wasm-bindgen and chromedriver on PATH and downloads nothing.
wasm_pack_version=0.15.1
if [ "$purpose" = serve ]; then
  :
elif [ "$(wasm-pack --version 2>/dev/null)" = "wasm-pack $wasm_pack_version" ]; then
  say "wasm-pack $wasm_pack_version: present"
else
  say "wasm-pack $wasm_pack_version: building from crates.io (~4 min)"
  timed cargo +"$toolchain" install --quiet --force wasm-pack --version "$wasm_pack_version"
fi

# 5b. geckodriver, the WebDriver server for Firefox (the cross-engine tests and wasm-bindgen-test in Firefox).
geckodriver_version=0.37.1
if [ "$purpose" = serve ]; then
  :
elif [ "$(geckodriver --version 2>/dev/null | head -n 1)" = "geckodriver $geckodriver_version" ]; then
  say "geckodriver $geckodriver_version: present"
else
  say "geckodriver $geckodriver_version: building from crates.io (~5 min)"
  timed cargo +"$toolchain" install --quiet --force --locked geckodriver --version "$geckodriver_version"
fi

# 6. npm packages for the end-to-end tests, from the committed lockfile.
if [ "$purpose" = serve ]; then
  :
elif cmp -s tests/package-lock.json tests/node_modules/.lanes-installed-lock 2>/dev/null; then
  say "npm packages: present"
else
  say "npm packages: installing from tests/package-lock.json"
  timed npm ci --prefix tests --no-audit --no-fund --loglevel=error
  cp tests/package-lock.json tests/node_modules/.lanes-installed-lock
fi

# 7. Build tools from npm, for serving too: wasm-opt (binaryen 132), which Trunk runs on release builds. Not
#    Debian's binaryen (v108): its output fails at run time (`WebAssembly.Table.set(): Argument 1 is invalid`).
if cmp -s .ci/tools/package-lock.json .ci/tools/node_modules/.lanes-installed-lock 2>/dev/null; then
  say "build tools (wasm-opt): present"
else
  say "build tools (wasm-opt): installing from .ci/tools/package-lock.json"
  timed npm ci --prefix .ci/tools --no-audit --no-fund --loglevel=error
  cp .ci/tools/package-lock.json .ci/tools/node_modules/.lanes-installed-lock
fi
