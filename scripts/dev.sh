#!/usr/bin/env bash
# Builds the node (first time: about 20–30 minutes on 2 cores) and starts a development chain:
# Alice authors and finalizes, state lives in a temporary directory, RPC on ws://127.0.0.1:9944.
# Extra arguments go to the node, e.g. `scripts/dev.sh --rpc-cors all`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/setup.sh"
cd "$VERITAS_ROOT"
# `--all-targets` builds with the features the tests need too, so that `cargo test` and the dev
# chain reuse one set of artifacts instead of rebuilding crates whose features differ.
cargo build --release --workspace --all-targets --locked
exec "$VERITAS_NODE" --dev --tmp "$@"
