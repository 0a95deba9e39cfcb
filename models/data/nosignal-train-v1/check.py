#!/usr/bin/env python3
"""Checks nosignal-train-v1 (see ../nosignal_check.py for every rule): no memo may equal one of
the no-signal dev set, the OOD dev set or any sealed set (those compared blind)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nosignal_check  # noqa: E402

D = "data/nosignal-train-v1"
PARTS = [
    (f"{D}/part-a/train.jsonl", "nst-a", {"vague": 87, "filler": 67}),
    (f"{D}/part-b/train.jsonl", "nst-b", {"reference": 100, "emoji": 39, "noise": 30}),
]
EXCLUSIVE = [
    "data/nosignal-dev-v1/part-*/dev.jsonl",
    "data/ood-dev-v1/ood.jsonl",
    "data/sealed-test-v1/*.jsonl",
    "data/sealed-test-v2/test.jsonl",
    "data/sealed-test-v3/*.jsonl",
]

if __name__ == "__main__":
    sys.exit(nosignal_check.run("nosignal-train-v1", PARTS, EXCLUSIVE))
