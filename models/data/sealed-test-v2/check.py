#!/usr/bin/env python3
"""Checks sealed-test-v2 (see ../voices_check.py for every rule); never runs a model.

`python3 check.py` checks both parts; `python3 check.py st2-l` checks the legit part (`st2-i`:
the illicit one). The leakage filter compares every memo against every text anyone trains or
chooses on (template families, veritas-tx-v8, voices-train-v1/v2, voices-dev-v1/v2) and against
sealed-test-v1, and prints only numbers and this set's own ids for those it reads blind.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/sealed-test-v2"
LEGIT, ILLICIT = voices_check.split_categories()
PARTS = [
    (f"{D}/test.jsonl", "st2-l", "s", LEGIT, 6),
    (f"{D}/test.jsonl", "st2-i", "s", ILLICIT, 6),
]

if __name__ == "__main__":
    sys.exit(voices_check.run(
        "sealed-test-v2", PARTS,
        readable=["data/veritas-tx-v8/*.jsonl"],
        blind=["data/voices-train-v1/part-*/train.jsonl", "data/voices-train-v2/part-*/train.jsonl",
               "data/voices-dev-v1/dev.jsonl", "data/voices-dev-v2/dev.jsonl",
               "data/sealed-test-v1/test.jsonl"],
        only=sys.argv[1] if len(sys.argv) > 1 else None,
        plain={"bank-terse", "messenger", "long-form"}))
