#!/usr/bin/env python3
"""Shared checks for the hand-written voices sets (stdlib only; never runs a model).

A set is a list of parts; each part is one JSONL file with a fixed list of categories and a
number of families per category. Per memo: valid JSON with exactly the fields id, text, label,
category, family, voice, hard; ids <prefix>-NNNN unique; texts unique (case-insensitive),
trimmed, without a transfer prefix or template syntax, 2-50 words; the category one of its
part's and the label the one `models/src/templates.rs` gives it; family ids
<category>/<tag><k>, k in 1..families. Per family: 3 wordings, exactly one hard voice (legit:
scam-vocab-legit; illicit: mixed or bland-illicit) and two different plain voices; `hard` is
true exactly for the hard voices.

Leakage filter: for every memo, the largest word-Jaccard (lowercased, words = runs of letters
and digits) against every reference set the caller names. Readable references print the
nearest wording's source; blind references (sets the writer must not read, such as the sealed
test) print only the maximum and the ids of OUR memos at or above the bound, never their texts.
Every max must be below 0.5.

`run` checks a set and prints the common summary; `check` returns the results without printing,
for a set that prints its own summary or adds a set-specific check (the v1 sets); `finish`
prints the verdict.
"""

import collections
import glob
import json
import os
import re
import types

MODELS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BOUND = 0.5
MIN_WORDS, MAX_WORDS = 2, 50
PLAIN = {"bank-terse", "messenger", "long-form", "formal-letter", "ledger-note",
         "learner-english"}
HARD = {False: {"scam-vocab-legit"}, True: {"mixed", "bland-illicit"}}
FIELDS = {"id": str, "text": str, "label": str, "category": str, "family": str,
          "voice": str, "hard": bool}


def models_path(*p):
    return os.path.join(MODELS, *p)


def categories():
    src = open(models_path("src", "templates.rs"), encoding="utf-8").read()
    m = re.search(r"CATEGORY_FILES[^=]*=\s*category_files!\[(.*?)\];", src, re.S)
    if not m:
        raise SystemExit("cannot find CATEGORY_FILES in templates.rs")
    return {n: f == "true" for n, f in re.findall(r'"([a-z_]+)"\s*=>\s*(true|false)', m.group(1))}


def split_categories():
    """(legit, illicit) category names, in templates.rs order."""
    cats = categories()
    return [c for c, i in cats.items() if not i], [c for c, i in cats.items() if i]


def writer_parts(path, set_prefix, tag, n_fams):
    """The four writers' parts of one file (the layout of the sets written from voices-dev-v3
    on): `<set_prefix>-la` / `-lb` the first and second seven legit categories, `-ia` / `-ib` the
    first six and last five illicit ones."""
    legit, illicit = split_categories()
    return [(path, f"{set_prefix}-{w}", tag, cats, n_fams)
            for w, cats in [("la", legit[:7]), ("lb", legit[7:]),
                            ("ia", illicit[:6]), ("ib", illicit[6:])]]


def every_other_set(own):
    """Every labelled set but `own` (a folder under `models/`, e.g. `data/voices-dev-v6`), as the
    JSONL globs `check` compares against: the generated dataset, then each voices-train,
    voices-dev and sealed-test set in version order (sets written later included: the filter is
    symmetric)."""
    def version(d):
        return int(re.search(r"(\d+)$", d).group(1))

    sets = ["data/veritas-tx-v8/*.jsonl"]
    for family, files in [("voices-train", "part-*/train.jsonl"), ("voices-dev", "dev.jsonl"),
                          ("sealed-test", "test.jsonl")]:
        dirs = glob.glob(models_path("data", f"{family}-v*"))
        for d in sorted((os.path.relpath(d, MODELS) for d in dirs), key=version):
            if d != own:
                sets.append(f"{d}/{files}")
    return sets


def writer_set_main(title, path, set_prefix, tag, n_fams, blind, argv, plain=PLAIN):
    """The command line of a set in the four writers' layout (`writer_parts`): no argument
    checks the whole file; `<prefix>-la` (…) one part of it; `<prefix>-la DRAFT` a writer's
    draft of that part alone. Every set in `blind` is compared blind. The exit status."""
    only = argv[1] if len(argv) > 1 else None
    draft = os.path.abspath(argv[2]) if len(argv) > 2 else None
    parts = writer_parts(draft or path, set_prefix, tag, n_fams)
    names = [p[1] for p in parts]
    if only is not None and only not in names:
        raise SystemExit(f"no part {only!r}: want {', '.join(names)}")
    if draft:
        # A writer's draft holds one part: check it alone.
        parts = [p for p in parts if p[1] == only]
    return run(title, parts, readable=[], blind=blind, only=None if draft else only, plain=plain)


def sealed_set_main(d, set_prefix, ood_prefix, ood_want, argv):
    """The command line of a sealed set in the four writers' layout (from `sealed-test-v5` on):
    no argument checks `test.jsonl` and `ood.jsonl`; `<set_prefix>-la [DRAFT]` (…) one writer's
    part; `ood [DRAFT]` the out-of-distribution inputs alone, whose ids are
    `<ood_prefix>-NNN` and whose count per kind must be `ood_want`. Every other labelled set
    is compared blind. The exit status."""
    only = argv[1] if len(argv) > 1 else None
    errors = []
    if only in (None, "ood"):
        draft = os.path.abspath(argv[2]) if only == "ood" and len(argv) > 2 else None
        check_sealed_ood(draft or f"{d}/ood.jsonl", ood_prefix + r"-\d{3}", ood_want, errors,
                         long_words=(330, 480))
        if only == "ood":
            return finish(errors)
    status = writer_set_main(os.path.basename(d), f"{d}/test.jsonl", set_prefix, "s", 6,
                             every_other_set(d), argv)
    # The verdict printed last is the whole set's: test.jsonl's above, ood.jsonl's if it failed.
    return (finish(errors) if errors else 0) or status


def tokens(text):
    return frozenset(re.findall(r"[^\W_]+", text.lower()))


def family_wording(line):
    line = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], line)
    return re.sub(r"\{[a-z0-9_]+\}", " ", line)


def strip_prefix(text):
    return text.split(": ", 1)[1] if ": " in text else text


def readable_refs(jsonl_globs):
    """Token set -> source, for the template families and the named JSONL files."""
    refs = {}
    for path in sorted(glob.glob(models_path("families", "*.txt"))):
        for i, raw in enumerate(open(path, encoding="utf-8"), 1):
            line = raw.strip()
            if line and not line.startswith("#"):
                refs.setdefault(tokens(family_wording(line)), f"families/{os.path.basename(path)}:{i}")
    for g in jsonl_globs:
        for path in sorted(glob.glob(models_path(g))):
            rel = os.path.relpath(path, models_path("data"))
            for i, raw in enumerate(open(path, encoding="utf-8"), 1):
                if raw.strip():
                    refs.setdefault(tokens(strip_prefix(json.loads(raw)["text"])), f"{rel}:{i}")
    refs.pop(frozenset(), None)
    return refs


def blind_sets(path):
    """Token sets of a set the writer must not read. Never printed."""
    s = set()
    for p in sorted(glob.glob(models_path(path))):
        with open(p, encoding="utf-8") as f:
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


def check_part(path, prefix, tag, cats, n_fams, illicit, ids, texts, errors, plain=PLAIN):
    rows, fams = [], collections.defaultdict(list)
    name = os.path.relpath(path, models_path("data"))
    if not os.path.exists(path):
        errors.append(f"{name}: missing")
        return rows
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        w = f"{name}:{n}"
        if not raw.strip():
            errors.append(f"{w}: blank line")
            continue
        try:
            r = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(f"{w}: invalid JSON ({e})")
            continue
        # A file may hold several parts: each checks the rows of its own id prefix, and
        # `run` checks that every row belongs to one of the file's parts.
        if isinstance(r, dict) and not str(r.get("id", "")).startswith(f"{prefix}-"):
            continue
        if not isinstance(r, dict) or set(r) != set(FIELDS):
            errors.append(f"{w}: not an object with fields {sorted(FIELDS)}")
            continue
        bad = [k for k, t in FIELDS.items() if not isinstance(r[k], t)]
        if bad:
            errors.append(f"{w}: wrong type for {bad}")
            continue
        if not re.fullmatch(rf"{prefix}-\d{{4}}", r["id"]) or r["id"] in ids:
            errors.append(f"{w}: bad or duplicate id {r['id']!r} (want {prefix}-NNNN)")
        ids.add(r["id"])
        t = r["text"]
        if not t.strip() or t != t.strip():
            errors.append(f"{w}: empty text or surrounding whitespace")
        if t.lower().startswith("transfer ") or re.search(r"\{[a-z_]+\}|\[[^\]]*\|", t):
            errors.append(f"{w}: transfer prefix or template syntax")
        if t.lower() in texts:
            errors.append(f"{w}: duplicate text")
        texts.add(t.lower())
        nw = len(t.split())
        if not MIN_WORDS <= nw <= MAX_WORDS:
            errors.append(f"{w}: {nw} words (want {MIN_WORDS}-{MAX_WORDS})")
        c = r["category"]
        if c not in cats or c not in illicit:
            errors.append(f"{w}: category {c!r} not in this part")
            continue
        want = "illicit" if illicit[c] else "legit"
        if r["label"] != want:
            errors.append(f"{w}: label {r['label']!r}, {c} is {want}")
        m = re.fullmatch(rf"([a-z_]+)/{tag}(\d+)", r["family"])
        if not m or m.group(1) != c or not 1 <= int(m.group(2)) <= n_fams:
            errors.append(f"{w}: family {r['family']!r} (want {c}/{tag}1..{tag}{n_fams})")
        v, hard = r["voice"], HARD[illicit[c]]
        if v not in plain | hard:
            errors.append(f"{w}: voice {v!r} on a {want} memo")
        if r["hard"] != (v in hard):
            errors.append(f"{w}: voice {v} with hard={r['hard']}")
        fams[r["family"]].append(r)
        rows.append(r)
    want_rows = len(cats) * n_fams * 3
    if len(rows) != want_rows:
        errors.append(f"{name}: {len(rows)} valid memos, want {want_rows}")
    per_cat = collections.Counter(f.split("/")[0] for f in fams)
    for c in cats:
        if per_cat[c] != n_fams:
            errors.append(f"{name}: {c} has {per_cat[c]} families, want {n_fams}")
    for f, rs in fams.items():
        vs = [r["voice"] for r in rs]
        if len(rs) != 3 or sum(r["hard"] for r in rs) != 1 or len(set(vs)) != 3:
            errors.append(f"{name}: family {f}: voices {vs}, want one hard + two different plain")
    return rows


def check(parts, readable, blind, only=None, plain=PLAIN):
    """Every check of a set, without printing. parts: [(file, id prefix, family tag, categories,
    families per category)]. readable: JSONL globs (under models/) the writers may read; blind:
    those they may not. only: check only the parts whose file or id prefix contains this string (a
    writer's own part). plain: the plain voices the set may use.
    Returns a namespace: rows (the valid memos), errors, n_refs (distinct readable wordings), res
    ([(Jaccard, memo, nearest readable source)], in row order) and blind ([(glob, distinct memos
    or None when absent, max Jaccard, ids of our memos >= BOUND)]); no blind text or id."""
    illicit = categories()
    errors, ids, texts, rows = [], set(), set(), []
    prefixes = collections.defaultdict(list)
    for path, prefix, tag, cats, n in parts:
        if only and only not in path and only not in prefix:
            continue
        prefixes[path].append(prefix)
        rows += check_part(models_path(path), prefix, tag, cats, n, illicit, ids, texts, errors,
                           plain)
    for path, pre in prefixes.items():
        if not os.path.exists(models_path(path)) or only:
            continue
        for n, raw in enumerate(open(models_path(path), encoding="utf-8"), 1):
            try:
                i = str(json.loads(raw).get("id", ""))
            except (json.JSONDecodeError, AttributeError):
                continue  # reported by check_part
            if not any(i.startswith(f"{p}-") for p in pre):
                errors.append(f"{path}:{n}: id {i!r} belongs to no part ({', '.join(pre)})")
    toks = [tokens(r["text"]) for r in rows]
    refs = readable_refs(readable)
    ref_sets = list(refs)
    idx = Index(ref_sets)
    res = []
    for r, t in zip(rows, toks):
        j, i = idx.max_jaccard(t)
        res.append((j, r, refs[ref_sets[i]] if i is not None else "-"))
        if j >= BOUND:
            errors.append(f"{r['id']} ({r['family']}): Jaccard {j:.3f} vs {refs[ref_sets[i]]}")
    blinds = []
    for path in blind:
        sets = blind_sets(path)
        if not sets:
            blinds.append((path, None, 0.0, []))
            continue
        bi = Index(sets)
        mx, hits = 0.0, []
        for r, t in zip(rows, toks):
            j, _ = bi.max_jaccard(t)
            mx = max(mx, j)
            if j >= BOUND:
                hits.append(r["id"])
        blinds.append((path, len(sets), mx, hits))
        if hits:
            errors.append(f"{len(hits)} memo(s) at Jaccard >= {BOUND} vs {path}: {', '.join(hits)}")
    return types.SimpleNamespace(rows=rows, errors=errors, n_refs=len(ref_sets), res=res,
                                 blind=blinds)


OOD_KINDS = {"reference-only", "one-two-words", "emoji-only", "long", "non-english"}


def read_unlabelled(path, errors):
    """The rows of a `{"id","text","kind"}` JSONL file (all strings) as (line, row); a bad line
    goes to `errors` by its number only, never its text."""
    rows = []
    for n, raw in enumerate(open(models_path(path), encoding="utf-8"), 1):
        where = f"{path}:{n}"
        try:
            r = json.loads(raw)
        except json.JSONDecodeError as e:  # a blank line included
            errors.append(f"{where}: invalid JSON ({e})")
            continue
        if (not isinstance(r, dict) or set(r) != {"id", "text", "kind"}
                or not all(isinstance(r[k], str) for k in r)):
            errors.append(f"{where}: want exactly string fields id, text, kind")
            continue
        rows.append((n, r))
    return rows


def check_ood(path, id_pattern, errors, long_words=(300, 600)):
    """A sealed set's `ood.jsonl`, read blind (only line numbers and ids reach `errors`): the
    fields of `read_unlabelled`, unique ids matching `id_pattern`, known kinds, non-empty
    texts, `long` texts of `long_words` words. The count per kind."""
    kinds, ids = collections.Counter(), set()
    for n, r in read_unlabelled(path, errors):
        where = f"{path}:{n}"
        if not re.fullmatch(id_pattern, r["id"]) or r["id"] in ids:
            errors.append(f"{where}: bad or duplicate id {r['id']!r}")
        ids.add(r["id"])
        if r["kind"] not in OOD_KINDS:
            errors.append(f"{where}: unknown kind {r['kind']!r}")
        if not r["text"].strip() or r["text"] != r["text"].strip():
            errors.append(f"{where}: empty or padded text")
        lo, hi = long_words
        if r["kind"] == "long" and not lo <= len(r["text"].split()) <= hi:
            errors.append(f"{where}: long text has {len(r['text'].split())} words, want {lo}-{hi}")
        kinds[r["kind"]] += 1
    return kinds


def check_sealed_ood(path, id_pattern, want, errors, long_words):
    """`check_ood` on a sealed set's `ood.jsonl`, its counts printed on one line, and an error
    unless the count per kind is `want`."""
    kinds = check_ood(path, id_pattern, errors, long_words=long_words)
    print("ood.jsonl: " + ", ".join(f"{k} {kinds[k]}" for k in sorted(OOD_KINDS))
          + f"; total {sum(kinds.values())}")
    if dict(kinds) != want:
        errors.append(f"ood.jsonl: kinds {dict(sorted(kinds.items()))}, "
                      f"want {dict(sorted(want.items()))}")


def finish(errors):
    """Prints the verdict; the exit status."""
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


def run(title, parts, readable, blind, only=None, plain=PLAIN):
    """`check`, then a summary: counts, voices, lengths, the maxima. The exit status."""
    c = check(parts, readable, blind, only, plain)
    rows = c.rows
    print(f"{title}: {len(rows)} memos; {c.n_refs} distinct readable wordings compared")
    vc = collections.Counter(r["voice"] for r in rows)
    print("voices: " + ", ".join(f"{v} {vc[v]}" for v in sorted(vc)))
    w = sorted(len(r["text"].split()) for r in rows)
    if w:
        print(f"length (words): min {w[0]}, median {w[len(w) // 2]}, max {w[-1]}; "
              f"2-4 words: {sum(x <= 4 for x in w)}")
    if c.res:
        j, r, _ = max(c.res, key=lambda x: x[0])
        print(f"max Jaccard vs readable sets: {j:.3f} ({r['id']})")
    for path, n, mx, _ in c.blind:
        if n is None:
            print(f"blind {path}: not present, skipped")
            continue
        print(f"max Jaccard vs {path} ({n} memos, texts not shown): {mx:.3f}")
    return finish(c.errors)
