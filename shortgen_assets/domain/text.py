"""Text helpers for narration and on-screen copy, in any script.

Pure functions, no model and no network: trimming to a speech-unit budget or a character limit
(never mid-word, never inside an accent or emoji sequence), splitting talking points into
breath-sized sentences, dropping what a narrator does not read out, and sanitizing hashtags.
Speech units are measured as in `plan_checks`, so trimmed text passes its pace checks.
"""

from __future__ import annotations

import re
import unicodedata

from shortgen_assets.domain.plan.checks import ATOM, CJK_CHAR, atom_units, speech_units

MAX_SENTENCE_UNITS = 28.0
STOPWORD_TEXT = (
    "a an and are as at be but by for from if in into is it its of on or so than that the their "
    "then this to was were with without your you our we before after about"
)
STOPWORDS = frozenset(STOPWORD_TEXT.split())
SENTENCE_END = re.compile(r"(?<=[.!?…。！？؟])\s+|(?<=[。！？])")
TERMINALS = ".!?…。！？؟"
CLAUSE_MARKS = ",;:—–，、；：،"


def _cut_index(text: str, max_units: float, *, keep: float = 0.6) -> int:
    """Where to cut `text` to fit `max_units`: a clause end if one keeps `keep` of the words,
    else the last whole word (never mid-word), minus dangling function words."""
    atoms = list(ATOM.finditer(text))
    kept: list[re.Match[str]] = []
    total = 0.0
    for atom in atoms:
        units = atom_units(atom.group())
        if total + units > max_units:
            break
        total += units
        kept.append(atom)
    if len(kept) == len(atoms):
        return len(text)
    while len(kept) > 2 and kept[-1].group().strip(".,;:!?\"'()").casefold() in STOPWORDS:
        kept.pop()
    clause_ends = [i for i, a in enumerate(kept) if a.group()[-1] in CLAUSE_MARKS]
    if clause_ends and clause_ends[-1] + 1 >= keep * len(kept):
        kept = kept[: clause_ends[-1] + 1]
    return kept[-1].end() if kept else 0


def close_sentence(text: str) -> str:
    """End a fragment like a sentence: drop trailing clause marks, add a full stop."""
    text = text.strip().rstrip(CLAUSE_MARKS + "-( ").strip()
    if not text or text[-1] in TERMINALS:
        return text
    return text + ("。" if CJK_CHAR.match(text[-1]) else ".")


def trim_to_units(text: str, max_units: float) -> str:
    """`text` shortened to at most `max_units` speech units, ending as a sentence."""
    cut = _cut_index(text, max_units)
    return text if cut == len(text) else close_sentence(text[:cut])


def trim_chars(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a space when one is near, never inside an
    accent, emoji sequence or word of a spaced script."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    while cut > 0 and (_joins(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    space = text.rfind(" ", 0, cut + 1)
    if space >= limit // 2:
        cut = space
    return text[:cut].rstrip(CLAUSE_MARKS + " -") + "…"


def _joins(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ch in "\u200d\ufe0e\ufe0f"


def spoken(text: str) -> str:
    """`text` without emoji and symbols, which a narrator does not read out."""
    kept = []
    for ch in text:
        dropped = unicodedata.category(ch) in ("So", "Sk", "Me", "Co", "Cn") or ch in "\ufe0e\ufe0f"
        if ch == "\u200d" and kept and kept[-1] == " ":
            dropped = True
        kept.append(" " if dropped else ch)
    return " ".join("".join(kept).split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a talking point; any longer than a breath is split at clauses or words."""
    sentences: list[str] = []
    for sentence in SENTENCE_END.split(" ".join(text.split())):
        rest = sentence.strip()
        while rest and speech_units(rest) > MAX_SENTENCE_UNITS:
            cut = _cut_index(rest, MAX_SENTENCE_UNITS) or len(rest)
            sentences.append(close_sentence(rest[:cut]))
            rest = rest[cut:].lstrip(CLAUSE_MARKS + " -")
            rest = rest[:1].upper() + rest[1:]
        if speech_units(rest) > 0:
            sentences.append(close_sentence(rest))
    return sentences


def sanitize_hashtag(raw: str) -> str:
    """A tag without '#', spaces or symbols; letters of any script, digits and '_' are kept."""
    words = raw.replace("#", " ").split()
    joined = ("" if all(w.isascii() for w in words) else "_").join(words)
    kept = "".join(ch for ch in joined if ch == "_" or unicodedata.category(ch)[0] in "LNM")
    tag = kept.strip("_")[:40]
    return tag if any(unicodedata.category(ch)[0] == "L" for ch in tag) else ""
