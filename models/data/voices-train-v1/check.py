#!/usr/bin/env python3
"""Checks voices-train-v1: the three parts' train.jsonl (see ../voices_check.py for every rule).

The plain voices are bank-terse, messenger and long-form. The leakage filter compares against
the template families and veritas-tx-v8 (readable), and voices-dev-v1 and the sealed test set
(blind: the script prints only the max Jaccard against each and the ids of OUR memos at or above
the bound, never their texts or ids; a missing one is an error).
Exit 0 when everything passes, 1 otherwise.
"""

import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-train-v1"
PARTS = [
    (f"{D}/part-a/train.jsonl", "vt-a", "ta",
     ["salary", "rent", "invoice", "utilities", "retail", "refund", "donation", "subscription"],
     10),
    (f"{D}/part-b/train.jsonl", "vt-b", "tb",
     ["loan_repayment", "supply_chain", "medical", "family_support", "tax", "travel",
      "investment_scam", "phishing"], 10),
    (f"{D}/part-c/train.jsonl", "vt-c", "tc",
     ["fake_airdrop", "ransomware", "darknet_goods", "money_laundering", "sanctions_evasion",
      "romance_scam", "extortion", "impersonation", "bribery"], 9),
]
BLIND = {"data/voices-dev-v1/dev.jsonl": "voices-dev-v1/dev.jsonl",
         "data/sealed-test-v1/test.jsonl": "sealed-test-v1/test.jsonl"}
B = voices_check.BOUND


def main():
    c = voices_check.check(PARTS, ["data/veritas-tx-v8/*.jsonl"], list(BLIND),
                           plain={"bank-terse", "messenger", "long-form"})
    print(f"voices-train-v1: {len(c.rows)} memos; {c.n_refs} distinct families/v8 wordings")
    for _, prefix, _, _, _ in PARTS:
        xs = [(j, r) for j, r, _ in c.res if r["id"].startswith(f"{prefix}-")]
        vc = collections.Counter(r["voice"] for _, r in xs)
        print(f"part {prefix[-1]}: {len(xs)} memos, hard {sum(r['hard'] for _, r in xs)}, "
              + ", ".join(f"{v} {vc[v]}" for v in sorted(vc))
              + f"; max Jaccard vs families + v8 {max((j for j, _ in xs), default=0):.3f}")
    w = sorted(len(r["text"].split()) for r in c.rows)
    if w:
        print(f"length (words): min {w[0]}, median {w[len(w) // 2]}, max {w[-1]}; "
              f"2-4 words: {sum(x <= 4 for x in w)} ({sum(x <= 4 for x in w) / len(w):.1%})")
    if c.res:
        j, r, src = max(c.res, key=lambda x: x[0])
        print(f"max Jaccard vs families + v8: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
    for path, n, mx, hits in c.blind:
        if n is None:
            c.errors.append(f"{BLIND[path]} not found")
            continue
        print(f"max Jaccard vs {BLIND[path]} ({n} distinct memos, texts not shown): {mx:.3f}; "
              f"our ids >= {B}: {', '.join(hits) if hits else 'none'}")
    return voices_check.finish(c.errors)


if __name__ == "__main__":
    sys.exit(main())
