#!/usr/bin/env python3
"""Checks the voices dev set (dev.jsonl next to this script).

Stdlib only. It never loads or runs a model and never scores anything. Adapted from
`models/data/sealed-test-v1/check.py`.

Checks on dev.jsonl: valid JSON, required fields and types, category among the 25 names of
`models/src/templates.rs` (`CATEGORY_FILES`) with the label that category implies, unique ids and
texts, family ids `<category>/d<k>` with 4 families of 3 wordings per category (300 memos), one
hard wording per family (legit categories: 4 `scam-vocab-legit`; illicit: 2 `mixed` + 2
`bland-illicit`), known voices (hard voices marked hard and only on the right side), 2-50 words.

Leakage filter: for every dev memo, the largest word-Jaccard similarity (lowercased, words = runs
of letters and digits) against
  1. every wording in `models/families/*.txt` (first option of each [a|b], {slot}s dropped) and
     every memo in `models/data/veritas-tx-v8/*.jsonl` (the text after the first ": "), and
  2. the sealed test set `models/data/sealed-test-v1/test.jsonl`, read programmatically only:
     this script prints just the max Jaccard against it and the ids of DEV memos at or above the
     bound. It never prints a sealed text or a sealed id.
Every max must be below 0.5.

Exit status 0 when everything passes, 1 otherwise.
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
SEALED_TEST = os.path.join(MODELS, "data", "sealed-test-v1", "test.jsonl")

FAMILIES_PER_CATEGORY = 4
WORDINGS_PER_FAMILY = 3
TOTAL = 300
JACCARD_BOUND = 0.5
MIN_WORDS, MAX_WORDS = 2, 50

VOICES = {"bank-terse", "messenger", "long-form", "mixed", "scam-vocab-legit", "bland-illicit"}
HARD_VOICES = {"mixed", "scam-vocab-legit", "bland-illicit"}
ILLICIT_ONLY_VOICES = {"mixed", "bland-illicit"}
LEGIT_ONLY_VOICES = {"scam-vocab-legit"}
HARD_PER_CATEGORY = {  # voice counts every category must have
    "legit": {"scam-vocab-legit": 4},
    "illicit": {"mixed": 2, "bland-illicit": 2},
}

errors = []


def err(msg):
    errors.append(msg)


def categories():
    """(name, illicit) in CATEGORY_FILES order, read from templates.rs."""
    src = open(TEMPLATES_RS, encoding="utf-8").read()
    m = re.search(r"CATEGORY_FILES[^=]*=\s*category_files!\[(.*?)\];", src, re.S)
    if not m:
        sys.exit(f"cannot find CATEGORY_FILES in {TEMPLATES_RS}")
    cats = re.findall(r'"([a-z_]+)"\s*=>\s*(true|false)', m.group(1))
    if len(cats) != 25:
        sys.exit(f"expected 25 categories in CATEGORY_FILES, found {len(cats)}")
    return [(name, flag == "true") for name, flag in cats]


def tokens(text):
    """Lowercased words: maximal runs of (Unicode) letters and digits."""
    return frozenset(re.findall(r"[^\W_]+", text.lower()))


def family_wording(line):
    """A template wording as plain text: first option of every [a|b], {slot}s dropped."""
    line = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
    return re.sub(r"\{[a-z0-9_]+\}", " ", line)


def strip_prefix(text):
    if text.startswith("transfer ") and ": " in text:
        return text.split(": ", 1)[1]
    return text


def reference_sets():
    """Distinct token sets of every existing training-side wording and memo, with a source label."""
    refs = {}
    for path in sorted(glob.glob(FAMILIES_GLOB)):
        name = os.path.basename(path)
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            refs.setdefault(tokens(family_wording(line)), f"families/{name}:{i}")
    for path in sorted(glob.glob(V8_GLOB)):
        name = os.path.basename(path)
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            refs.setdefault(tokens(strip_prefix(json.loads(raw)["text"])),
                            f"veritas-tx-v8/{name}:{i}")
    refs.pop(frozenset(), None)
    return refs


def sealed_sets():
    """Token sets of the sealed test memos. Read programmatically only; never printed."""
    if not os.path.exists(SEALED_TEST):
        return None
    sets = set()
    with open(SEALED_TEST, encoding="utf-8") as f:
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
        """Largest Jaccard of `memo` against the indexed sets: (value, index) or (0.0, None)."""
        if not memo:
            return 0.0, None
        counts = collections.Counter()
        for t in memo:
            counts.update(self.postings.get(t, ()))
        best, best_i, la = 0.0, None, len(memo)
        for i, inter in counts.most_common():
            if inter / la <= best:  # J <= inter/|A|, and inter only falls from here
                break
            j = inter / (la + self.sizes[i] - inter)
            if j > best:
                best, best_i = j, i
        return best, best_i


def load_jsonl(path):
    rows = []
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        if not raw.strip():
            err(f"{os.path.basename(path)}:{n}: blank line")
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as e:
            err(f"{os.path.basename(path)}:{n}: invalid JSON ({e})")
            continue
        if not isinstance(row, dict):
            err(f"{os.path.basename(path)}:{n}: not an object")
            continue
        rows.append((n, row))
    return rows


def check_dev(cats):
    illicit = dict(cats)
    rows = load_jsonl(os.path.join(HERE, "dev.jsonl"))
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str,
              "voice": str, "hard": bool}
    ids, texts = set(), set()
    fam_rows = collections.defaultdict(list)
    good = []
    for n, r in rows:
        where = f"dev.jsonl:{n}"
        if set(r) != set(fields):
            err(f"{where}: fields {sorted(r)} != {sorted(fields)}")
            continue
        bad = [k for k, t in fields.items() if not isinstance(r[k], t)]
        if bad:
            err(f"{where}: wrong type for {bad}")
            continue
        if not re.fullmatch(r"vd-\d{4}", r["id"]):
            err(f"{where}: id {r['id']!r} is not vd-NNNN")
        if r["id"] in ids:
            err(f"{where}: duplicate id {r['id']}")
        ids.add(r["id"])
        text = r["text"].strip()
        if not text or text != r["text"]:
            err(f"{where}: empty text or surrounding whitespace")
        if text.lower().startswith("transfer ") or re.search(r"\{[a-z_]+\}|\[[^\]]*\|", text):
            err(f"{where}: text has a transfer prefix or template syntax")
        if text.lower() in texts:
            err(f"{where}: duplicate text")
        texts.add(text.lower())
        nw = len(text.split())
        if not MIN_WORDS <= nw <= MAX_WORDS:
            err(f"{where}: {nw} words, want {MIN_WORDS}-{MAX_WORDS}")
        cat = r["category"]
        if cat not in illicit:
            err(f"{where}: unknown category {cat!r}")
            continue
        want = "illicit" if illicit[cat] else "legit"
        if r["label"] != want:
            err(f"{where}: label {r['label']!r} but {cat} is {want}")
        m = re.fullmatch(r"([a-z_]+)/d(\d+)", r["family"])
        if not m or m.group(1) != cat or not 1 <= int(m.group(2)) <= FAMILIES_PER_CATEGORY:
            err(f"{where}: family {r['family']!r} is not {cat}/d1..d{FAMILIES_PER_CATEGORY}")
        v = r["voice"]
        if v not in VOICES:
            err(f"{where}: unknown voice {v!r}")
        if r["hard"] != (v in HARD_VOICES):
            err(f"{where}: voice {v} with hard={r['hard']}")
        if v in ILLICIT_ONLY_VOICES and want != "illicit":
            err(f"{where}: voice {v} on a legit category")
        if v in LEGIT_ONLY_VOICES and want != "legit":
            err(f"{where}: voice {v} on an illicit category")
        fam_rows[r["family"]].append(r)
        good.append(r)

    if len(good) != TOTAL:
        err(f"{len(good)} valid memos, want {TOTAL}")
    per_cat_fams = collections.defaultdict(set)
    for fam, rs in fam_rows.items():
        per_cat_fams[fam.split("/")[0]].add(fam)
        if len(rs) != WORDINGS_PER_FAMILY:
            err(f"family {fam}: {len(rs)} wordings, want {WORDINGS_PER_FAMILY}")
        nh = sum(r["hard"] for r in rs)
        if nh != 1:
            err(f"family {fam}: {nh} hard wordings, want 1")
        if len({r["voice"] for r in rs}) != len(rs):
            err(f"family {fam}: repeats a voice")
    for cat, ill in cats:
        if len(per_cat_fams[cat]) != FAMILIES_PER_CATEGORY:
            err(f"category {cat}: {len(per_cat_fams[cat])} families, want {FAMILIES_PER_CATEGORY}")
        vc = collections.Counter(r["voice"] for r in good if r["category"] == cat)
        for v, k in HARD_PER_CATEGORY["illicit" if ill else "legit"].items():
            if vc[v] != k:
                err(f"category {cat}: {vc[v]} {v}, want {k}")
    return good


def main():
    cats = categories()
    rows = check_dev(cats)

    refs = reference_sets()
    ref_sets = list(refs)
    ref_labels = [refs[s] for s in ref_sets]
    ref_index = Index(ref_sets)
    results = []
    for r in rows:
        j, i = ref_index.max_jaccard(tokens(r["text"]))
        results.append((j, r, ref_labels[i] if i is not None else "-"))
        if j >= JACCARD_BOUND:
            err(f"{r['id']} ({r['family']}): Jaccard {j:.3f} >= {JACCARD_BOUND} "
                f"with {ref_labels[i]}")

    sealed = sealed_sets()
    sealed_max, sealed_hits = 0.0, []
    if sealed is None:
        err(f"sealed test set not found at {SEALED_TEST}")
    else:
        s_index = Index(sealed)
        for r in rows:
            j, _ = s_index.max_jaccard(tokens(r["text"]))
            sealed_max = max(sealed_max, j)
            if j >= JACCARD_BOUND:
                sealed_hits.append(r["id"])
        if sealed_hits:
            err(f"{len(sealed_hits)} dev memo(s) at Jaccard >= {JACCARD_BOUND} against the "
                f"sealed test set: {', '.join(sealed_hits)}")

    illicit = dict(cats)
    by_cat = collections.defaultdict(list)
    for j, r, _ in results:
        by_cat[r["category"]].append((j, r))
    print(f"dev.jsonl: {len(rows)} memos; leakage filter against {len(ref_sets)} distinct "
          f"families/v8 wordings (bound {JACCARD_BOUND})")
    print(f"{'category':<18} {'label':<8} {'n':>3} {'fams':>4} {'hard':>4} {'B':>2} {'M':>2} "
          f"{'L':>2} {'maxJ':>6}")
    for cat, _ in cats:
        xs = [r for _, r in by_cat.get(cat, [])]
        vc = collections.Counter(r["voice"] for r in xs)
        mj = max((j for j, _ in by_cat.get(cat, [])), default=0.0)
        lab = "illicit" if illicit[cat] else "legit"
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
    if results:
        j, r, src = max(results, key=lambda x: x[0])
        print(f"max Jaccard vs families + v8: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        top = sorted(results, key=lambda x: -x[0])[:5]
        print("top 5: " + ", ".join(f"{r['id']} {j:.3f}" for j, r, _ in top))
    if sealed is not None:
        print(f"max Jaccard vs sealed test ({len(sealed)} distinct memos, texts not shown): "
              f"{sealed_max:.3f}; dev ids >= {JACCARD_BOUND}: "
              f"{', '.join(sealed_hits) if sealed_hits else 'none'}")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
