#!/usr/bin/env python3
"""Checks the sealed test set (test.jsonl, ood.jsonl) next to this script (see ../voices_check.py
for every rule on test.jsonl); stdlib only, never loads or runs a model, never prints a memo text.

test.jsonl: one part, ids st-NNNN, every category of `models/src/templates.rs`, family ids
`<category>/s<k>` with 6 families of 3 wordings per category, plain voices bank-terse, messenger
and long-form; leakage filter against every wording in `models/families/*.txt` and every memo in
`models/data/veritas-tx-v8/*.jsonl` (below 0.5).

ood.jsonl (`voices_check.check_ood`): valid JSON, exactly the string fields id, text, kind,
unique ids ood-NNN, known kinds, non-empty texts without surrounding spaces, `long` texts of
300 to 600 words.

Exit status 0 when everything passes, 1 otherwise. Prints a summary table.
"""

import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/sealed-test-v1"
CATS = voices_check.categories()  # name -> illicit, in templates.rs order
PARTS = [(f"{D}/test.jsonl", "st", "s", list(CATS), 6)]
def main():
    c = voices_check.check(PARTS, ["data/veritas-tx-v8/*.jsonl"], [],
                           plain={"bank-terse", "messenger", "long-form"})
    rows = c.rows
    kinds = voices_check.check_ood(f"{D}/ood.jsonl", r"ood-\d{3}", c.errors)

    by_cat = collections.defaultdict(list)
    for j, r, _ in c.res:
        by_cat[r["category"]].append((j, r))
    print(f"test.jsonl: {len(rows)} memos; leakage filter against {c.n_refs} distinct existing "
          f"wordings/memos (bound {voices_check.BOUND})")
    print(f"{'category':<18} {'label':<8} {'n':>3} {'fams':>4} {'hard':>4} {'maxJ':>6}")
    for cat, ill in CATS.items():
        xs = by_cat[cat]
        mj = max((j for j, _ in xs), default=0.0)
        print(f"{cat:<18} {'illicit' if ill else 'legit':<8} {len(xs):>3} "
              f"{len({r['family'] for _, r in xs}):>4} {sum(r['hard'] for _, r in xs):>4} "
              f"{mj:>6.3f}")
    labels = collections.Counter(r["label"] for r in rows)
    print(f"labels: legit {labels['legit']}, illicit {labels['illicit']}")
    print("voice               n  hard")
    voices = collections.Counter(r["voice"] for r in rows)
    vhard = collections.Counter(r["voice"] for r in rows if r["hard"])
    for v in sorted(voices):
        print(f"{v:<18} {voices[v]:>3} {vhard[v]:>5}")
    nh = sum(r["hard"] for r in rows)
    print(f"hard share: {nh}/{len(rows)} = {nh / max(len(rows), 1):.3f}")
    words = sorted(len(r["text"].split()) for r in rows)
    if words:
        print(f"memo length (words): min {words[0]}, median {words[len(words) // 2]}, "
              f"max {words[-1]}")
    if c.res:
        j, r, src = max(c.res, key=lambda x: x[0])
        print(f"max Jaccard: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        top = sorted(c.res, key=lambda x: -x[0])[:5]
        print("top 5: " + ", ".join(f"{r['id']} {j:.3f}" for j, r, _ in top))
    print("ood.jsonl: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(voices_check.OOD_KINDS))
          + f"; total {sum(kinds.values())}")
    return voices_check.finish(c.errors)


if __name__ == "__main__":
    sys.exit(main())
