#!/usr/bin/env bash
# Regenerates runtime/src/weights/pallet_verdicts.rs from pallet-verdicts' benchmarks, on this
# machine: builds the node with `runtime-benchmarks` (a larger dependency tree; the storage-access
# test runtime's wasm is not needed for `benchmark pallet` and is skipped), then runs every
# benchmark of the pallet against the development preset.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/setup.sh"
cd "$VERITAS_ROOT"
SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
	cargo build --release --locked -p veritas-node --features runtime-benchmarks
"$VERITAS_NODE" benchmark pallet \
	--runtime "$CARGO_TARGET_DIR/release/wbuild/veritas-runtime/veritas_runtime.compact.compressed.wasm" \
	--genesis-builder runtime --genesis-builder-preset development \
	--pallet pallet_verdicts --extrinsic '*' \
	--steps 20 --repeat 10 --wasm-execution compiled --heap-pages 4096 \
	--output runtime/src/weights/pallet_verdicts.rs
echo "Rebuild without the feature (scripts/test.sh) before running the node again."
