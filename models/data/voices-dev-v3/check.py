#!/usr/bin/env python3
"""Checks voices-dev-v3 (see ../voices_check.py for every rule).

`python3 check.py` checks the whole set; `python3 check.py vd3-la` checks one writer's part
(`vd3-lb`, `vd3-ia`, `vd3-ib` the others).
Every other set is compared blind (its texts are never printed): the writers read no dataset.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-dev-v3"
PARTS = voices_check.writer_parts(f"{D}/dev.jsonl", "vd3", "g", 5)

if __name__ == "__main__":
    sys.exit(voices_check.run(
        "voices-dev-v3", PARTS,
        readable=[],
        blind=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
               "data/voices-train-v2/part-*/train.jsonl", "data/voices-dev-v1/dev.jsonl",
               "data/voices-dev-v2/dev.jsonl", "data/sealed-test-v1/test.jsonl",
               "data/sealed-test-v2/test.jsonl",
               "data/sealed-test-v3/test.jsonl"],
        only=sys.argv[1] if len(sys.argv) > 1 else None))
