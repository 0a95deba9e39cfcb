#!/usr/bin/env python3
"""Checks sealed-test-v6 (see ../voices_check.py for every rule); never runs a model, never
prints a memo.

`python3 check.py` checks the whole set (and `ood.jsonl`); `python3 check.py st6-la [DRAFT]`
checks one writer's part (`st6-lb`, `st6-ia`, `st6-ib` the others), in `test.jsonl` or in the
writer's DRAFT file; `python3 check.py ood [DRAFT]` checks `ood.jsonl` (or a draft of it) alone.
Every other set is compared blind: only numbers and this set's own ids are printed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/sealed-test-v6"
# sood6-040 (one-two-words) equalled, after folding case, spaces and punctuation, a training
# memo (nosignal-train-v1) and was removed blind.
OOD_WANT = {k: 20 for k in voices_check.OOD_KINDS} | {"one-two-words": 19}


BLIND = voices_check.every_other_set(D)


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    errors = []
    if only in (None, "ood"):
        draft = os.path.abspath(sys.argv[2]) if only == "ood" and len(sys.argv) > 2 else None
        voices_check.check_sealed_ood(draft or f"{D}/ood.jsonl", r"sood6-\d{3}", OOD_WANT, errors,
                                      long_words=(330, 480))
        if only == "ood":
            return voices_check.finish(errors)
    status = voices_check.writer_set_main("sealed-test-v6", f"{D}/test.jsonl", "st6", "s", 6,
                                          BLIND, sys.argv)
    # The verdict printed last is the whole set's: test.jsonl's above, ood.jsonl's if it failed.
    return (voices_check.finish(errors) if errors else 0) or status


if __name__ == "__main__":
    sys.exit(main())
