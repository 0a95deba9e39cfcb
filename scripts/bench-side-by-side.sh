#!/usr/bin/env bash
# The engine side by side with ONNX Runtime on this machine, in one run (issue #18's
# measurement): the shared harness (`bench_py.py` of ../shared/bench, in a writable copy with
# its venv) runs ONNX Runtime, ONNX Runtime with its BERT fusions and the engine's benchmark
# on the same 512-text corpus, every backend in its own process, batches 1/8/32/64 in corpus
# order and length-sorted, median of 5 passes, peak RSS by the harness. Then it prints a
# Markdown table: the CPU, each backend's texts/s per batch, its best batch against ONNX
# Runtime's best, and its peak RSS.
#
#   scripts/bench-side-by-side.sh [ENGINE_BENCH...]
#
# ENGINE_BENCH: extra builds of `veritas-classifier-bench` to run in the same process order
# (say the engine of another commit), each measured in int8 like this checkout's.
# BENCH_SRC: the shared harness (default ../shared/bench beside the checkout).
# BENCH_WORK: its writable copy and venv (default ~/.cache/veritas/bench; the venv, made by
# the harness' setup.sh on first use, takes ~4.4 GB and a few minutes).
# THREADS: threads of every backend (default 2, the figures of issue #18).
# Run it on an idle machine: only ratios measured in one run mean anything on a shared one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
SRC=${BENCH_SRC:-$VERITAS_ROOT/../shared/bench}
WORK=${BENCH_WORK:-$HOME/.cache/veritas/bench}
MODEL=$VERITAS_ROOT/models/base/all-MiniLM-L6-v2
for f in bench_py.py setup.sh requirements.lock corpus.jsonl; do
	[[ -f $SRC/$f ]] || { echo "error: $SRC/$f not found: set BENCH_SRC to the shared harness (bench_py.py and its files)" >&2; exit 2; }
done
[[ -f $MODEL/model.safetensors ]] || "$VERITAS_ROOT/models/fetch-base.sh"
for bin in "$@"; do
	[[ -x $bin ]] || { echo "error: $bin is not an executable benchmark" >&2; exit 2; }
done

mkdir -p "$WORK"
cp "$SRC"/{bench_py.py,setup.sh,requirements.lock,corpus.jsonl} "$WORK"/
# bench_py.py imports a `corpus` module that the shared folder lacks; the corpus is shipped,
# so reading it is all the harness needs.
cat > "$WORK/corpus.py" <<'PY'
"""Stand-in for the harness' corpus module: the corpus is shipped, never generated."""
import hashlib
import json

N_DEFAULT = 512


def read(path, n=None):
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8") if line.strip()]
    return texts if n is None else texts[:n]


def sha256_file(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def generate(n):
    raise SystemExit("corpus generation is not available; corpus.jsonl is shipped")


def write(path, texts):
    raise SystemExit("corpus generation is not available; corpus.jsonl is shipped")
PY
[[ -x $WORK/.venv/bin/python ]] || (cd "$WORK" && bash setup.sh)

(cd "$VERITAS_ROOT" && cargo build --release --locked -p veritas-classifier --bin veritas-classifier-bench)
B=$CARGO_TARGET_DIR/release/veritas-classifier-bench
# The benchmark's first line names the CPU and the kernels it dispatches to.
CPU=$("$B" --backends fast --batches 1 --passes 1 --limit 1 --corpus "$WORK/corpus.jsonl" --base-dir "$MODEL" 2>/dev/null)
CPU=${CPU%%$'\n'*}
E='--backends fast --batches {batches} --threads {threads} --passes {reps} --corpus {corpus} --base-dir {model}'
extras=() names=()
extra() { names+=("$1"); extras+=(--extra "$1=$2 $E"); }
extra "veritas fast, int8" "$B --precisions int8"
extra "veritas fast, f32" "$B --precisions f32"
# On an AVX-512 CPU, also the int8 kernels that an AVX2-only CPU runs.
if [[ $CPU == *'"kernels":"avx512"'* ]]; then
	extra "veritas fast, int8, --isa avx2" "$B --precisions int8 --isa avx2"
fi
for bin in "$@"; do
	extra "$bin, int8" "$bin --precisions int8"
done

TAG=side-by-side-$(date -u +%H%M%S)
cd "$WORK"
.venv/bin/python bench_py.py "$MODEL" --backends ort,ort-fused --batches 1,8,32,64 --sort \
	--threads "${THREADS:-2}" --reps 5 --no-verify --tag "$TAG" "${extras[@]}" >/dev/null
RESULTS=$(ls -t "$WORK"/results/"$TAG"-*.jsonl | head -1)
echo "results: $RESULTS"
python3 "$VERITAS_ROOT/scripts/bench-table.py" "$RESULTS" "$CPU" "${names[@]}"
