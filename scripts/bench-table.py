#!/usr/bin/env python3
"""Markdown table of one side-by-side run (scripts/bench-side-by-side.sh).

usage: bench-table.py RESULTS.jsonl CPU_LINE NAME...

RESULTS.jsonl: the harness' rows, ONNX Runtime's first (named `ort-sorted`, `ort-fused-sorted`),
then one job per NAME, each the engine benchmark's rows (corpus order and `-sorted`). A job's
rows share the harness' `peak_rss_mb` and `load1_before`, which is how they are told apart.
CPU_LINE: the benchmark's first line (`{"event":"cpu",...}`).
"""
import json
import sys

BATCHES = [1, 8, 32, 64]


def jobs(rows):
    """Consecutive rows of one process (same peak RSS and load before it)."""
    out = []
    for r in rows:
        key = (r["peak_rss_mb"], r["load1_before"])
        if out and out[-1][0] == key:
            out[-1][1].append(r)
        else:
            out.append((key, [r]))
    return [rs for _, rs in out]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, cpu, names = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
    rows = [json.loads(line) for line in open(path) if line.strip()]
    ort = {b: [r for r in rows if r["backend"] == b] for b in ("ort-sorted", "ort-fused-sorted")}
    engine = jobs([r for r in rows if not r["backend"].startswith("ort")])
    if any(len(v) != len(BATCHES) for v in ort.values()) or len(engine) != len(names):
        sys.exit(f"{path}: expected {len(BATCHES)} rows per ONNX Runtime backend and "
                 f"{len(names)} engine runs, found {[len(v) for v in ort.values()]} and {len(engine)}")
    best_ort = max(r["texts_per_s"] for v in ort.values() for r in v)
    print(f"CPU: {cpu.get('model')}; features {', '.join(cpu.get('features', []))}; "
          f"kernels {cpu.get('kernels')}, int8 kernel {cpu.get('int8_kernel')}; "
          f"{rows[0].get('threads', 2)} threads, median of {rows[0].get('reps')} passes, "
          f"{rows[0].get('n_texts')} texts, {rows[0].get('avg_tokens')} tokens per text.\n")
    print("texts/s, length-sorted unless marked; the ratio is the best batch against ONNX "
          f"Runtime's best ({best_ort:.1f}).\n")
    print("| backend | " + " | ".join(f"batch {b}" for b in BATCHES) + " | best / ORT best | peak RSS |")
    print("| --- | " + " | ".join("---:" for _ in BATCHES) + " | ---: | ---: |")

    def line(label, rs):
        by = {r["batch"]: r["texts_per_s"] for r in rs}
        missing = [b for b in BATCHES if b not in by]
        if missing:
            sys.exit(f"{label}: no row for batch {missing}")
        best = max(by.values())
        cells = " | ".join(f"**{by[b]:.1f}**" if by[b] == best else f"{by[b]:.1f}" for b in BATCHES)
        print(f"| {label} | {cells} | {best / best_ort:.2f}× | {rs[0]['peak_rss_mb']:.0f} MB |")

    line("ONNX Runtime", ort["ort-sorted"])
    line("ONNX Runtime, BERT fusions", ort["ort-fused-sorted"])
    for name, rs in zip(names, engine):
        line(name, [r for r in rs if r["backend"].endswith("-sorted")])
        line(f"{name}, corpus order", [r for r in rs if not r["backend"].endswith("-sorted")])


if __name__ == "__main__":
    main()
