"""The offline planner: a deterministic production plan from a theme and a trend report.

No model, no network, same input -> same plan. The plan is built to pass every check in
`plan_checks`: narration is composed to a speech-unit budget (2.5 words a second, the natural
narration pace), scenes of 3-6 s sum exactly to the target, overlays sit inside the video and
hashtags are sanitized. The report steers it: its dominant hook type shapes the opening line, its
recommended style the visuals, its recommended duration the cutting pace, its hashtags and cluster
keywords the tags and extra narration. Trimming and sanitizing text is `text`'s job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from shortgen_assets.domain.plan.checks import speech_units
from shortgen_assets.domain.schemas import (
    ProductionPlan,
    Scene,
    TextOverlay,
    Theme,
    TrendReport,
)
from shortgen_assets.domain.text import (
    STOPWORDS,
    close_sentence,
    sanitize_hashtag,
    split_sentences,
    spoken,
    trim_chars,
    trim_to_units,
)

WORDS_PER_SECOND = 2.5
CEILING_WORDS_PER_SECOND = 2.85  # fill up to here at most: well inside the 3.2 check
FLOOR_WORDS_PER_SECOND = 2.2  # top up below this: well inside the 2.0 check
MIN_FRAGMENT_UNITS = 4.0
SCENE_MIN_SECONDS, SCENE_MAX_SECONDS = 3.0, 6.0
OVERLAY_SECONDS = 3.0
MAX_CYCLES = 12

# style -> (what the footage looks like, how scenes change)
STYLE_LOOKS = {
    "talking-head": ("a presenter speaking to camera in a bright, natural setting", "cut"),
    "montage": ("a fast montage of close-ups and lifestyle b-roll", "cut"),
    "text-heavy": ("bold kinetic typography over clean gradient backgrounds", "slide"),
    "cinematic": ("cinematic slow-motion shots, shallow depth of field, warm light", "fade"),
    "tutorial": ("step-by-step hands-on close-ups and screen captures", "slide"),
    "animation": ("colourful motion-graphics animation", "zoom"),
}
PLATFORM_TAGS = {"youtube_shorts": "shorts", "tiktok": "fyp", "reels": "reels"}
# (family, substrings of the analyzer's hook-type name); the first match wins
HOOK_FAMILIES = (
    ("warning", ("stop", "warn", "mistake", "never", "dont")),
    ("question", ("question", "ask", "why")),
    ("pov", ("pov", "relatab")),
    ("howto", ("how", "tutorial", "tip", "hack", "guide", "step")),
    ("number", ("number", "list", "stat", "count", "top")),
    ("curiosity", ("secret", "reveal", "curio", "nobody", "surpris", "shock")),
    ("story", ("story", "storytime")),
    ("challenge", ("challenge", "tried", "test")),
)
HOOKS = {
    "warning": "Stop scrolling if you have not tried {product} yet.",
    "question": "Why is everyone switching to {product}?",
    "pov": "POV: you just discovered {product}.",
    "howto": "Here is how {product} makes it easy.",
    "number": "Give me {seconds} seconds to show you {product}.",
    "curiosity": "Nobody tells you this about {product}.",
    "story": "This is the story of {product}.",
    "challenge": "I put {product} to the test.",
    "statement": "Meet {product}.",
}
TREND_LINES = (
    "Right now, feeds are full of {topics}.",
    "Trending this week: {topics}.",
    "Viewers keep coming back to {topics}.",
)
REPEAT_PREFIXES = ("Remember:", "Once more:", "The key point:")


# --- narration -------------------------------------------------------------------------------


def dominant_hook_type(report: TrendReport) -> str:
    """The hook type most fast-rising videos use (ties broken by name, so it is stable)."""
    if report.hook_types:
        return max(sorted(report.hook_types), key=lambda name: report.hook_types[name])
    if report.top_trends:
        return report.top_trends[0].hook_type
    if report.top_hooks and report.top_hooks[0].rstrip().endswith("?"):
        return "question"
    return "statement"


def hook_family(hook_type: str) -> str:
    name = re.sub(r"[^a-z]", "", hook_type.casefold())
    for family, markers in HOOK_FAMILIES:
        if any(marker in name for marker in markers):
            return family
    return "statement"


def hook_sentence(theme: Theme, report: TrendReport, product: str) -> str:
    template = HOOKS[hook_family(dominant_hook_type(report))]
    return template.format(product=product, seconds=theme.duration_seconds)


def _content_pool(theme: Theme, report: TrendReport, product: str) -> list[str]:
    """Narration candidates, most important first: tagline, the opening sentence of every talking
    point (references interleaved), the rest of each point, the audience, trending topics."""
    points = _interleaved_points(theme)
    split = [split_sentences(point) for point in points]
    openings = [sentences[0] for sentences in split if sentences]
    continuations = [s for sentences in split for s in sentences[1:]]
    audience = split_sentences(f"{product} is made for {theme.audience}")[:1]
    clusters = sorted(report.clusters, key=lambda c: (-c.mean_velocity, c.cluster_id))
    trends = [
        TREND_LINES[i % len(TREND_LINES)].format(topics=_join_words(cluster.keywords[:3]))
        for i, cluster in enumerate(clusters)
        if cluster.keywords
    ]
    return [*split_sentences(theme.tagline), *openings, *continuations, *audience, *trends]


def _interleaved_points(theme: Theme) -> list[str]:
    references = [ref.talking_points for ref in theme.references]
    longest = max(len(points) for points in references)
    return [points[i] for i in range(longest) for points in references if i < len(points)]


def _join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _repeats(pool: list[str]) -> list[str]:
    """The pool again, introduced as reminders: the last resort for long videos with little
    content (a whole pass is offered first, so short videos rarely repeat themselves)."""
    return [
        f"{REPEAT_PREFIXES[cycle % len(REPEAT_PREFIXES)]} {sentence}"
        for cycle in range(MAX_CYCLES)
        for sentence in pool
    ]


def _whole(candidates: Iterator[str], budget: float, ceiling: float) -> list[str]:
    """Whole sentences in order, skipping any that would pass `ceiling`, until `budget`."""
    chosen: list[str] = []
    total = 0.0
    for sentence in candidates:
        if total >= budget - 1:
            break
        units = speech_units(sentence)
        if units > 0 and total + units <= ceiling:
            chosen.append(sentence)
            total += units
    return chosen


def _top_up(candidates: Iterator[str], needed: float, room: float) -> list[str]:
    """Trimmed sentences (shortest first, so the least is lost) adding at least `needed` and at
    most `room` units: only used when no whole sentence fits, as in a 5-second video."""
    pieces: list[str] = []
    for sentence in candidates:
        if needed <= 0 or room < 2:
            break
        piece = trim_to_units(sentence, min(room, max(needed + 1, MIN_FRAGMENT_UNITS)))
        units = speech_units(piece)
        if 0 < units <= room:
            pieces.append(piece)
            needed, room = needed - units, room - units
    return pieces


def _units(sentences: list[str]) -> float:
    return sum(speech_units(s) for s in sentences)


def _hook(theme: Theme, report: TrendReport, product: str, cap: float) -> str:
    """The trend-shaped hook; the plain 'Meet X.' when that does not fit a very short video."""
    hook = hook_sentence(theme, report, product)
    if speech_units(hook) > cap:
        hook = HOOKS["statement"].format(product=product)
    return trim_to_units(hook, cap)


def compose_narration(theme: Theme, report: TrendReport, product: str) -> list[str]:
    """Hook, body and call to action sized to the duration at a natural speaking rate."""
    seconds = float(theme.duration_seconds)
    target = WORDS_PER_SECOND * seconds
    hook = _hook(theme, report, product, max(6.0, 0.45 * target))
    cta = trim_to_units(close_sentence(theme.call_to_action), max(4.0, 0.4 * target))
    fixed = speech_units(hook) + speech_units(cta)
    pool = [s for s in _content_pool(theme, report, product) if s not in (hook, cta)]
    ceiling = CEILING_WORDS_PER_SECOND * seconds - fixed
    floor = FLOOR_WORDS_PER_SECOND * seconds - fixed
    body = _whole(iter(pool), target - fixed, ceiling)
    if _units(body) < floor:  # short video: a trimmed sentence rather than a repeat
        rest = sorted((s for s in pool if s not in body), key=speech_units)
        body += _top_up(iter(rest), floor - _units(body), ceiling - _units(body))
    if _units(body) < floor:  # long video with little content: reminders
        body += _whole(iter(_repeats(pool)), target - fixed - _units(body), ceiling - _units(body))
    return [hook, *body, cta]


# --- scenes, overlays, hashtags --------------------------------------------------------------


def scene_durations(seconds: float, report: TrendReport) -> list[float]:
    """3-6 s scenes summing exactly to `seconds`; faster cuts when short videos are trending."""
    recommended = report.recommended_duration_seconds
    pace = 3.5 if recommended <= 20 else 4.5 if recommended <= 45 else 5.5
    fewest = math.ceil(seconds / SCENE_MAX_SECONDS)
    most = max(fewest, math.floor(seconds / SCENE_MIN_SECONDS))
    count = min(most, max(fewest, round(seconds / pace)))
    share = round(seconds / count, 2)
    return [share] * (count - 1) + [round(seconds - share * (count - 1), 2)]


def _sentence_at(sentences: list[str], fraction: float) -> str:
    """The sentence being spoken `fraction` of the way through the narration."""
    weights = [max(speech_units(s), 0.5) for s in sentences]
    position = fraction * sum(weights)
    for sentence, weight in zip(sentences, weights, strict=True):
        position -= weight
        if position < 0:
            return sentence
    return sentences[-1]


def _subject(sentence: str) -> str:
    words = [w for w in (spoken(sentence).split()) if w.strip(".,;:!?").casefold() not in STOPWORDS]
    return trim_chars(" ".join(words).rstrip(".!?。"), 120)


def build_scenes(theme: Theme, report: TrendReport, sentences: list[str]) -> list[Scene]:
    seconds = float(theme.duration_seconds)
    look = STYLE_LOOKS[report.recommended_style][0]
    durations = scene_durations(seconds, report)
    scenes = []
    elapsed = 0.0
    for number, duration in enumerate(durations, start=1):
        subject = _subject(_sentence_at(sentences, (elapsed + duration / 2) / seconds))
        if number == 1:
            subject = f"opening hook, {subject}"
        elif number == len(durations):
            subject = f"closing shot of {spoken(theme.product) or theme.name}, {subject}"
        prompt = f"{look}; {subject}; {trim_chars(theme.tone, 60)} mood, vertical 9:16"
        transition = "cut" if number == 1 else STYLE_LOOKS[theme.style][1]
        scenes.append(
            Scene(
                scene_number=number,
                duration_seconds=duration,
                visual_prompt=trim_chars(prompt, 400),
                transition=transition,
            )
        )
        elapsed += duration
    return scenes


def build_overlays(theme: Theme, hook: str) -> list[TextOverlay]:
    """Hook at the start, call to action at the end, the tagline mid-video when there is room;
    placed away from the captions."""
    seconds = float(theme.duration_seconds)
    span = min(OVERLAY_SECONDS, 0.4 * seconds)
    away = "bottom" if theme.caption_style.position == "top" else "top"
    cta_position = away if theme.caption_style.position == "center" else "center"
    overlays = [
        TextOverlay(text=trim_chars(hook, 60), start=0.0, end=span, position=away, style="hook"),
        TextOverlay(
            text=trim_chars(theme.call_to_action, 60),
            start=round(seconds - span, 2),
            end=seconds,
            position=cta_position,
            style="cta",
        ),
    ]
    if seconds >= 12:
        start = round(0.45 * seconds, 2)
        end = round(min(start + OVERLAY_SECONDS, seconds - span), 2)
        callout = TextOverlay(
            text=trim_chars(theme.tagline, 60), start=start, end=end, position=away
        )
        overlays.insert(1, callout)
    return overlays


def merge_hashtags(theme: Theme, report: TrendReport) -> list[str]:
    """Brand tags first, then what is trending, then generic fallbacks; 3-10 unique tags."""
    trending = [*report.top_hashtags]
    for cluster in sorted(report.clusters, key=lambda c: -c.mean_velocity):
        trending += cluster.hashtags
    fallbacks = [theme.product, *theme.keywords, PLATFORM_TAGS[theme.platform], theme.style]
    limit = 10 if len(theme.hashtags) > 8 else 8
    tags: list[str] = []
    for raw in [*theme.hashtags, *trending[:6], *fallbacks, "shortvideo", "trending"]:
        tag = sanitize_hashtag(raw)
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags[:limit]


# --- the plan --------------------------------------------------------------------------------


def build_plan(theme: Theme, report: TrendReport) -> ProductionPlan:
    """A complete, check-passing production plan for `theme`, steered by `report`."""
    product = spoken(theme.product) or spoken(theme.name) or theme.name
    sentences = compose_narration(theme, report, product)
    hashtags = merge_hashtags(theme, report)
    topics = [k for c in report.clusters[:3] for k in c.keywords[:2]]
    video_prompt = (
        f"Vertical 9:16 {theme.style} short about {theme.product} for "
        f"{trim_chars(theme.audience, 120)}: {STYLE_LOOKS[report.recommended_style][0]}. "
        f"Tone: {trim_chars(theme.tone, 80)}."
        + (f" Trending topics: {', '.join(topics)}." if topics else "")
    )
    parts = [
        theme.tagline,
        trim_chars(" ".join(sentences[1:-1][:3]), 600),
        theme.call_to_action,
        " ".join(f"#{tag}" for tag in hashtags),
    ]
    return ProductionPlan(
        title=trim_chars(" ".join(f"{theme.product}: {theme.tagline}".split()), 100),
        description=trim_chars("\n\n".join(part for part in parts if part), 5000),
        video_prompt=video_prompt,
        duration_target=float(theme.duration_seconds),
        aspect_ratio="9:16",
        scenes=build_scenes(theme, report, sentences),
        voiceover_sentences=sentences,
        hook_text=sentences[0],
        cta_text=theme.call_to_action,
        text_overlays=build_overlays(theme, sentences[0]),
        hashtags=hashtags,
    )
