#!/usr/bin/env python3
"""Checks nosignal-dev-v2 (see ../nosignal_check.py for every rule): no memo may equal a
training memo of nosignal-train-v1 (compared blind)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nosignal_check  # noqa: E402

D = "data/nosignal-dev-v2"
PARTS = [
    (f"{D}/part-e/dev.jsonl", "nsd2-e", {"vague": 37, "filler": 27, "noise": 21}),
    (f"{D}/part-f/dev.jsonl", "nsd2-f", {"reference": 55, "emoji": 43}),
]
EXCLUSIVE = ["data/nosignal-train-v1/part-*/train.jsonl"]

if __name__ == "__main__":
    sys.exit(nosignal_check.run("nosignal-dev-v2", PARTS, EXCLUSIVE))
