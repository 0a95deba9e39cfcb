#!/usr/bin/env python3
"""Checks voices-dev-v2 (see ../voices_check.py for every rule).

`python3 check.py` checks both parts; `python3 check.py vd2-l` checks the legit part (`vd2-i`: the illicit one).
The leakage filter compares against the template families, veritas-tx-v8, voices-train-v1 and
voices-dev-v1 (readable), and voices-train-v2 and the sealed test set (blind: their texts are
never printed).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-dev-v2"
LEGIT, ILLICIT = voices_check.split_categories()
PARTS = [
    (f"{D}/dev.jsonl", "vd2-l", "e", LEGIT, 4),
    (f"{D}/dev.jsonl", "vd2-i", "e", ILLICIT, 4),
]

if __name__ == "__main__":
    sys.exit(voices_check.run(
        "voices-dev-v2", PARTS,
        readable=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
                  "data/voices-dev-v1/dev.jsonl"],
        blind=["data/voices-train-v2/part-*/train.jsonl", "data/sealed-test-v1/test.jsonl"],
        only=sys.argv[1] if len(sys.argv) > 1 else None))
