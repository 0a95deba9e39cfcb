#!/usr/bin/env python3
"""Checks voices-train-v1 part A (train.jsonl next to this script). Stdlib only; runs no model.

Checks: valid JSON; fields and types; ids vt-a-NNNN unique; texts unique (case-insensitive),
no transfer prefix or template syntax, 2-50 words; categories are exactly the eight legit
categories of part A (salary, rent, invoice, utilities, retail, refund, donation, subscription),
legit per `models/src/templates.rs`; family ids <category>/ta1..ta10 with 3 wordings each
(240 memos); per family exactly one hard wording, voice scam-vocab-legit, and two different
plain voices (bank-terse, messenger, long-form); hard == (voice is scam-vocab-legit).

Leakage filter: for every memo, the largest word-Jaccard (lowercased, words = runs of letters
and digits) against
  (a) every wording in models/families/*.txt (first option of each [a|b], {slot}s dropped),
  (b) every memo in models/data/veritas-tx-v8/*.jsonl (text after the first ": "),
  (c) models/data/voices-dev-v1/dev.jsonl and
  (d) models/data/sealed-test-v1/test.jsonl.
(c) and (d) are read programmatically only: this script prints only the max Jaccard against
each and the ids of OUR memos at or above the bound, never their texts or ids.
Every max must be below 0.5. Exit 0 when everything passes, 1 otherwise.
"""

import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TEMPLATES_RS = os.path.join(MODELS, "src", "templates.rs")
FAMILIES_GLOB = os.path.join(MODELS, "families", "*.txt")
V8_GLOB = os.path.join(MODELS, "data", "veritas-tx-v8", "*.jsonl")
DEV = os.path.join(MODELS, "data", "voices-dev-v1", "dev.jsonl")
SEALED = os.path.join(MODELS, "data", "sealed-test-v1", "test.jsonl")
TRAIN = os.path.join(HERE, "train.jsonl")

CATS = ["salary", "rent", "invoice", "utilities", "retail", "refund", "donation", "subscription"]
FAMILIES_PER_CATEGORY = 10
WORDINGS_PER_FAMILY = 3
TOTAL = len(CATS) * FAMILIES_PER_CATEGORY * WORDINGS_PER_FAMILY
BOUND = 0.5
MIN_WORDS, MAX_WORDS = 2, 50
PLAIN = {"bank-terse", "messenger", "long-form"}
HARD = "scam-vocab-legit"

errors = []


def err(m):
    errors.append(m)


def categories():
    src = open(TEMPLATES_RS, encoding="utf-8").read()
    m = re.search(r"CATEGORY_FILES[^=]*=\s*category_files!\[(.*?)\];", src, re.S)
    if not m:
        sys.exit("cannot find CATEGORY_FILES in templates.rs")
    return {n: f == "true" for n, f in re.findall(r'"([a-z_]+)"\s*=>\s*(true|false)', m.group(1))}


def tokens(text):
    return frozenset(re.findall(r"[^\W_]+", text.lower()))


def family_wording(line):
    line = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
    return re.sub(r"\{[a-z0-9_]+\}", " ", line)


def strip_prefix(text):
    return text.split(": ", 1)[1] if ": " in text else text


def family_and_v8_sets():
    refs = {}
    for path in sorted(glob.glob(FAMILIES_GLOB)):
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            line = raw.strip()
            if line and not line.startswith("#"):
                refs.setdefault(tokens(family_wording(line)), f"families/{os.path.basename(path)}:{i}")
    for path in sorted(glob.glob(V8_GLOB)):
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            if raw.strip():
                refs.setdefault(tokens(strip_prefix(json.loads(raw)["text"])),
                                f"veritas-tx-v8/{os.path.basename(path)}:{i}")
    refs.pop(frozenset(), None)
    return refs


def blind_sets(path):
    """Token sets of a set we must not read by eye. Never printed."""
    if not os.path.exists(path):
        return None
    s = set()
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.strip():
                s.add(tokens(json.loads(raw)["text"]))
    s.discard(frozenset())
    return list(s)


class Index:
    def __init__(self, sets):
        self.sizes = [len(s) for s in sets]
        self.post = collections.defaultdict(list)
        for i, s in enumerate(sets):
            for t in s:
                self.post[t].append(i)

    def max_jaccard(self, memo):
        if not memo:
            return 0.0, None
        c = collections.Counter()
        for t in memo:
            c.update(self.post.get(t, ()))
        best, bi, la = 0.0, None, len(memo)
        for i, inter in c.most_common():
            if inter / la <= best:
                break
            j = inter / (la + self.sizes[i] - inter)
            if j > best:
                best, bi = j, i
        return best, bi


def check_rows(illicit):
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str,
              "voice": str, "hard": bool}
    rows, ids, texts = [], set(), set()
    fams = collections.defaultdict(list)
    for n, raw in enumerate(open(TRAIN, encoding="utf-8"), 1):
        w = f"train.jsonl:{n}"
        if not raw.strip():
            err(f"{w}: blank line")
            continue
        try:
            r = json.loads(raw)
        except json.JSONDecodeError as e:
            err(f"{w}: invalid JSON ({e})")
            continue
        if not isinstance(r, dict) or set(r) != set(fields):
            err(f"{w}: not an object with fields {sorted(fields)}")
            continue
        bad = [k for k, t in fields.items() if not isinstance(r[k], t)]
        if bad:
            err(f"{w}: wrong type for {bad}")
            continue
        if not re.fullmatch(r"vt-a-\d{4}", r["id"]) or r["id"] in ids:
            err(f"{w}: bad or duplicate id {r['id']!r}")
        ids.add(r["id"])
        t = r["text"]
        if not t.strip() or t != t.strip():
            err(f"{w}: empty text or surrounding whitespace")
        if t.lower().startswith("transfer ") or re.search(r"\{[a-z_]+\}|\[[^\]]*\|", t):
            err(f"{w}: transfer prefix or template syntax")
        if t.lower() in texts:
            err(f"{w}: duplicate text")
        texts.add(t.lower())
        nw = len(t.split())
        if not MIN_WORDS <= nw <= MAX_WORDS:
            err(f"{w}: {nw} words")
        c = r["category"]
        if c not in CATS or c not in illicit:
            err(f"{w}: category {c!r} not in part A")
            continue
        if illicit[c] or r["label"] != "legit":
            err(f"{w}: label {r['label']!r}, {c} must be legit")
        m = re.fullmatch(r"([a-z_]+)/ta(\d+)", r["family"])
        if not m or m.group(1) != c or not 1 <= int(m.group(2)) <= FAMILIES_PER_CATEGORY:
            err(f"{w}: family {r['family']!r}")
        v = r["voice"]
        if v not in PLAIN | {HARD}:
            err(f"{w}: unknown voice {v!r}")
        if r["hard"] != (v == HARD):
            err(f"{w}: voice {v} with hard={r['hard']}")
        fams[r["family"]].append(r)
        rows.append(r)
    if len(rows) != TOTAL:
        err(f"{len(rows)} valid memos, want {TOTAL}")
    per_cat = collections.Counter(f.split("/")[0] for f in fams)
    for c in CATS:
        if per_cat[c] != FAMILIES_PER_CATEGORY:
            err(f"{c}: {per_cat[c]} families, want {FAMILIES_PER_CATEGORY}")
    for f, rs in fams.items():
        vs = [r["voice"] for r in rs]
        if len(rs) != WORDINGS_PER_FAMILY or vs.count(HARD) != 1 or len(set(vs)) != len(vs):
            err(f"family {f}: voices {vs}, want one {HARD} + two different plain voices")
    return rows


def main():
    rows = check_rows(categories())
    toks = [tokens(r["text"]) for r in rows]

    refs = family_and_v8_sets()
    ref_sets = list(refs)
    idx = Index(ref_sets)
    res = []
    for r, t in zip(rows, toks):
        j, i = idx.max_jaccard(t)
        res.append((j, r, refs[ref_sets[i]] if i is not None else "-"))
        if j >= BOUND:
            err(f"{r['id']} ({r['family']}): Jaccard {j:.3f} vs {refs[ref_sets[i]]}")

    blind = {}
    for name, path in (("voices-dev-v1/dev.jsonl", DEV), ("sealed-test-v1/test.jsonl", SEALED)):
        sets = blind_sets(path)
        if sets is None:
            err(f"{name} not found")
            continue
        bi = Index(sets)
        mx, hits = 0.0, []
        for r, t in zip(rows, toks):
            j, _ = bi.max_jaccard(t)
            mx = max(mx, j)
            if j >= BOUND:
                hits.append(r["id"])
        blind[name] = (len(sets), mx, hits)
        if hits:
            err(f"{len(hits)} memo(s) at Jaccard >= {BOUND} vs {name}: {', '.join(hits)}")

    print(f"train.jsonl (part A): {len(rows)} memos; {len(ref_sets)} distinct families/v8 wordings")
    print(f"{'category':<14} {'n':>3} {'fams':>4} {'hard':>4} {'B':>2} {'M':>2} {'L':>2} {'short':>5} {'maxJ':>6}")
    for c in CATS:
        xs = [(j, r) for j, r, _ in res if r["category"] == c]
        vc = collections.Counter(r["voice"] for _, r in xs)
        short = sum(len(r["text"].split()) <= 4 for _, r in xs)
        print(f"{c:<14} {len(xs):>3} {len({r['family'] for _, r in xs}):>4} "
              f"{sum(r['hard'] for _, r in xs):>4} {vc['bank-terse']:>2} {vc['messenger']:>2} "
              f"{vc['long-form']:>2} {short:>5} {max((j for j, _ in xs), default=0):>6.3f}")
    vc = collections.Counter(r["voice"] for r in rows)
    print("voices: " + ", ".join(f"{v} {vc[v]}" for v in sorted(vc)))
    w = sorted(len(r["text"].split()) for r in rows)
    if w:
        print(f"length (words): min {w[0]}, median {w[len(w) // 2]}, max {w[-1]}; "
              f"2-4 words: {sum(x <= 4 for x in w)} ({sum(x <= 4 for x in w) / len(w):.1%})")
    if res:
        j, r, src = max(res, key=lambda x: x[0])
        print(f"max Jaccard vs families + v8: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        print("top 8: " + ", ".join(f"{r['id']} {j:.3f} [{s}]"
                                    for j, r, s in sorted(res, key=lambda x: -x[0])[:8]))
    for name, (n, mx, hits) in blind.items():
        print(f"max Jaccard vs {name} ({n} distinct memos, texts not shown): {mx:.3f}; "
              f"our ids >= {BOUND}: {', '.join(hits) if hits else 'none'}")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
