#!/usr/bin/env python3
"""Checks voices-train-v1/part-c/train.jsonl (stdlib only; never runs a model).

Validates JSON, fields and types, ids vt-c-NNNN, categories (the 9 illicit categories of this
part, labels read from models/src/templates.rs CATEGORY_FILES), family ids <category>/tc1..tc9,
3 wordings per family with exactly one hard wording (mixed or bland-illicit) and two distinct
plain voices, 27 memos per category, 243 in all, unique texts, 2-50 words.

Leakage filter: for every memo, the max word-Jaccard (lowercased, words = runs of letters/digits)
against
  (a) models/families/*.txt wordings ({slot}s dropped, first option of [a|b]),
  (b) models/data/veritas-tx-v8/*.jsonl memos (text after the first ": "),
  (c) models/data/voices-dev-v1/dev.jsonl and
  (d) models/data/sealed-test-v1/test.jsonl.
(c) and (d) are read programmatically only: this script prints only the max value and the ids
of OUR memos at >= 0.5, never their texts or ids. Every max must be < 0.5.
Exit 0 when everything passes, 1 otherwise.
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

MY_CATEGORIES = ["fake_airdrop", "ransomware", "darknet_goods", "money_laundering",
                 "sanctions_evasion", "romance_scam", "extortion", "impersonation", "bribery"]
FAMILIES_PER_CATEGORY, WORDINGS_PER_FAMILY = 9, 3
TOTAL = len(MY_CATEGORIES) * FAMILIES_PER_CATEGORY * WORDINGS_PER_FAMILY
BOUND = 0.5
MIN_WORDS, MAX_WORDS = 2, 50
PLAIN = {"bank-terse", "messenger", "long-form"}
HARD = {"mixed", "bland-illicit"}

errors = []


def err(msg):
    errors.append(msg)


def categories():
    src = open(TEMPLATES_RS, encoding="utf-8").read()
    m = re.search(r"CATEGORY_FILES[^=]*=\s*category_files!\[(.*?)\];", src, re.S)
    if not m:
        sys.exit(f"cannot find CATEGORY_FILES in {TEMPLATES_RS}")
    cats = dict((n, f == "true") for n, f in re.findall(r'"([a-z_]+)"\s*=>\s*(true|false)', m.group(1)))
    if len(cats) != 25:
        sys.exit(f"expected 25 categories, found {len(cats)}")
    return cats


def tokens(text):
    return frozenset(re.findall(r"[^\W_]+", text.lower()))


def family_wording(line):
    line = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
    return re.sub(r"\{[a-z0-9_]+\}", " ", line)


def strip_prefix(text):
    return text.split(": ", 1)[1] if ": " in text else text


def training_sets():
    refs = {}
    for path in sorted(glob.glob(FAMILIES_GLOB)):
        name = os.path.basename(path)
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            line = raw.strip()
            if line and not line.startswith("#"):
                refs.setdefault(tokens(family_wording(line)), f"families/{name}:{i}")
    for path in sorted(glob.glob(V8_GLOB)):
        name = os.path.basename(path)
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            if raw.strip():
                refs.setdefault(tokens(strip_prefix(json.loads(raw)["text"])),
                                f"veritas-tx-v8/{name}:{i}")
    refs.pop(frozenset(), None)
    return refs


def blind_sets(path):
    """Token sets of a held-out file, read programmatically only; never printed."""
    if not os.path.exists(path):
        return None
    sets = set()
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.strip():
                sets.add(tokens(json.loads(raw)["text"]))
    sets.discard(frozenset())
    return list(sets)


class Index:
    def __init__(self, sets):
        self.sizes = [len(s) for s in sets]
        self.postings = collections.defaultdict(list)
        for i, s in enumerate(sets):
            for t in s:
                self.postings[t].append(i)

    def max_jaccard(self, memo):
        if not memo:
            return 0.0, None
        counts = collections.Counter()
        for t in memo:
            counts.update(self.postings.get(t, ()))
        best, best_i, la = 0.0, None, len(memo)
        for i, inter in counts.most_common():
            if inter / la <= best:
                break
            j = inter / (la + self.sizes[i] - inter)
            if j > best:
                best, best_i = j, i
        return best, best_i


def check_rows(cats):
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str,
              "voice": str, "hard": bool}
    rows, ids, texts = [], set(), set()
    fams = collections.defaultdict(list)
    for n, raw in enumerate(open(os.path.join(HERE, "train.jsonl"), encoding="utf-8"), 1):
        w = f"train.jsonl:{n}"
        try:
            r = json.loads(raw)
        except json.JSONDecodeError as e:
            err(f"{w}: invalid JSON ({e})")
            continue
        if not isinstance(r, dict) or set(r) != set(fields):
            err(f"{w}: wrong fields")
            continue
        if any(not isinstance(r[k], t) for k, t in fields.items()):
            err(f"{w}: wrong field type")
            continue
        if not re.fullmatch(r"vt-c-\d{4}", r["id"]) or r["id"] in ids:
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
        if c not in MY_CATEGORIES or c not in cats:
            err(f"{w}: category {c!r} not in this part")
            continue
        want = "illicit" if cats[c] else "legit"
        if r["label"] != want or want != "illicit":
            err(f"{w}: label {r['label']!r}, {c} is {want}")
        m = re.fullmatch(r"([a-z_]+)/tc(\d+)", r["family"])
        if not m or m.group(1) != c or not 1 <= int(m.group(2)) <= FAMILIES_PER_CATEGORY:
            err(f"{w}: family {r['family']!r}")
        v = r["voice"]
        if v not in PLAIN | HARD:
            err(f"{w}: voice {v!r}")
        if r["hard"] != (v in HARD):
            err(f"{w}: voice {v} with hard={r['hard']}")
        fams[r["family"]].append(r)
        rows.append(r)
    if len(rows) != TOTAL:
        err(f"{len(rows)} memos, want {TOTAL}")
    for c in MY_CATEGORIES:
        fs = [f for f in fams if f.split("/")[0] == c]
        if len(fs) != FAMILIES_PER_CATEGORY:
            err(f"{c}: {len(fs)} families")
        hard_seq = []
        for k in range(1, FAMILIES_PER_CATEGORY + 1):
            rs = fams.get(f"{c}/tc{k}", [])
            if len(rs) != WORDINGS_PER_FAMILY:
                err(f"{c}/tc{k}: {len(rs)} wordings")
                continue
            hv = [r["voice"] for r in rs if r["hard"]]
            if len(hv) != 1:
                err(f"{c}/tc{k}: {len(hv)} hard wordings")
            else:
                hard_seq.append(hv[0])
            if len({r["voice"] for r in rs}) != len(rs):
                err(f"{c}/tc{k}: repeats a voice")
        if any(a == b for a, b in zip(hard_seq, hard_seq[1:])):
            err(f"{c}: hard voices do not alternate mixed/bland-illicit")
    return rows


def main():
    cats = categories()
    rows = check_rows(cats)
    refs = training_sets()
    ref_sets = list(refs)
    idx = Index(ref_sets)
    res = []
    for r in rows:
        j, i = idx.max_jaccard(tokens(r["text"]))
        res.append((j, r, refs[ref_sets[i]] if i is not None else "-"))
        if j >= BOUND:
            err(f"{r['id']} ({r['family']}): Jaccard {j:.3f} with {refs[ref_sets[i]]}")
    print(f"train.jsonl: {len(rows)} memos; (a)+(b) families/v8: {len(ref_sets)} distinct wordings")
    by_cat = collections.defaultdict(list)
    for j, r, _ in res:
        by_cat[r["category"]].append((j, r))
    print(f"{'category':<18} {'n':>3} {'fams':>4} {'mix':>3} {'bld':>3} {'B':>2} {'M':>2} {'L':>2} {'short':>5} {'maxJ':>6}")
    for c in MY_CATEGORIES:
        xs = [r for _, r in by_cat[c]]
        vc = collections.Counter(r["voice"] for r in xs)
        sh = sum(len(r["text"].split()) <= 4 for r in xs)
        mj = max((j for j, _ in by_cat[c]), default=0.0)
        print(f"{c:<18} {len(xs):>3} {len({r['family'] for r in xs}):>4} {vc['mixed']:>3} "
              f"{vc['bland-illicit']:>3} {vc['bank-terse']:>2} {vc['messenger']:>2} "
              f"{vc['long-form']:>2} {sh:>5} {mj:>6.3f}")
    vc = collections.Counter(r["voice"] for r in rows)
    print("voices: " + ", ".join(f"{v} {vc[v]}" for v in sorted(vc)))
    nh = sum(r["hard"] for r in rows)
    words = sorted(len(r["text"].split()) for r in rows)
    short = sum(w <= 4 for w in words)
    if rows:
        print(f"hard {nh}/{len(rows)}; words min {words[0]} median {words[len(words)//2]} "
              f"max {words[-1]}; short (2-4 words) {short} ({short/len(rows):.1%})")
    if res:
        j, r, src = max(res, key=lambda x: x[0])
        print(f"(a)+(b) max Jaccard: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        print("top 5: " + ", ".join(f"{r['id']} {j:.3f}" for j, r, _ in sorted(res, key=lambda x: -x[0])[:5]))
    for label, path in (("(c) voices-dev-v1", DEV), ("(d) sealed-test-v1", SEALED)):
        sets = blind_sets(path)
        if sets is None:
            err(f"{label} not found")
            continue
        bi = Index(sets)
        mx, hits = 0.0, []
        for r in rows:
            j, _ = bi.max_jaccard(tokens(r["text"]))
            mx = max(mx, j)
            if j >= BOUND:
                hits.append(r["id"])
        print(f"{label} max Jaccard (texts not shown): {mx:.3f}; our ids >= {BOUND}: "
              f"{', '.join(hits) if hits else 'none'}")
        if hits:
            err(f"{len(hits)} memo(s) at >= {BOUND} against {label}")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
