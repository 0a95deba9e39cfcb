# Sourced by the other scripts: one persistent target directory outside the clone, shared by
# every build, test and run, so that CI and a newcomer's second command reuse the first's work.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/veritas/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
VERITAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VERITAS_ROOT
export VERITAS_NODE="$CARGO_TARGET_DIR/release/veritas-node"
