#!/usr/bin/env python3
"""Checks for models/data/ood-dev-v1/ood.jsonl (python3, standard library only; runs no model)."""
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "ood.jsonl")
KINDS = ["reference-only", "one-two-words", "emoji-only", "long", "non-english"]
PER_KIND = 30
LONG_MIN, LONG_MAX = 330, 480
NONEN_MIN, NONEN_MAX = 3, 25  # whitespace words, for scripts that separate words with spaces
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
ID_RE = re.compile(r"^oodd-\d{3}$")


def main():
    errors = []
    rows = []
    with open(PATH, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"line {n}: empty line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: invalid JSON: {e}")
                continue
            if not isinstance(obj, dict) or set(obj) != {"id", "text", "kind"}:
                errors.append(f"line {n}: fields must be exactly id, text, kind")
                continue
            if not all(isinstance(obj[k], str) for k in obj):
                errors.append(f"line {n}: all fields must be strings")
                continue
            rows.append((n, obj))

    ids = Counter(o["id"] for _, o in rows)
    texts = Counter(o["text"] for _, o in rows)
    for i, c in ids.items():
        if c > 1:
            errors.append(f"duplicate id {i} ({c}x)")
    for t, c in texts.items():
        if c > 1:
            errors.append(f"duplicate text {t[:40]!r} ({c}x)")

    kinds = Counter()
    words = {k: [] for k in KINDS}
    for n, o in rows:
        i, t, k = o["id"], o["text"], o["kind"]
        if not ID_RE.match(i):
            errors.append(f"{i}: id must look like oodd-NNN")
        if k not in KINDS:
            errors.append(f"{i}: unknown kind {k!r}")
            continue
        kinds[k] += 1
        if t != t.strip() or not t:
            errors.append(f"{i}: text empty or has leading/trailing whitespace")
        w = len(t.split())
        words[k].append(w)
        if k == "long" and not LONG_MIN <= w <= LONG_MAX:
            errors.append(f"{i}: long has {w} words, want {LONG_MIN}-{LONG_MAX}")
        if k == "one-two-words" and not 1 <= w <= 2:
            errors.append(f"{i}: one-two-words has {w} words")
        if k == "emoji-only":
            if re.search(r"[A-Za-z]", t):
                errors.append(f"{i}: emoji-only contains ASCII letters")
            if any(unicodedata.category(ch).startswith(("L", "N")) for ch in t):
                errors.append(f"{i}: emoji-only contains a letter or digit")
        if k == "non-english" and not CJK.search(t) and not NONEN_MIN <= w <= NONEN_MAX:
            errors.append(f"{i}: non-english has {w} words, want {NONEN_MIN}-{NONEN_MAX}")
        if k == "reference-only" and w > 6:
            errors.append(f"{i}: reference-only has {w} whitespace tokens (>6)")

    for k in KINDS:
        if kinds[k] != PER_KIND:
            errors.append(f"kind {k}: {kinds[k]} items, want {PER_KIND}")

    print(f"{PATH}: {len(rows)} rows")
    for k in KINDS:
        ws = sorted(words[k])
        rng = f"{ws[0]}-{ws[-1]}" if ws else "-"
        print(f"  {k:15s} n={kinds[k]:3d} whitespace words {rng}")
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("OK: all checks pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
