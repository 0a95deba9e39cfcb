#!/usr/bin/env python3
"""Checks voices-train-v3 (see ../voices_check.py for every rule).

`python3 check.py` checks all four parts; `python3 check.py vt3-ia` checks one (`vt3-la`,
`vt3-lb`, `vt3-ib` the others); `python3 check.py vt3-ia DRAFT.jsonl` checks a writer's draft of
that part alone. Every other set is compared blind (its texts are never printed): the writers
read no dataset.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-train-v3"
# Illicit categories get more families: wrong approvals (illicit memos called legit) are the
# failure the chain pays for.
FAMILIES = {"la": 8, "lb": 8, "ia": 12, "ib": 12}


def parts(draft):
    out = []
    for path, prefix, _, cats, _ in voices_check.writer_parts(None, "vt3", "t", 0):
        w = prefix.split("-")[1]
        out.append((draft or f"{D}/part-{w}/train.jsonl", prefix, "t", cats, FAMILIES[w]))
    return out


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    draft = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    ps = parts(draft)
    if only is not None and only not in [p[1] for p in ps]:
        sys.exit(f"no part {only!r}: want vt3-la, vt3-lb, vt3-ia or vt3-ib")
    if draft:
        ps = [p for p in ps if p[1] == only]
    return voices_check.run(
        "voices-train-v3", ps,
        readable=[],
        blind=voices_check.every_other_set(D),
        only=None if draft else only)


if __name__ == "__main__":
    sys.exit(main())
