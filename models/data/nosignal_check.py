#!/usr/bin/env python3
"""Checks of the no-signal sets (nosignal-train-v1, nosignal-dev-v1, -v2, -v3): memos with
no purpose in them, whose right answer is Abstain.

Each set's check.py names its files, id prefixes and kind counts and calls `run`. Checked:
the fields `id`, `text`, `kind` (all strings), ids `<prefix>-NNN` rising (gaps are memos
dropped as duplicates, see the set's README), texts unique (after
folding case, spaces and punctuation) and stripped; the kinds and their counts; each kind's
shape (word counts; emoji without letters or digits); no category word (the
templates' category names and the words a purpose is named with). Other sets are compared
blind (their texts are never printed): with `exclusive`, no memo may equal (after folding) a
memo of those sets.
"""

import glob
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import voices_check  # noqa: E402

# (kind, fewest words, most words); words are whitespace-separated tokens.
SHAPES = {
    "vague": (1, 5),
    "filler": (1, 2),
    "noise": (1, 3),
    "reference": (1, 6),
    "emoji": (1, 8),
}

# Words that name a purpose; a no-signal memo holds none of them (the category names of
# templates.rs are added at run time, with their parts: `loan_repayment` → loan, repayment).
PURPOSE_WORDS = """
salary wage wages pay payment payout paycheck rent lease invoice bill bills utilities
electricity water gas internet phone shop purchase refund donation charity gift present
subscription membership loan repay debt owe supplier shipment medical doctor hospital pharmacy
tax travel ticket hotel flight food dinner lunch groceries school tuition fees family mum dad
birthday wedding investment profit crypto coin token bitcoin wallet seed password verify
account bank login airdrop claim ransom decrypt drugs weapons pills laundering sanctions love
darling babe honey extortion threat leak photos ceo boss bribe favour urgent deposit fund money
cash transfer deal reward prize bonus
""".split()


def fold(text):
    """The text a duplicate is judged on: case, spaces and punctuation folded away (emoji and
    symbols kept, so two different emoji strings stay different)."""
    t = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c for c in t if not (c.isspace() or unicodedata.category(c).startswith("P")))
    return kept or t.strip()


def has_word_letters(text):
    """Letters or digits, as a word is made of (emoji and symbols are neither)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def read(path):
    errors = []
    rows = [r for _, r in voices_check.read_unlabelled(path, errors)]
    return rows, errors


def blind_folds(globs):
    """Folded texts of the sets compared blind. Never printed."""
    out = set()
    for g in globs:
        for p in sorted(glob.glob(voices_check.models_path(g))):
            with open(p, encoding="utf-8") as f:
                for raw in f:
                    if raw.strip():
                        text = json.loads(raw)["text"]
                        out.add(fold(voices_check.strip_prefix(text)))
    return out


def check(parts, exclusive):
    """parts: [(file, id prefix, {kind: count})]. The list of problems (ids, never texts)."""
    errors, seen, last = [], {}, {}
    cats = voices_check.categories()
    banned = set(PURPOSE_WORDS) | {p for c in cats for p in c.split("_")} | set(cats)
    for path, prefix, counts in parts:
        rows, errs = read(path)
        errors += errs
        got = {}
        for n, row in enumerate(rows, 1):
            i, text, kind = row["id"], row["text"], row["kind"]
            m = re.fullmatch(rf"{re.escape(prefix)}-(\d{{3}})", i)
            if not m or int(m.group(1)) <= last.get(path, 0):
                errors.append(f"{path}: row {n} has id {i}, want {prefix}-NNN after the last")
            else:
                last[path] = int(m.group(1))
            if not text or text != text.strip():
                errors.append(f"{i}: empty or padded text")
            if kind not in SHAPES:
                errors.append(f"{i}: unknown kind {kind!r}")
                continue
            got[kind] = got.get(kind, 0) + 1
            lo, hi = SHAPES[kind]
            if not lo <= len(text.split()) <= hi:
                errors.append(f"{i}: {kind} wants {lo}-{hi} words, has {len(text.split())}")
            if kind == "emoji" and has_word_letters(text):
                errors.append(f"{i}: emoji with letters or digits")
            words = set(re.findall(r"[a-z]+", text.casefold()))
            if words & banned:
                errors.append(f"{i}: names a purpose ({', '.join(sorted(words & banned))})")
            key = fold(text)
            if key in seen:
                errors.append(f"{i}: repeats {seen[key]}")
            seen.setdefault(key, i)
        if got != counts:
            errors.append(f"{path}: kinds {dict(sorted(got.items()))}, want {dict(sorted(counts.items()))}")
    others = blind_folds(exclusive)
    shared = sorted(i for k, i in seen.items() if k in others)
    if shared:
        errors.append(f"{len(shared)} memo(s) equal a memo of a set compared blind: {', '.join(shared)}")
    return errors, len(seen)


def run(title, parts, exclusive):
    errors, n = check(parts, exclusive)
    print(f"{title}: {n} memos in {len(parts)} part(s)")
    for path, _, counts in parts:
        print(f"  {path}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  compared blind with: {', '.join(exclusive)}")
    return voices_check.finish(errors)
