#!/usr/bin/env python3
"""Checks sealed-test-v3 (see ../voices_check.py for every rule; `check_ood` for ood.jsonl);
never runs a model, never prints a memo.

`python3 check.py` checks the whole set; `python3 check.py st3-la` checks one writer's part
(`st3-lb`, `st3-ia`, `st3-ib` the others).
Every other set is compared blind: only numbers and this set's own ids are printed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/sealed-test-v3"
PARTS = voices_check.writer_parts(f"{D}/test.jsonl", "st3", "s", 6)



def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    errors = []
    if only is None:
        voices_check.check_sealed_ood(f"{D}/ood.jsonl", r"sood3-\d{3}",
                                      {k: 20 for k in voices_check.OOD_KINDS}, errors,
                                      long_words=(330, 480))
    status = voices_check.run(
        "sealed-test-v3", PARTS,
        readable=[],
        blind=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
               "data/voices-train-v2/part-*/train.jsonl", "data/voices-dev-v1/dev.jsonl",
               "data/voices-dev-v2/dev.jsonl", "data/voices-dev-v3/dev.jsonl",
               "data/sealed-test-v1/test.jsonl", "data/sealed-test-v2/test.jsonl"],
        only=only,
        plain={"bank-terse", "messenger", "long-form"})
    # The verdict printed last is the whole set's: test.jsonl's above, ood.jsonl's if it failed.
    return (voices_check.finish(errors) if errors else 0) or status


if __name__ == "__main__":
    sys.exit(main())
