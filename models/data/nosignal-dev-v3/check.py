#!/usr/bin/env python3
"""Checks nosignal-dev-v3 (see ../nosignal_check.py for every rule): no memo may equal a
training memo of nosignal-train-v1 (compared blind)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nosignal_check  # noqa: E402

D = "data/nosignal-dev-v3"
PARTS = [
    (f"{D}/part-g/dev.jsonl", "nsd3-g", {"vague": 38, "filler": 33, "noise": 21}),
    (f"{D}/part-h/dev.jsonl", "nsd3-h", {"reference": 55, "emoji": 39}),
]
EXCLUSIVE = ["data/nosignal-train-v1/part-*/train.jsonl"]

if __name__ == "__main__":
    sys.exit(nosignal_check.run("nosignal-dev-v3", PARTS, EXCLUSIVE))
