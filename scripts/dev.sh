#!/usr/bin/env bash
# Builds the node (first time: about 20–30 minutes on 2 cores) and starts a development chain:
# Alice authors and finalizes, state lives in a temporary directory, RPC on ws://127.0.0.1:9944.
# Extra arguments go to the node, e.g. `scripts/dev.sh --rpc-cors all`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$VERITAS_ROOT/scripts/build.sh"
exec "$VERITAS_NODE" --dev --tmp "$@"
