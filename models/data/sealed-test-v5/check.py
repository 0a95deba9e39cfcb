#!/usr/bin/env python3
"""Checks sealed-test-v5 (see ../voices_check.py for every rule); never runs a model, never
prints a memo.

`python3 check.py` checks the whole set (and `ood.jsonl`); `python3 check.py st5-la [DRAFT]`
checks one writer's part (`st5-lb`, `st5-ia`, `st5-ib` the others), in `test.jsonl` or in the
writer's DRAFT file; `python3 check.py ood [DRAFT]` checks `ood.jsonl` (or a draft of it) alone.
Every other set is compared blind: only numbers and this set's own ids are printed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/sealed-test-v5"
# sood5-035, -040 (one-two-words) and -053 (emoji-only) equalled, after folding case, spaces and
# punctuation, a training memo (nosignal-train-v1) and were removed blind.
OOD_WANT = {k: 20 for k in voices_check.OOD_KINDS} | {"one-two-words": 18, "emoji-only": 19}


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    draft = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    errors = []
    if only in (None, "ood"):
        voices_check.check_sealed_ood(draft if only == "ood" and draft else f"{D}/ood.jsonl",
                                      r"sood5-\d{3}", OOD_WANT, errors, long_words=(330, 480))
        if only == "ood":
            return voices_check.finish(errors)
    parts = voices_check.writer_parts(draft or f"{D}/test.jsonl", "st5", "s", 6)
    if only is not None and only not in [p[1] for p in parts]:
        sys.exit(f"no part {only!r}: want st5-la, st5-lb, st5-ia, st5-ib or ood")
    if draft:
        # A writer's draft holds one part: check it alone.
        parts = [p for p in parts if p[1] == only]
    status = voices_check.run(
        "sealed-test-v5", parts,
        readable=[],
        blind=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
               "data/voices-train-v2/part-*/train.jsonl",
               "data/voices-train-v3/part-*/train.jsonl", "data/voices-dev-v1/dev.jsonl",
               "data/voices-dev-v2/dev.jsonl", "data/voices-dev-v3/dev.jsonl",
               "data/voices-dev-v4/dev.jsonl", "data/sealed-test-v1/test.jsonl",
               "data/sealed-test-v2/test.jsonl", "data/sealed-test-v3/test.jsonl",
               "data/sealed-test-v4/test.jsonl"],
        only=None if draft else only)
    # The verdict printed last is the whole set's: test.jsonl's above, ood.jsonl's if it failed.
    return (voices_check.finish(errors) if errors else 0) or status


if __name__ == "__main__":
    sys.exit(main())
