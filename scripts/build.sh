#!/usr/bin/env bash
# Builds everything (release) into the persistent target directory: the node
# ($HOME/.cache/veritas/target/release/veritas-node), the runtime, the engine and the tools.
# First time about 20–30 minutes on 2 cores; `scripts/dev.sh` and `scripts/test.sh` run it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/setup.sh"
cd "$VERITAS_ROOT"
# `--all-targets` builds with the features the tests need too, so that `cargo test` and the dev
# chain reuse one set of artifacts instead of rebuilding crates whose features differ.
cargo build --release --workspace --all-targets --locked
