"""Checks a production plan must pass before media is made from it.

Each check returns human-readable problems (an empty list means it passes), so the same functions
serve the Dagster asset checks, the LLM repair round and the tests.

Narration pace is measured in *speech units* rather than raw whitespace words, because scripts
without spaces would otherwise count as one word:

- a whitespace-separated token counts 1 if it holds a letter or digit in any script (Latin,
  Cyrillic, Arabic, Hebrew, Hangul, ...); tokens of emoji or punctuation alone are not spoken and
  count 0;
- each Chinese/Japanese character (Han, Hiragana, Katakana) counts 0.5: spoken Mandarin and Japanese
  run at roughly 4-6 characters a second, so two characters take about as long as one English word.

Scripts that neither use spaces nor appear above (Thai, Khmer, ...) are under-counted.
"""

from __future__ import annotations

import re
import unicodedata

from shortgen_assets.domain.schemas import ProductionPlan

MIN_WORDS_PER_SECOND = 2.0
MAX_WORDS_PER_SECOND = 3.2
SCENE_SUM_TOLERANCE = 0.10
MIN_HASHTAGS = 3
MAX_HASHTAGS = 10

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
CJK_CHAR = re.compile(f"[{_CJK}]")
# An atom is one CJK character or a run of other non-space characters: the smallest piece of text
# that may be cut off without splitting a word.
ATOM = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
CJK_UNITS = 0.5


def atom_units(atom: str) -> float:
    """Speech units of one atom (see the module docstring)."""
    if CJK_CHAR.fullmatch(atom):
        return CJK_UNITS
    return 1.0 if any(_is_letter_or_digit(ch) for ch in atom) else 0.0


def speech_units(text: str) -> float:
    """How many words' worth of speaking time `text` takes (see the module docstring)."""
    return sum(atom_units(match.group()) for match in ATOM.finditer(text))


def _is_letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def scene_duration_problems(plan: ProductionPlan) -> list[str]:
    total = sum(scene.duration_seconds for scene in plan.scenes)
    target = plan.duration_target
    if abs(total - target) <= SCENE_SUM_TOLERANCE * target:
        return []
    return [
        f"scene durations sum to {total:.2f} s but the target is {target:.2f} s "
        f"(allowed ±{SCENE_SUM_TOLERANCE:.0%}); lengthen or shorten scenes to match"
    ]


def overlay_problems(plan: ProductionPlan) -> list[str]:
    duration = plan.duration_target
    return [
        f"overlay {index} ({overlay.style} {overlay.text[:40]!r}) runs {overlay.start:.2f}-"
        f"{overlay.end:.2f} s, outside the video's 0-{duration:.2f} s"
        for index, overlay in enumerate(plan.text_overlays, start=1)
        if overlay.start < 0 or overlay.end > duration + 1e-6
    ]


def narration_pace_problems(plan: ProductionPlan) -> list[str]:
    units = speech_units(plan.voiceover_script)
    rate = units / plan.duration_target
    if MIN_WORDS_PER_SECOND <= rate <= MAX_WORDS_PER_SECOND:
        return []
    low = MIN_WORDS_PER_SECOND * plan.duration_target
    high = MAX_WORDS_PER_SECOND * plan.duration_target
    verdict = "too long to speak" if rate > MAX_WORDS_PER_SECOND else "too short to fill"
    return [
        f"narration is {units:g} words for {plan.duration_target:g} s ({rate:.2f} words/s), "
        f"{verdict} the video; write {low:.0f}-{high:.0f} words"
    ]


def hashtag_problems(plan: ProductionPlan) -> list[str]:
    problems = []
    count = len(plan.hashtags)
    if not MIN_HASHTAGS <= count <= MAX_HASHTAGS:
        problems.append(f"{count} hashtags; use {MIN_HASHTAGS}-{MAX_HASHTAGS}")
    for tag in plan.hashtags:
        if not tag.strip():
            problems.append("a hashtag is empty")
        elif any(ch.isspace() for ch in tag):
            problems.append(f"hashtag {tag!r} contains spaces")
        elif "#" in tag:
            problems.append(f"hashtag {tag!r} contains '#'; store tags without it")
    return problems


CHECKS = {
    "scene_durations": scene_duration_problems,
    "overlays": overlay_problems,
    "narration_pace": narration_pace_problems,
    "hashtags": hashtag_problems,
}


def plan_problems(plan: ProductionPlan) -> dict[str, list[str]]:
    """Every check's problems by check name; a plan is usable when every list is empty."""
    return {name: check(plan) for name, check in CHECKS.items()}
