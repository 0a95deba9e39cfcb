#!/usr/bin/env python3
"""Checks voices-dev-v6 (see ../voices_check.py for every rule).

`python3 check.py` checks the whole set; `python3 check.py vd6-la` checks one writer's part
(`vd6-lb`, `vd6-ia`, `vd6-ib` the others); `python3 check.py vd6-la DRAFT.jsonl` checks a
writer's draft of that part alone.
Every other set is compared blind (its texts are never printed): the writers read no dataset.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-dev-v6"


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    draft = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    parts = voices_check.writer_parts(draft or f"{D}/dev.jsonl", "vd6", "h", 5)
    if only is not None and only not in [p[1] for p in parts]:
        sys.exit(f"no part {only!r}: want vd6-la, vd6-lb, vd6-ia or vd6-ib")
    if draft:
        # A writer's draft holds one part: check it alone.
        parts = [p for p in parts if p[1] == only]
    return voices_check.run(
        "voices-dev-v6", parts,
        readable=[],
        blind=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
               "data/voices-train-v2/part-*/train.jsonl", "data/voices-dev-v1/dev.jsonl",
               "data/voices-dev-v2/dev.jsonl", "data/voices-dev-v3/dev.jsonl",
               "data/sealed-test-v1/test.jsonl", "data/sealed-test-v2/test.jsonl",
               "data/sealed-test-v3/test.jsonl", "data/sealed-test-v4/test.jsonl",
               "data/voices-dev-v4/dev.jsonl", "data/voices-train-v3/part-*/train.jsonl",
               "data/sealed-test-v5/test.jsonl", "data/voices-dev-v5/dev.jsonl"],
        only=None if draft else only)


if __name__ == "__main__":
    sys.exit(main())
