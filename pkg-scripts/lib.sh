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
