#!/usr/bin/env python3
"""Checks voices-train-v1: the three parts' train.jsonl (stdlib only; never runs a model).

Per memo: valid JSON with exactly the fields id, text, label, category, family, voice, hard;
ids vt-<part>-NNNN unique; texts unique (case-insensitive), trimmed, without a transfer prefix or
template syntax, 2-50 words; the category one of its part's and the label the one
`models/src/templates.rs` gives it; family ids <category>/t<part><k>, k in 1..families.
Per family: 3 wordings, exactly one hard voice (legit: scam-vocab-legit; illicit: mixed or
bland-illicit) and two different plain voices (bank-terse, messenger, long-form); `hard` is
true exactly for the hard voices. Per part: every category has its number of families.

Leakage filter: for every memo, the largest word-Jaccard (lowercased, words = runs of letters
and digits) against
  (a) every wording in models/families/*.txt (first option of each [a|b], {slot}s dropped),
  (b) every memo in models/data/veritas-tx-v8/*.jsonl (text after the first ": "),
  (c) models/data/voices-dev-v1/dev.jsonl and (d) models/data/sealed-test-v1/test.jsonl.
(c) and (d) are read programmatically only: the script prints only the max Jaccard against each
and the ids of OUR memos at or above the bound, never their texts or ids.
Every max must be below 0.5. Exit 0 when everything passes, 1 otherwise.
"""

import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, "..", ".."))
TEMPLATES_RS = os.path.join(MODELS, "src", "templates.rs")
FAMILIES_GLOB = os.path.join(MODELS, "families", "*.txt")
V8_GLOB = os.path.join(MODELS, "data", "veritas-tx-v8", "*.jsonl")
DEV = os.path.join(MODELS, "data", "voices-dev-v1", "dev.jsonl")
SEALED = os.path.join(MODELS, "data", "sealed-test-v1", "test.jsonl")

# part -> (categories, families per category)
PARTS = {
    "a": (["salary", "rent", "invoice", "utilities", "retail", "refund", "donation",
           "subscription"], 10),
    "b": (["loan_repayment", "supply_chain", "medical", "family_support", "tax", "travel",
           "investment_scam", "phishing"], 10),
    "c": (["fake_airdrop", "ransomware", "darknet_goods", "money_laundering",
           "sanctions_evasion", "romance_scam", "extortion", "impersonation", "bribery"], 9),
}
WORDINGS_PER_FAMILY = 3
BOUND = 0.5
MIN_WORDS, MAX_WORDS = 2, 50
PLAIN = {"bank-terse", "messenger", "long-form"}
HARD = {False: {"scam-vocab-legit"}, True: {"mixed", "bland-illicit"}}

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


def check_part(part, illicit, ids, texts):
    cats, n_fams = PARTS[part]
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str,
              "voice": str, "hard": bool}
    rows = []
    fams = collections.defaultdict(list)
    path = os.path.join(HERE, f"part-{part}", "train.jsonl")
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        w = f"part-{part}/train.jsonl:{n}"
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
        if not re.fullmatch(rf"vt-{part}-\d{{4}}", r["id"]) or r["id"] in ids:
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
        if c not in cats or c not in illicit:
            err(f"{w}: category {c!r} not in part {part}")
            continue
        want = "illicit" if illicit[c] else "legit"
        if r["label"] != want:
            err(f"{w}: label {r['label']!r}, {c} is {want}")
        m = re.fullmatch(rf"([a-z_]+)/t{part}(\d+)", r["family"])
        if not m or m.group(1) != c or not 1 <= int(m.group(2)) <= n_fams:
            err(f"{w}: family {r['family']!r}")
        v, hard = r["voice"], HARD[illicit[c]]
        if v not in PLAIN | hard:
            err(f"{w}: voice {v!r} on a {want} memo")
        if r["hard"] != (v in hard):
            err(f"{w}: voice {v} with hard={r['hard']}")
        fams[r["family"]].append(r)
        rows.append(r)
    total = len(cats) * n_fams * WORDINGS_PER_FAMILY
    if len(rows) != total:
        err(f"part {part}: {len(rows)} valid memos, want {total}")
    per_cat = collections.Counter(f.split("/")[0] for f in fams)
    for c in cats:
        if per_cat[c] != n_fams:
            err(f"{c}: {per_cat[c]} families, want {n_fams}")
    for f, rs in fams.items():
        vs = [r["voice"] for r in rs]
        n_hard = sum(r["hard"] for r in rs)
        if len(rs) != WORDINGS_PER_FAMILY or n_hard != 1 or len(set(vs)) != len(vs):
            err(f"family {f}: voices {vs}, want one hard + two different plain voices")
    return rows


def main():
    illicit = categories()
    ids, texts, rows = set(), set(), []
    for part in PARTS:
        rows += check_part(part, illicit, ids, texts)
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

    print(f"voices-train-v1: {len(rows)} memos; {len(ref_sets)} distinct families/v8 wordings")
    for part in PARTS:
        xs = [(j, r) for j, r, _ in res if r["id"].startswith(f"vt-{part}-")]
        vc = collections.Counter(r["voice"] for _, r in xs)
        print(f"part {part}: {len(xs)} memos, hard {sum(r['hard'] for _, r in xs)}, "
              + ", ".join(f"{v} {vc[v]}" for v in sorted(vc))
              + f"; max Jaccard vs families + v8 {max((j for j, _ in xs), default=0):.3f}")
    w = sorted(len(r["text"].split()) for r in rows)
    if w:
        print(f"length (words): min {w[0]}, median {w[len(w) // 2]}, max {w[-1]}; "
              f"2-4 words: {sum(x <= 4 for x in w)} ({sum(x <= 4 for x in w) / len(w):.1%})")
    if res:
        j, r, src = max(res, key=lambda x: x[0])
        print(f"max Jaccard vs families + v8: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
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
