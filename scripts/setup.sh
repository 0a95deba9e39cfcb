#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test Veritas: protoc, the wasm target for the
# runtime, Node.js (for the end-to-end tests) and the tests' npm packages. Safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
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
