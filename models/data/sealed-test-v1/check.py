#!/usr/bin/env python3
"""Checks the sealed test set (test.jsonl, ood.jsonl) next to this script.

Stdlib only. It never loads or runs a model and never scores anything.

Checks on test.jsonl: valid JSON, required fields and types, category in the 25 names of
`models/src/templates.rs` (`CATEGORY_FILES`) with the label that category implies, unique ids
and texts, family ids `<category>/s<k>` with 6 families of 3 wordings per category, known voices
(hard voices marked hard, label-bound voices on the right side), and a leakage filter: for every
memo the largest word-Jaccard similarity against every wording in `models/families/*.txt` and
every memo in `models/data/veritas-tx-v8/*.jsonl` must be below 0.5.

Checks on ood.jsonl: valid JSON, fields, unique ids, known kinds, no label fields, `long` texts
of 300 to 600 words.

Exit status 0 when everything passes, 1 otherwise. Prints a summary table.
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

FAMILIES_PER_CATEGORY = 6
WORDINGS_PER_FAMILY = 3
JACCARD_BOUND = 0.5

VOICES = {"bank-terse", "messenger", "long-form", "mixed", "scam-vocab-legit", "bland-illicit"}
HARD_VOICES = {"mixed", "scam-vocab-legit", "bland-illicit"}
ILLICIT_ONLY_VOICES = {"mixed", "bland-illicit"}
LEGIT_ONLY_VOICES = {"scam-vocab-legit"}
OOD_KINDS = {"reference-only", "one-two-words", "emoji-only", "long", "non-english"}

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


def reference_sets():
    """Distinct token sets of every existing wording and memo, each with one source label."""
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
            text = json.loads(raw)["text"]
            if text.startswith("transfer ") and ": " in text:
                text = text.split(": ", 1)[1]
            refs.setdefault(tokens(text), f"veritas-tx-v8/{name}:{i}")
    refs.pop(frozenset(), None)
    return refs


def max_jaccard(memo, postings, sizes):
    """Largest Jaccard of `memo` against the indexed sets: (value, index) or (0.0, None)."""
    if not memo:
        return 0.0, None
    counts = collections.Counter()
    for t in memo:
        counts.update(postings.get(t, ()))
    best, best_i, la = 0.0, None, len(memo)
    for i, inter in counts.most_common():
        if inter / la <= best:  # J <= inter/|A|, and inter only falls from here
            break
        j = inter / (la + sizes[i] - inter)
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


def check_test(cats):
    illicit = dict(cats)
    rows = load_jsonl(os.path.join(HERE, "test.jsonl"))
    fields = {"id": str, "text": str, "label": str, "category": str, "family": str,
              "voice": str, "hard": bool}
    ids, texts = set(), set()
    fam_texts = collections.defaultdict(list)
    good = []
    for n, r in rows:
        where = f"test.jsonl:{n}"
        if set(r) != set(fields):
            err(f"{where}: fields {sorted(r)} != {sorted(fields)}")
            continue
        bad = [k for k, t in fields.items() if not isinstance(r[k], t)]
        if bad:
            err(f"{where}: wrong type for {bad}")
            continue
        if not re.fullmatch(r"st-\d{4}", r["id"]):
            err(f"{where}: id {r['id']!r} is not st-NNNN")
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
        cat = r["category"]
        if cat not in illicit:
            err(f"{where}: unknown category {cat!r}")
            continue
        want = "illicit" if illicit[cat] else "legit"
        if r["label"] != want:
            err(f"{where}: label {r['label']!r} but {cat} is {want}")
        m = re.fullmatch(r"([a-z_]+)/s(\d+)", r["family"])
        if not m or m.group(1) != cat or not 1 <= int(m.group(2)) <= FAMILIES_PER_CATEGORY:
            err(f"{where}: family {r['family']!r} is not {cat}/s1..s{FAMILIES_PER_CATEGORY}")
        v = r["voice"]
        if v not in VOICES:
            err(f"{where}: unknown voice {v!r}")
        if v in HARD_VOICES and not r["hard"]:
            err(f"{where}: voice {v} must be hard")
        if v in ILLICIT_ONLY_VOICES and want != "illicit":
            err(f"{where}: voice {v} on a legit category")
        if v in LEGIT_ONLY_VOICES and want != "legit":
            err(f"{where}: voice {v} on an illicit category")
        fam_texts[r["family"]].append(text)
        good.append(r)

    per_cat_fams = collections.defaultdict(set)
    for fam, ts in fam_texts.items():
        per_cat_fams[fam.split("/")[0]].add(fam)
        if len(ts) != WORDINGS_PER_FAMILY:
            err(f"family {fam}: {len(ts)} wordings, want {WORDINGS_PER_FAMILY}")
    for cat, _ in cats:
        if len(per_cat_fams[cat]) != FAMILIES_PER_CATEGORY:
            err(f"category {cat}: {len(per_cat_fams[cat])} families, want {FAMILIES_PER_CATEGORY}")
    return good


def check_leakage(rows):
    refs = reference_sets()
    sets = list(refs)
    labels = [refs[s] for s in sets]
    sizes = [len(s) for s in sets]
    postings = collections.defaultdict(list)
    for i, s in enumerate(sets):
        for t in s:
            postings[t].append(i)
    results = []
    for r in rows:
        j, i = max_jaccard(tokens(r["text"]), postings, sizes)
        results.append((j, r, labels[i] if i is not None else "-"))
        if j >= JACCARD_BOUND:
            err(f"{r['id']} ({r['family']}): Jaccard {j:.3f} >= {JACCARD_BOUND} with {labels[i]}")
    return results, len(sets)


def check_ood():
    rows = load_jsonl(os.path.join(HERE, "ood.jsonl"))
    ids = set()
    kinds = collections.Counter()
    for n, r in rows:
        where = f"ood.jsonl:{n}"
        if set(r) != {"id", "text", "kind"} or not all(isinstance(r[k], str) for k in r):
            err(f"{where}: want exactly string fields id, text, kind")
            continue
        if not re.fullmatch(r"ood-\d{3}", r["id"]) or r["id"] in ids:
            err(f"{where}: bad or duplicate id {r['id']!r}")
        ids.add(r["id"])
        if r["kind"] not in OOD_KINDS:
            err(f"{where}: unknown kind {r['kind']!r}")
        if not r["text"].strip():
            err(f"{where}: empty text")
        if r["kind"] == "long":
            words = len(r["text"].split())
            if not 300 <= words <= 600:
                err(f"{where}: long text has {words} words, want 300-600")
        kinds[r["kind"]] += 1
    return kinds


def main():
    cats = categories()
    rows = check_test(cats)
    results, nrefs = check_leakage(rows)
    kinds = check_ood()

    by_cat = collections.defaultdict(list)
    for j, r, _ in results:
        by_cat[r["category"]].append((j, r))
    illicit = dict(cats)
    print(f"test.jsonl: {len(rows)} memos; leakage filter against {nrefs} distinct existing "
          f"wordings/memos (bound {JACCARD_BOUND})")
    print(f"{'category':<18} {'label':<8} {'n':>3} {'fams':>4} {'hard':>4} {'maxJ':>6}")
    for cat, _ in cats:
        xs = by_cat.get(cat, [])
        fams = len({r["family"] for _, r in xs})
        hard = sum(r["hard"] for _, r in xs)
        mj = max((j for j, _ in xs), default=0.0)
        lab = "illicit" if illicit[cat] else "legit"
        print(f"{cat:<18} {lab:<8} {len(xs):>3} {fams:>4} {hard:>4} {mj:>6.3f}")
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
    if results:
        j, r, src = max(results, key=lambda x: x[0])
        print(f"max Jaccard: {j:.3f} ({r['id']}, {r['family']}, nearest {src})")
        top = sorted(results, key=lambda x: -x[0])[:5]
        print("top 5: " + ", ".join(f"{r['id']} {j:.3f}" for j, r, _ in top))
    print("ood.jsonl: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(OOD_KINDS))
          + f"; total {sum(kinds.values())}")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
