#!/usr/bin/env bash
# Runs every test: the Rust workspace's tests, the end-to-end tests against a real node, then
# the fault suite of 4-validator networks spawned with zombienet-sdk.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/setup.sh"
cd "$VERITAS_ROOT"
export VERITAS_NODE_FAULTY="$CARGO_TARGET_DIR/release/veritas-node-faulty"

echo "== build (target dir: $CARGO_TARGET_DIR)"
# The Byzantine node of the network fault suite first (the same build plus the node's
# `fault-injection` feature, so only the node and its classifier host recompile), kept as
# veritas-node-faulty; then the default build puts the real veritas-node back in place.
cargo build --release --workspace --all-targets --locked --features veritas-node/fault-injection
cp "$VERITAS_NODE" "$VERITAS_NODE_FAULTY"
"$VERITAS_ROOT/scripts/build.sh"
if "$VERITAS_NODE" --help | grep -q -- --fault-invert-votes; then
	echo "the default veritas-node has the fault-injection switch" >&2
	exit 1
fi

echo "== the runtime reaches the classifier only through its interface crate"
if cargo tree --locked -p veritas-runtime -e normal,build | grep -E "candle|tokenizers"; then
	echo "candle or tokenizers is in veritas-runtime's dependency graph" >&2
	exit 1
fi

echo "== hand-written data sets: fields, counts and leakage filters (models/data/*/check.py)"
for check in models/data/*/check.py; do
	python3 "$check" >/dev/null || { python3 "$check" | tail -20; echo "$check failed" >&2; exit 1; }
	echo "$check: ok"
done

echo "== cargo test"
cargo test --release --workspace --locked

echo "== benchmark tests (pallet-verdicts, runtime-benchmarks)"
cargo test --release --locked -p pallet-verdicts --features runtime-benchmarks benchmark

echo "== the Byzantine classifier's unit test (veritas-classifier-host, fault-injection)"
cargo test --release --locked -p veritas-classifier-host --features fault-injection --lib fault

echo "== end-to-end tests (node: $VERITAS_NODE)"
(cd tests && node --test --test-concurrency=1 e2e/)

echo "== network fault suite: 4-validator zombienet networks (tests/network, its own workspace)"
(cd tests/network && cargo test --release --locked -- --test-threads=1)
