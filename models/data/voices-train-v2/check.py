#!/usr/bin/env python3
"""Checks voices-train-v2 (see ../voices_check.py for every rule).

`python3 check.py` checks all four parts; `python3 check.py part-f` checks one.
The leakage filter compares against the template families, veritas-tx-v8, voices-train-v1 and
voices-dev-v1 (readable), and voices-dev-v2 and the sealed test set (blind: their texts are
never printed).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import voices_check  # noqa: E402

D = "data/voices-train-v2"
PARTS = [
    (f"{D}/part-d/train.jsonl", "vt2-d", "td",
     ["salary", "rent", "invoice", "utilities", "retail", "refund", "donation"], 8),
    (f"{D}/part-e/train.jsonl", "vt2-e", "te",
     ["subscription", "loan_repayment", "supply_chain", "medical", "family_support", "tax",
      "travel"], 8),
    (f"{D}/part-f/train.jsonl", "vt2-f", "tf",
     ["investment_scam", "phishing", "fake_airdrop", "ransomware", "darknet_goods",
      "money_laundering"], 12),
    (f"{D}/part-g/train.jsonl", "vt2-g", "tg",
     ["sanctions_evasion", "romance_scam", "extortion", "impersonation", "bribery"], 12),
]

if __name__ == "__main__":
    sys.exit(voices_check.run(
        "voices-train-v2", PARTS,
        readable=["data/veritas-tx-v8/*.jsonl", "data/voices-train-v1/part-*/train.jsonl",
                  "data/voices-dev-v1/dev.jsonl"],
        blind=["data/voices-dev-v2/*.jsonl", "data/sealed-test-v1/test.jsonl"],
        only=sys.argv[1] if len(sys.argv) > 1 else None))
