#!/usr/bin/env python3
"""Checks part-b/train.jsonl (stdlib only, never runs a model).

Fields/types, category in CATEGORY_FILES with matching label, unique ids/texts, 2-50 words,
8 categories x 10 families (tb1..tb10) x 3 wordings, one hard wording per family, hard voices on
the right side, no voice repeated in a family.

Leakage: max word-Jaccard (lowercased, words = runs of letters/digits) of each memo against
 (a) models/families/*.txt wordings ({slot}s dropped, first option of [a|b]),
 (b) models/data/veritas-tx-v8/*.jsonl memos (text after first ": "),
 (c) models/data/voices-dev-v1/dev.jsonl and (d) models/data/sealed-test-v1/test.jsonl.
(c) and (d) are read programmatically only: only the max value and the ids of OUR memos at or
above the bound are printed, never their texts or ids. Every max must be < 0.5.
"""
import collections, glob, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
BOUND = 0.5
MY_CATS = ["loan_repayment", "supply_chain", "medical", "family_support", "tax", "travel",
           "investment_scam", "phishing"]
FAMILIES, WORDINGS = 10, 3
VOICES = {"bank-terse", "messenger", "long-form", "mixed", "scam-vocab-legit", "bland-illicit"}
HARD = {"mixed", "scam-vocab-legit", "bland-illicit"}
errors = []

def tokens(t):
    return frozenset(re.findall(r"[^\W_]+", t.lower()))

def categories():
    src = open(os.path.join(MODELS, "src", "templates.rs"), encoding="utf-8").read()
    m = re.search(r"CATEGORY_FILES[^=]*=\s*category_files!\[(.*?)\];", src, re.S)
    return {n: f == "true" for n, f in re.findall(r'"([a-z_]+)"\s*=>\s*(true|false)', m.group(1))}

def family_wording(line):
    line = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
    return re.sub(r"\{[a-z0-9_]+\}", " ", line)

class Index:
    def __init__(self, items):  # items: list of (tokenset, label)
        self.items = items
        self.post = collections.defaultdict(list)
        for i, (s, _) in enumerate(items):
            for t in s:
                self.post[t].append(i)
    def best(self, memo):
        c = collections.Counter()
        for t in memo:
            c.update(self.post.get(t, ()))
        b, bi = 0.0, None
        for i, inter in c.items():
            j = inter / (len(memo) + len(self.items[i][0]) - inter)
            if j > b:
                b, bi = j, i
        return b, bi

def main():
    cats = categories()
    rows = [json.loads(l) for l in open(os.path.join(HERE, "train.jsonl"), encoding="utf-8") if l.strip()]
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str, "voice": str, "hard": bool}
    ids, texts = set(), set()
    fams = collections.defaultdict(list)
    for n, r in enumerate(rows, 1):
        w = f"line {n}"
        if set(r) != set(fields) or any(not isinstance(r[k], t) for k, t in fields.items()):
            errors.append(f"{w}: bad fields/types"); continue
        if not re.fullmatch(r"vt-b-\d{4}", r["id"]) or r["id"] in ids:
            errors.append(f"{w}: bad/dup id {r['id']}")
        ids.add(r["id"])
        t = r["text"]
        if t != t.strip() or t.lower() in texts:
            errors.append(f"{w}: whitespace or duplicate text")
        texts.add(t.lower())
        if t.lower().startswith("transfer ") or re.search(r"\{[a-z_]+\}|\[[^\]]*\|", t):
            errors.append(f"{w}: prefix/template syntax")
        nw = len(t.split())
        if not 2 <= nw <= 50:
            errors.append(f"{w}: {nw} words")
        c = r["category"]
        if c not in MY_CATS:
            errors.append(f"{w}: category {c} not ours"); continue
        want = "illicit" if cats[c] else "legit"
        if r["label"] != want:
            errors.append(f"{w}: label {r['label']} != {want}")
        if not re.fullmatch(re.escape(c) + r"/tb([1-9]|10)", r["family"]):
            errors.append(f"{w}: family {r['family']}")
        v = r["voice"]
        if v not in VOICES or r["hard"] != (v in HARD):
            errors.append(f"{w}: voice/hard {v} {r['hard']}")
        if v == "scam-vocab-legit" and cats[c] or v in ("mixed", "bland-illicit") and not cats[c]:
            errors.append(f"{w}: hard voice {v} on wrong side")
        fams[r["family"]].append(r)
    for c in MY_CATS:
        fs = [f for f in fams if f.startswith(c + "/")]
        if len(fs) != FAMILIES:
            errors.append(f"{c}: {len(fs)} families")
        hv = collections.Counter()
        for f in fs:
            rs = fams[f]
            if len(rs) != WORDINGS:
                errors.append(f"{f}: {len(rs)} wordings")
            if sum(r["hard"] for r in rs) != 1:
                errors.append(f"{f}: not exactly one hard wording")
            if len({r["voice"] for r in rs}) != len(rs):
                errors.append(f"{f}: voice repeated")
            hv.update(r["voice"] for r in rs if r["hard"])
        if cats[c] and (hv["mixed"], hv["bland-illicit"]) != (5, 5):
            errors.append(f"{c}: hard voices {dict(hv)}")
    if len(rows) != len(MY_CATS) * FAMILIES * WORDINGS:
        errors.append(f"{len(rows)} rows")

    # leakage (a)+(b): readable sources, matches may be shown
    refs = {}
    for p in sorted(glob.glob(os.path.join(MODELS, "families", "*.txt"))):
        for i, raw in enumerate(open(p, encoding="utf-8"), 1):
            s = raw.strip()
            if s and not s.startswith("#"):
                refs.setdefault(tokens(family_wording(s)), f"families/{os.path.basename(p)}:{i}")
    for p in sorted(glob.glob(os.path.join(MODELS, "data", "veritas-tx-v8", "*.jsonl"))):
        for i, raw in enumerate(open(p, encoding="utf-8"), 1):
            t = json.loads(raw)["text"]
            if t.startswith("transfer ") and ": " in t:
                t = t.split(": ", 1)[1]
            refs.setdefault(tokens(t), f"v8/{os.path.basename(p)}:{i}")
    refs.pop(frozenset(), None)
    idx_ab = Index(list(refs.items()))
    verbose = "-v" in sys.argv
    mx, hits = 0.0, []
    for r in rows:
        j, i = idx_ab.best(tokens(r["text"]))
        mx = max(mx, j)
        if j >= BOUND or (verbose and j >= 0.4):
            hits.append((j, r["id"], r["text"], idx_ab.items[i][1]))
    print(f"(a+b) families + v8: {len(refs)} sets, max Jaccard {mx:.3f}")
    for j, i, t, src in sorted(hits, reverse=True):
        print(f"   {j:.3f} {i} {t!r} ~ {src}")
        if j >= BOUND:
            errors.append(f"{i}: Jaccard {j:.3f} vs families/v8")

    # leakage (c)+(d): sealed/independent sets, programmatic only, nothing of theirs printed
    for name, rel in (("voices-dev-v1", "data/voices-dev-v1/dev.jsonl"),
                      ("sealed-test-v1", "data/sealed-test-v1/test.jsonl")):
        sets = set()
        with open(os.path.join(MODELS, rel), encoding="utf-8") as f:
            for raw in f:
                if raw.strip():
                    sets.add(tokens(json.loads(raw)["text"]))
        sets.discard(frozenset())
        idx = Index([(s, None) for s in sets])
        del sets
        m, over = 0.0, []
        for r in rows:
            j, _ = idx.best(tokens(r["text"]))
            m = max(m, j)
            if j >= BOUND:
                over.append(r["id"])
        print(f"({name}) max Jaccard {m:.3f}; our ids at >= {BOUND}: {over or 'none'}")
        for i in over:
            errors.append(f"{i}: Jaccard >= {BOUND} vs {name}")

    n = collections.Counter(r["voice"] for r in rows)
    short = sum(1 for r in rows if len(r["text"].split()) <= 4)
    lens = sorted(len(r["text"].split()) for r in rows)
    print(f"rows {len(rows)}: legit {sum(r['label']=='legit' for r in rows)}, illicit "
          f"{sum(r['label']=='illicit' for r in rows)}, hard {sum(r['hard'] for r in rows)}; "
          f"voices {dict(n)}; 2-4 words {short}; length {lens[0]}-{lens[-1]} median {lens[len(lens)//2]}")
    if errors:
        print("FAIL"); [print(" ", e) for e in errors]; sys.exit(1)
    print("OK")

main()
