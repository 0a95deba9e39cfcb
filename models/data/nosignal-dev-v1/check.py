#!/usr/bin/env python3
"""Checks nosignal-dev-v1 (see ../nosignal_check.py for every rule)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nosignal_check  # noqa: E402

D = "data/nosignal-dev-v1"
PARTS = [
    (f"{D}/part-c/dev.jsonl", "nsd-c", {"vague": 40, "filler": 35, "noise": 25}),
    (f"{D}/part-d/dev.jsonl", "nsd-d", {"reference": 55, "emoji": 45}),
]

if __name__ == "__main__":
    sys.exit(nosignal_check.run("nosignal-dev-v1", PARTS, exclusive=[]))
