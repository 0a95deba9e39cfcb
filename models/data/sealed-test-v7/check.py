#!/usr/bin/env python3
"""Checks sealed-test-v7 (see ../voices_check.py for every rule); never runs a model, never
prints a memo.

`python3 check.py` checks the whole set (and `ood.jsonl`); `python3 check.py st7-la [DRAFT]`
checks one writer's part (`st7-lb`, `st7-ia`, `st7-ib` the others), in `test.jsonl` or in the
writer's DRAFT file; `python3 check.py ood [DRAFT]` checks `ood.jsonl` (or a draft of it) alone.
Every other set is compared blind: only numbers and this set's own ids are printed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

# sood7-032 (one-two-words) equalled, after folding case, spaces and punctuation, a training
# memo (nosignal-train-v1) and was removed blind.
OOD_WANT = {k: 20 for k in voices_check.OOD_KINDS} | {"one-two-words": 19}


if __name__ == "__main__":
    sys.exit(voices_check.sealed_set_main("data/sealed-test-v7", "st7", "sood7", OOD_WANT,
                                          sys.argv))
