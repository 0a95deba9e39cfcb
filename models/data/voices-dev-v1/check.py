#!/usr/bin/env python3
"""Checks the voices dev set, dev.jsonl next to this script (see ../voices_check.py for every
rule); stdlib only, never loads or runs a model.

One part: ids vd-NNNN, every category of `models/src/templates.rs`, family ids
`<category>/d<k>` with 4 families of 3 wordings per category (300 memos), plain voices
bank-terse, messenger and long-form. Set-specific: per category the hard voices are 4
`scam-vocab-legit` (legit) or 2 `mixed` + 2 `bland-illicit` (illicit).

Leakage filter: against the template families and veritas-tx-v8 (readable), and the sealed test
set `models/data/sealed-test-v1/test.jsonl`, read programmatically only: this script prints just
the max Jaccard against it and the ids of DEV memos at or above the bound, never a sealed text or
id (a missing sealed set is an error). Every max must be below 0.5.

Exit status 0 when everything passes, 1 otherwise.
"""

import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-dev-v1"
SEALED = "data/sealed-test-v1/test.jsonl"
CATS = voices_check.categories()  # name -> illicit, in templates.rs order
PARTS = [(f"{D}/dev.jsonl", "vd", "d", list(CATS), 4)]
HARD_PER_CATEGORY = {  # voice counts every category must have
    "legit": {"scam-vocab-legit": 4},
    "illicit": {"mixed": 2, "bland-illicit": 2},
}
B = voices_check.BOUND


def main():
    c = voices_check.check(PARTS, ["data/veritas-tx-v8/*.jsonl"], [SEALED],
                           plain={"bank-terse", "messenger", "long-form"})
    rows, errors = c.rows, c.errors
    by_cat = collections.defaultdict(list)
    for j, r, _ in c.res:
        by_cat[r["category"]].append((j, r))
    for cat in CATS:
        vc = collections.Counter(r["voice"] for _, r in by_cat[cat])
        for v, k in HARD_PER_CATEGORY["illicit" if CATS[cat] else "legit"].items():
            if vc[v] != k:
                errors.append(f"category {cat}: {vc[v]} {v}, want {k}")

    print(f"dev.jsonl: {len(rows)} memos; leakage filter against {c.n_refs} distinct "
          f"families/v8 wordings (bound {B})")
    print(f"{'category':<18} {'label':<8} {'n':>3} {'fams':>4} {'hard':>4} {'B':>2} {'M':>2} "
          f"{'L':>2} {'maxJ':>6}")
    for cat in CATS:
        xs = [r for _, r in by_cat[cat]]
        vc = collections.Counter(r["voice"] for r in xs)
        mj = max((j for j, _ in by_cat[cat]), default=0.0)
        lab = "illicit" if CATS[cat] else "legit"
        print(f"{cat:<18} {lab:<8} {len(xs):>3} {len({r['family'] for r in xs}):>4} "
              f"{sum(r['hard'] for r in xs):>4} {vc['bank-terse']:>2} {vc['messenger']:>2} "
              f"{vc['long-form']:>2} {mj:>6.3f}")
    labels = collections.Counter(r["label"] for r in rows)
    print(f"labels: legit {labels['legit']}, illicit {labels['illicit']}")
    print("voice                n")
    voices = collections.Counter(r["voice"] for r in rows)
    for v in sorted(voices):
        print(f"{v:<18} {voices[v]:>3}")
    nh = sum(r["hard"] for r in rows)
    print(f"hard share: {nh}/{len(rows)} = {nh / max(len(rows), 1):.3f}")
    words = sorted(len(r["text"].split()) for r in rows)
    if words:
        print(f"memo length (words): min {words[0]}, median {words[len(words) // 2]}, "
              f"max {words[-1]}")
    if c.res:
        j, r, src = max(c.res, key=lambda x: x[0])
        print(f"max Jaccard vs families + v8: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        top = sorted(c.res, key=lambda x: -x[0])[:5]
        print("top 5: " + ", ".join(f"{r['id']} {j:.3f}" for j, r, _ in top))
    _, n, mx, hits = c.blind[0]
    if n is None:
        errors.append(f"sealed test set not found at {voices_check.models_path(SEALED)}")
    else:
        print(f"max Jaccard vs sealed test ({n} distinct memos, texts not shown): {mx:.3f}; "
              f"dev ids >= {B}: {', '.join(hits) if hits else 'none'}")
    return voices_check.finish(errors)


if __name__ == "__main__":
    sys.exit(main())
