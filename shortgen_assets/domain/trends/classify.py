"""What one trending video is: its production style, its kind of hook and its opening line.

Cue words and patterns, no model: the same title always reads the same way.
"""

from __future__ import annotations

import re

from shortgen_assets.domain.schemas import STYLES, Style, TrendItem
from shortgen_assets.domain.trends.collect import GENERIC_HASHTAGS, strip_hashtags

# fmt: off
STYLE_CUES: dict[str, tuple[str, ...]] = {
    "tutorial": (
        "how to", "howto", "tutorial", "step by step", "3-step", "guide", "recipe", "recipes",
        "hack", "hacks", "lifehack", "lifehacks", "tips", "learn", "learnontiktok", "diy", "fix",
        "beginner", "settings", "save this", "regrow", "routine", "progression",
    ),
    "talking-head": (
        "storytime", "story time", "grwm", "get ready with me", "rant", "my opinion", "hot take",
        "unpopular opinion", "advice", "podcast", "honest", "review", "explained", "reacts",
        "rating", "is it worth", "i wish i knew", "let's talk", "q&a", "i tried", "why i",
    ),
    "text-heavy": (
        "facts", "didyouknow", "did you know", "things nobody", "reminder", "quotes", "quote",
        "read this", "red flags", "signs", "checklist", "rules", "habits", "mistakes",
    ),
    "cinematic": (
        "cinematic", "4k", "drone", "fpv", "sunset", "sunrise", "golden hour", "aesthetic",
        "wanderlust", "b-roll", "broll", "shot on", "slow motion", "asmr", "scenery",
    ),
    "animation": (
        "animation", "animated", "animator", "3d", "3danimation", "blender", "blender3d",
        "cartoon", "pixel art", "pixelart", "stop motion", "stopmotion", "motion graphics",
    ),
    "montage": (
        "montage", "compilation", "edit", "gymedit", "day in my life", "dayinmylife",
        "what i eat in a day", "whatieatinaday", "transition", "highlights", "clips", "vlog",
        "photo dump", "photodump", "before and after", "beforeandafter", "transformation",
        "makeover", "harvest", "unboxing", "timelapse", "flip", "thriftflip", "day 1",
    ),
}
HOOK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pov", re.compile(r"^\s*pov\b", re.I)),
    ("challenge", re.compile(
        r"\bchallenge\b|\bi tried\b|\bfor \d+ (days|nights)\b|\bevery day\b", re.I,
    )),
    ("how-to", re.compile(r"\bhow to\b|^\s*how i\b|\btutorial\b|\bstep by step\b", re.I)),
    ("number/list", re.compile(
        r"^\s*(top )?\d+\s+[a-z]|\b\d+\s+(things|ways|tips|foods|signs)\b", re.I,
    )),
    ("warning", re.compile(r"^\s*(stop|don'?t|never|avoid|quit)\b|\bmistakes?\b|❌", re.I)),
    ("reveal", re.compile(
        r"before (and|&) after|glow.?up|reveal|wait (for|till) |transformation|secret|"
        r"nobody (tells|talks)|you won'?t believe|finally|hidden", re.I,
    )),
    ("question", re.compile(
        r"\?|^\s*(why|what|who|which|how (much|many|long|often)|is|are|do|does|can|should)\b",
        re.I,
    )),
    ("story", re.compile(r"storytime|story time|day in (my|the) life|^\s*when (i|you|my)\b", re.I)),
)
# fmt: on
_STYLE_PATTERNS = {
    style: re.compile(r"\b(" + "|".join(re.escape(cue) for cue in cues) + r")\b")
    for style, cues in STYLE_CUES.items()
}
_HOOK_SPLIT = re.compile(r"\s[|•–—-]\s|\s*\n")


def item_key(item: TrendItem) -> str:
    """The item's identity across sources: platform and id."""
    return f"{item.platform}:{item.external_id}"


def classify_style(item: TrendItem) -> Style:
    """The production style a video most likely uses, from its words, hashtags and length.

    Cue words decide; a numbered-list title reads as on-screen text. With no cue at all, length
    is the best prior: quick cuts under 30 s, someone talking to camera above.
    """
    text = " ".join([item.title, item.description, *item.hashtags]).lower()
    scores = {s: len(_STYLE_PATTERNS[s].findall(text)) for s in STYLES}
    if classify_hook(item.title) == "number/list":
        scores["text-heavy"] += 1
    best = max(STYLES, key=lambda s: scores[s])
    if scores[best] > 0:
        return best
    return "montage" if item.duration_seconds <= 30 else "talking-head"


def classify_hook(title: str) -> str:
    """The kind of opening line a title uses; 'statement' when no pattern applies."""
    line = strip_hashtags(title)
    for name, pattern in HOOK_RULES:
        if pattern.search(line):
            return name
    return "statement"


def hook_line(title: str, limit: int = 80) -> str:
    """The first clause of a title, without hashtags: the words a viewer reads first."""
    line = _HOOK_SPLIT.split(strip_hashtags(title), maxsplit=1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def topical_hashtags(item: TrendItem) -> list[str]:
    return [tag for tag in item.hashtags if tag not in GENERIC_HASHTAGS]
