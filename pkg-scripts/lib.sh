# Shared by the scripts in pkg-scripts/: where builds go, and installing what is missing.
# Sourced, not run. Every step is idempotent and quick when its tool is already there.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# One target directory outside the clone, so fresh clones on this machine reuse builds of burn.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/began/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log() { printf '\n== %s\n' "$*" >&2; }

need_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return
  log "installing Node.js and npm"
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
}

need_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# The native CLI (the dev profile, whose dependencies are optimised: see Cargo.toml).
build_cli() {
  log "building the began CLI (a cold build of burn takes ~20 minutes on 2 cores)"
  cargo build -p began --bin began
  BEGAN="$CARGO_TARGET_DIR/debug/began"
}
