#!/usr/bin/env bash
# Runs every test: the Rust workspace's tests, then the end-to-end tests against a real node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/setup.sh"
cd "$VERITAS_ROOT"

echo "== build (target dir: $CARGO_TARGET_DIR)"
# `--all-targets` builds with the features the tests need too, so that `cargo test` and the dev
# chain reuse one set of artifacts instead of rebuilding crates whose features differ.
cargo build --release --workspace --all-targets --locked

echo "== the runtime reaches the classifier only through its interface crate"
if cargo tree --locked -p veritas-runtime -e normal,build | grep -E "candle|tokenizers"; then
	echo "candle or tokenizers is in veritas-runtime's dependency graph" >&2
	exit 1
fi

echo "== cargo test"
cargo test --release --workspace --locked

echo "== benchmark tests (pallet-verdicts, runtime-benchmarks)"
cargo test --release --locked -p pallet-verdicts --features runtime-benchmarks benchmark

echo "== end-to-end tests (node: $VERITAS_NODE)"
cd tests
node --test --test-concurrency=1 e2e/
