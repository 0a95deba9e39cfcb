#!/usr/bin/env python3
"""Checks voices-dev-v8 (see ../voices_check.py for every rule).

`python3 check.py` checks the whole set; `python3 check.py vd8-la` checks one writer's part
(`vd8-lb`, `vd8-ia`, `vd8-ib` the others); `python3 check.py vd8-la DRAFT.jsonl` checks a
writer's draft of that part alone.
Every other set is compared blind (its texts are never printed): the writers read no dataset.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

BLIND = voices_check.every_other_set("data/voices-dev-v8")

if __name__ == "__main__":
    sys.exit(voices_check.writer_set_main(
        "voices-dev-v8", "data/voices-dev-v8/dev.jsonl", "vd8", "h", 5, BLIND, sys.argv))
