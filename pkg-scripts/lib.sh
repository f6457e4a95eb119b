# Shared by the scripts in pkg-scripts/: where builds go, and installing what is missing.
# Sourced, not run. Every step is idempotent and quick when its tool is already there.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# One target directory outside the clone, so fresh clones on this machine reuse builds of burn.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/began/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"

WASM_PACK_VERSION=0.15.1

log() { printf '\n== %s\n' "$*" >&2; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}

need_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return
  log "installing Node.js and npm"
  apt_install nodejs npm
}

# The page's front-end and test dependencies, exactly as package-lock.json pins them.
need_npm_deps() {
  need_node
  if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return; fi
  log "installing npm dependencies (uPlot, http-server, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
}

need_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

need_wasm_pack() {
  [ "$(wasm-pack --version 2>/dev/null)" = "wasm-pack $WASM_PACK_VERSION" ] && return
  log "installing wasm-pack $WASM_PACK_VERSION (about 3 minutes)"
  env -u CARGO_TARGET_DIR cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
}

# wasm-bindgen's CLI must match the library version in Cargo.lock exactly; wasm-pack cannot
# download it here, so it is built from crates.io (without --locked, see shared notes).
need_wasm_bindgen() {
  local version
  version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $version" ] && return
  log "installing wasm-bindgen-cli $version (about 3 minutes)"
  env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$version"
}

# The page's threaded build (www/pkg-threads/) needs wasm32 with shared memory, which only a
# nightly compiler builds (std rebuilt with atomics: -Z build-std). Pinned: the nightly on this
# machine's image (`rustc -V` names its commit) when it is that one, else installed under its
# dated name (a nightly's name is the day after the date its rustc prints). Sets THREADS_RUST.
THREADS_NIGHTLY=nightly-2026-05-20
THREADS_RUSTC_COMMIT=e50aa6fba
need_threads_toolchain() {
  THREADS_RUST=$THREADS_NIGHTLY
  if rustup run nightly rustc -V 2>/dev/null | grep -q "($THREADS_RUSTC_COMMIT "; then THREADS_RUST=nightly; fi
  if ! rustup run "$THREADS_RUST" rustc -V >/dev/null 2>&1; then
    log "installing $THREADS_NIGHTLY (the threaded wasm build needs nightly)"
    rustup toolchain install "$THREADS_NIGHTLY" --profile minimal
  fi
  local installed
  installed=$(rustup component list --installed --toolchain "$THREADS_RUST")
  grep -q '^rust-src' <<<"$installed" || rustup component add rust-src --toolchain "$THREADS_RUST"
  rustup target list --installed --toolchain "$THREADS_RUST" | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown --toolchain "$THREADS_RUST"
}

# Debian's Chromium and its driver, for wasm-bindgen-test and Playwright.
need_chromium() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return
  log "installing Chromium and ChromeDriver"
  apt_install chromium chromium-driver
}

# The native CLI (the dev profile, whose dependencies are optimised: see Cargo.toml).
build_cli() {
  log "building the began CLI (a cold build of burn takes ~20 minutes on 2 cores)"
  cargo build -p began --bin began
  BEGAN="$CARGO_TARGET_DIR/debug/began"
}

# The trainer's threaded wasm package, www/pkg-threads/: what the page's worker loads for the CPU
# backend when the page is cross-origin isolated (docs/threads.md). The same code and SIMD as
# www/pkg/, plus shared memory and rayon (the `threads` feature), without WebGPU. Its own target
# directory: std and every crate are built with other target features.
build_threads() {
  need_threads_toolchain
  need_wasm_bindgen
  local dir="$CARGO_TARGET_DIR-threads"
  # RUSTFLAGS replaces .cargo/config.toml's, so +simd128 is repeated here. The linker is asked
  # for a shared, imported memory of up to 4 GiB (as the single-thread build may grow to) and for
  # the thread-local storage exports wasm-bindgen's thread glue calls (this nightly's rustc no
  # longer asks for them itself). Not stripped by cargo: wasm-bindgen reads the target_features
  # section to know the module is threaded; it drops the names itself.
  local link="--shared-memory --import-memory --max-memory=4294967296 --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base"
  RUSTFLAGS="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 $(printf -- " -C link-arg=%s" $link)" \
    CARGO_TARGET_DIR="$dir" cargo "+$THREADS_RUST" build -p began --lib --target wasm32-unknown-unknown --release \
    --config profile.release.strip=false --no-default-features --features threads -Z build-std=panic_abort,std
  wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir www/pkg-threads --out-name began \
    "$dir/wasm32-unknown-unknown/release/began.wasm"
}
