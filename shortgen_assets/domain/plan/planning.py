"""The offline planner: a deterministic production plan from a theme, a trend report and a job id.

No model, no network: the same (theme, report, job id) gives the same plan, so a re-render keeps
its plan, while each job of a theme gets its own video: its hook family and wording, which talking
points lead and in what order (rotated by job id, so across successive jobs every point gets its
turn), the scene looks and the cutting pace. A low-signal report (few or no matching trends)
leaves the theme in charge: its style, its length, no trend lines in the narration.

The plan is built to pass every check in `plan_checks`: narration is composed to a speech-unit
budget (2.5 words a second, the natural narration pace), scenes of 3-6 s sum exactly to the
target, overlays sit inside the video and hashtags are sanitized. A strong report steers it: its
hook types shape the opening lines, its recommended style the visuals, its recommended duration
the cutting pace, its hashtags and cluster keywords the tags and extra narration. Trimming and
sanitizing text is `text`'s job.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterator

from shortgen_assets.domain.plan.checks import speech_units
from shortgen_assets.domain.plan.wording import (
    HOOK_FAMILIES,
    HOOK_ROTATION,
    HOOKS,
    PLATFORM_TAGS,
    STYLE_LOOKS,
    THEME_HOOK_ORDER,
    TREND_LINES,
)
from shortgen_assets.domain.schemas import (
    ProductionPlan,
    Scene,
    TextOverlay,
    Theme,
    TrendReport,
)
from shortgen_assets.domain.standards import hook_and_cta_positions
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
OVERLAY_MAX_CHARS = 90  # about three lines on a panel; longer copy is cut at a word with "…"
MAX_CYCLES = 12

REPEAT_PREFIXES = ("Remember:", "Once more:", "The key point:")


# --- narration -------------------------------------------------------------------------------


def job_rng(theme: Theme, report: TrendReport, job_id: int, purpose: str) -> random.Random:
    """A random source fixed by (theme, report, job id) and what it is for."""
    key = "|".join((purpose, str(job_id), theme.model_dump_json(), report.model_dump_json()))
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


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


def hook_families(report: TrendReport) -> list[str]:
    """The families successive jobs take turns with: the report's, most used first, topped up
    with broad product-first ones; only those when the trend signal is low."""
    ranked = sorted(report.hook_types, key=lambda name: (-report.hook_types[name], name))
    trending = [hook_family(name) for name in ranked] if report.trend_led else []
    if report.trend_led and not trending:
        trending = [hook_family(dominant_hook_type(report))]
    families = [f for f in dict.fromkeys([*trending, *THEME_HOOK_ORDER]) if f != "statement"]
    return families[:HOOK_ROTATION]


def hook_sentence(theme: Theme, report: TrendReport, product: str, job_id: int = 0) -> str:
    """This job's opening line: its turn in the hook families, one of that family's wordings."""
    family = job_hook_family(report, job_id)
    template = job_rng(theme, report, job_id, "hook").choice(HOOKS[family])
    return template.format(product=product, seconds=theme.duration_seconds)


def rotated(items: list[str], job_id: int) -> list[str]:
    """`items` starting at the job's turn, so successive jobs each lead with the next one."""
    if not items:
        return []
    start = job_id % len(items)
    return items[start:] + items[:start]


def _content_pool(theme: Theme, report: TrendReport, product: str, job_id: int) -> list[str]:
    """Narration candidates, most important first: the opening sentence of every talking point
    (references interleaved, rotated to this job's turn), the tagline, the rest of each point,
    the audience, and trending topics when the report is strong enough to lead."""
    points = points_in_turn(theme, job_id)
    split = [split_sentences(point) for point in points]
    openings = [sentences[0] for sentences in split if sentences]
    continuations = [s for sentences in split for s in sentences[1:]]
    audience = split_sentences(f"{product} is made for {theme.audience}")[:1]
    trends: list[str] = []
    if report.trend_led:
        clusters = sorted(report.clusters, key=lambda c: (-c.mean_velocity, c.cluster_id))
        line = job_rng(theme, report, job_id, "trend line").randrange(len(TREND_LINES))
        trends = [
            TREND_LINES[(line + i) % len(TREND_LINES)].format(
                topics=_join_words(cluster.keywords[:3])
            )
            for i, cluster in enumerate(clusters)
            if cluster.keywords
        ]
    tagline = split_sentences(theme.tagline)
    return [*openings[:1], *tagline, *openings[1:], *continuations, *audience, *trends]


def points_in_turn(theme: Theme, job_id: int) -> list[str]:
    """The talking points (references interleaved) starting at this job's turn."""
    return rotated(_interleaved_points(theme), job_id)


def job_hook_family(report: TrendReport, job_id: int) -> str:
    """The hook family whose turn this job is."""
    families = hook_families(report)
    return families[job_id % len(families)]


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


def _hook(theme: Theme, report: TrendReport, product: str, cap: float, job_id: int) -> str:
    """This job's hook; a plain 'Meet X.' when that does not fit a very short video."""
    hook = hook_sentence(theme, report, product, job_id)
    if speech_units(hook) > cap:
        hook = HOOKS["statement"][job_id % len(HOOKS["statement"])].format(product=product)
    return trim_to_units(hook, cap)


def compose_narration(
    theme: Theme, report: TrendReport, product: str, job_id: int = 0
) -> list[str]:
    """Hook, body and call to action sized to the duration at a natural speaking rate."""
    seconds = float(theme.duration_seconds)
    target = WORDS_PER_SECOND * seconds
    hook = _hook(theme, report, product, max(6.0, 0.45 * target), job_id)
    cta = trim_to_units(close_sentence(theme.call_to_action), max(4.0, 0.4 * target))
    fixed = speech_units(hook) + speech_units(cta)
    pool = [s for s in _content_pool(theme, report, product, job_id) if s not in (hook, cta)]
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


def scene_durations(seconds: float, report: TrendReport, swing: float = 0.0) -> list[float]:
    """3-6 s scenes summing exactly to `seconds`; faster cuts when short videos are trending
    (with a low trend signal, the theme's own length sets the pace); `swing` varies it a little."""
    recommended = report.recommended_duration_seconds if report.trend_led else seconds
    pace = (3.5 if recommended <= 20 else 4.5 if recommended <= 45 else 5.5) + swing
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


def visual_style(theme: Theme, report: TrendReport) -> str:
    """The trending style when trends are strong enough to lead, else the theme's."""
    return report.recommended_style if report.trend_led else theme.style


def build_scenes(
    theme: Theme, report: TrendReport, sentences: list[str], job_id: int = 0
) -> list[Scene]:
    """Scenes cut at this job's pace, each with one of this job's looks and the words it shows."""
    seconds = float(theme.duration_seconds)
    rng = job_rng(theme, report, job_id, "scenes")
    looks = list(STYLE_LOOKS[visual_style(theme, report)][0])
    rng.shuffle(looks)
    durations = scene_durations(seconds, report, rng.choice((-0.5, 0.0, 0.5)))
    scenes = []
    elapsed = 0.0
    for number, duration in enumerate(durations, start=1):
        look = looks[(number - 1) % len(looks)]
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
    placed away from the captions (the hook and CTA where the composer draws them)."""
    seconds = float(theme.duration_seconds)
    span = min(OVERLAY_SECONDS, 0.4 * seconds)
    away = "bottom" if theme.caption_style.position == "top" else "top"
    hook_at, cta_at = hook_and_cta_positions(theme.caption_style.position)
    overlays = [
        TextOverlay(text=trim_chars(hook, 60), start=0.0, end=span, position=hook_at, style="hook"),
        TextOverlay(
            text=trim_chars(theme.call_to_action, OVERLAY_MAX_CHARS),
            start=round(seconds - span, 2),
            end=seconds,
            position=cta_at,
            style="cta",
        ),
    ]
    # A tagline is the brand's own words: shown whole or not at all (it is narrated anyway).
    if seconds >= 12 and len(theme.tagline) <= OVERLAY_MAX_CHARS:
        start = round(0.45 * seconds, 2)
        end = round(min(start + OVERLAY_SECONDS, seconds - span), 2)
        callout = TextOverlay(text=theme.tagline, start=start, end=end, position=away)
        overlays.insert(1, callout)
    return overlays


def merge_hashtags(theme: Theme, report: TrendReport) -> list[str]:
    """Brand tags first, then what is trending (when the signal is strong enough to lead), then
    generic fallbacks; 3-10 unique tags."""
    clusters = sorted(report.clusters, key=lambda c: -c.mean_velocity)
    trending = [*report.top_hashtags, *(tag for c in clusters for tag in c.hashtags)]
    trending = trending if report.trend_led else []
    fallbacks = [theme.product, *theme.keywords, PLATFORM_TAGS[theme.platform], theme.style]
    limit = 10 if len(theme.hashtags) > 8 else 8
    tags: list[str] = []
    for raw in [*theme.hashtags, *trending[:6], *fallbacks, "shortvideo", "trending"]:
        tag = sanitize_hashtag(raw)
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags[:limit]


# --- the plan --------------------------------------------------------------------------------


def build_plan(theme: Theme, report: TrendReport, job_id: int = 0) -> ProductionPlan:
    """A complete, check-passing production plan for `theme`, steered by `report`, varied by
    `job_id` (the same three inputs give the same plan)."""
    product = spoken(theme.product) or spoken(theme.name) or theme.name
    sentences = compose_narration(theme, report, product, job_id)
    hashtags = merge_hashtags(theme, report)
    topics = [k for c in report.clusters[:3] for k in c.keywords[:2]] if report.trend_led else []
    video_prompt = (
        f"Vertical 9:16 {theme.style} short about {theme.product} for "
        f"{trim_chars(theme.audience, 120)}: {STYLE_LOOKS[visual_style(theme, report)][0][0]}. "
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
        scenes=build_scenes(theme, report, sentences, job_id),
        voiceover_sentences=sentences,
        hook_text=sentences[0],
        cta_text=theme.call_to_action,
        text_overlays=build_overlays(theme, sentences[0]),
        hashtags=hashtags,
    )
