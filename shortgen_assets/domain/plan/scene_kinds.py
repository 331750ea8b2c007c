"""What each scene shows: the brand kit where it fits the narration, procedural where nothing does.

Any plan (offline or LLM) passes through `assign_scene_kinds`: a kit item is placed on the scene
whose narration and prompt share the most words with its `about` text (words that tell the items
apart; ties and unmatched items in an order that turns with the job, so a theme's jobs differ);
the last scene becomes the logo end card; an opening scene nothing fits shows the best-placed
product image again; a scene left over with a number in its narration becomes a kinetic-type
card. If the kit still covers less than half the video, the best-fitting media are shown again.
A plan the LLM already gave valid kinds keeps them. `kit_problems` is the blocking check on the
result.
"""

from __future__ import annotations

import re

from shortgen_assets.domain.schemas import (
    KIT_SCENE_KINDS,
    Brand,
    ProductionPlan,
    Scene,
    Theme,
)
from shortgen_assets.domain.text import STOPWORDS

MIN_KIT_SHARE = 0.5
# The plan aims higher: fitting scenes to the narration's real length moves frames between them,
# and a plan at exactly half could render at 49.9%.
PLANNED_KIT_SHARE = 0.55
END_CARD_SECONDS = 2.5  # planned; the footage stage keeps at least 2 s of it on screen
MIN_SHOT_SECONDS = 1.5  # shortest shot when a plan is re-cut to show every kit item
MEDIA_KIND_TO_SCENE = {"image": "product_shot", "screenshot": "screenshot", "clip": "clip"}
NUMBER = re.compile(r"\b\d[\d,.:%-]*\w*|\b(?:two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return {w.removesuffix("s") for w in words if len(w) > 2 and w not in STOPWORDS}


def scene_narration(plan: ProductionPlan) -> list[str]:
    """The narration heard during each scene: sentences placed by their share of the words."""
    sentences = plan.voiceover_sentences
    weights = [max(1, len(s.split())) for s in sentences]
    total_w, total_s = sum(weights), sum(s.duration_seconds for s in plan.scenes) or 1.0
    spans, at = [], 0.0
    for weight in weights:
        spans.append((at, at + weight / total_w))
        at += weight / total_w
    texts, elapsed = [], 0.0
    for scene in plan.scenes:
        start, end = elapsed / total_s, (elapsed + scene.duration_seconds) / total_s
        heard = [s for s, (a, b) in zip(sentences, spans, strict=True) if a < end and b > start]
        texts.append(" ".join(heard))
        elapsed += scene.duration_seconds
    return texts


def _reshape_for_kit(scenes: list[Scene], media: int, logo: bool) -> list[Scene]:
    """When the kit has more items than the plan has scenes, re-cut the body into equal shots
    (each at least MIN_SHOT_SECONDS, prompts kept from the scene playing there) so every item
    can be shown, and leave END_CARD_SECONDS for the end card."""
    total = sum(s.duration_seconds for s in scenes)
    end = END_CARD_SECONDS if logo else 0.0
    body = len(scenes) - logo
    count = min(media, int((total - end) // MIN_SHOT_SECONDS))
    if count <= body:
        return scenes
    shot, starts, at = (total - end) / count, [], 0.0
    for scene in scenes:
        starts.append(at)
        at += scene.duration_seconds
    cut = []
    for k in range(count):
        source = max(i for i, start in enumerate(starts) if start <= (k + 0.5) * shot)
        cut.append(scenes[source].model_copy(update={"duration_seconds": round(shot, 2)}))
    if logo:
        rest = round(total - sum(s.duration_seconds for s in cut), 2)
        cut.append(scenes[-1].model_copy(update={"duration_seconds": rest}))
    return [s.model_copy(update={"scene_number": n}) for n, s in enumerate(cut, start=1)]


def _with_end_card(scenes: list[Scene]) -> list[Scene]:
    """The last scene as the end card; a single scene is split so the kit has a scene too."""
    last = scenes[-1]
    if len(scenes) == 1 and last.duration_seconds >= 2 * END_CARD_SECONDS:
        body = last.duration_seconds - END_CARD_SECONDS
        first = last.model_copy(update={"duration_seconds": round(body, 2)})
        last = last.model_copy(update={"scene_number": 2, "duration_seconds": END_CARD_SECONDS})
        scenes = [first, last]
    end = last.model_copy(update={"kind": "end_card", "media_index": None, "text": None})
    return [*scenes[:-1], end]


def _show(scene: Scene, brand: Brand, index: int) -> Scene:
    kind = MEDIA_KIND_TO_SCENE[brand.media[index].kind]
    return scene.model_copy(update={"kind": kind, "media_index": index, "text": None})


def _distinctive(about: list[set[str]], product: str) -> list[set[str]]:
    """Each item's words without the product's name and those most items share ("timer",
    "app"): a word the narration says throughout tells nothing about which item fits."""
    shared = {w: sum(w in a for a in about) for w in set().union(*about)}
    common = {w for w, n in shared.items() if n >= 2 and 2 * n > len(about)}
    return [a - common - _tokens(product) for a in about]


def _match(
    scenes: list[Scene], heard: list[str], brand: Brand, product: str, job_id: int
) -> list[Scene]:
    """Best-fitting pairs first, each item once; then unused items to unmatched scenes. A
    sentence is heard across a scene boundary, so between scenes that hear an item's words
    equally, the one whose own prompt (its talking point) names them wins. Between items that
    fit a scene equally well, and for the unmatched scenes, the items' order turns with the job:
    jobs of one theme share their best matches but not every shot."""
    open_scenes = [i for i, s in enumerate(scenes) if s.kind != "end_card"]
    count = len(brand.media)
    rank = [(m - job_id) % count for m in range(count)]  # this job's order of the items
    about = _distinctive([_tokens(m.about) for m in brand.media], product)
    topics = [_tokens(scene.visual_prompt) for scene in scenes]
    words = [_tokens(text) | topic for text, topic in zip(heard, topics, strict=True)]
    pairs = sorted(
        (
            (len(about[m] & words[i]), len(about[m] & topics[i]), -i, -rank[m], m)
            for i in open_scenes
            for m in range(count)
        ),
        reverse=True,
    )
    placed: dict[int, int] = {}
    for score, _, neg_i, _, m in pairs:
        if score and -neg_i not in placed and m not in placed.values():
            placed[-neg_i] = m
    spare = sorted((m for m in range(count) if m not in placed.values()), key=rank.__getitem__)
    for i in open_scenes:
        if i not in placed and spare:
            placed[i] = spare.pop(0)
    opener = open_scenes[0] if open_scenes else None
    if opener is not None and opener not in placed and placed and not NUMBER.search(heard[opener]):
        placed[opener] = _opening_item(list(placed.values()), brand)
    for i in open_scenes:
        if i in placed:
            scenes[i] = _show(scenes[i], brand, placed[i])
        elif number := NUMBER.search(heard[i]):
            phrase = number_phrase(heard[i][number.start() :])
            scenes[i] = scenes[i].model_copy(update={"kind": "kinetic_text", "text": phrase})
    return scenes


def _opening_item(placed: list[int], brand: Brand) -> int:
    """The item an opening scene that fits nothing shows again: the best-placed product image
    (a short opens on the product, not on a pattern), else the best-placed item."""
    images = [m for m in placed if brand.media[m].kind == "image"]
    return (images or placed)[0]


def number_phrase(text: str) -> str:
    """The number at the start of `text` and the words that say what it counts ("80 percent",
    "25 minutes"), ending before a small word or at a clause: a card reads as one fact."""
    words = text.split()[:3]
    phrase = [words[0]]
    for word in words[1:]:
        if phrase[-1][-1] in ".,;:!?" or word.casefold().strip(".,;:!?") in STOPWORDS:
            break
        phrase.append(word)
    return " ".join(phrase).strip(".,;:!?")[:60]


def _top_up(scenes: list[Scene], brand: Brand) -> list[Scene]:
    """Show media again on the longest non-kit scenes until the kit covers over half the video."""
    shown = [s.media_index for s in scenes if s.media_index is not None] or [0]
    turn = 0
    while kit_share(scenes) < PLANNED_KIT_SHARE and brand.media:
        others = [i for i, s in enumerate(scenes) if s.kind not in KIT_SCENE_KINDS]
        if not others:
            break
        longest = max(others, key=lambda i: scenes[i].duration_seconds)
        scenes[longest] = _show(scenes[longest], brand, shown[turn % len(shown)])
        turn += 1
    return scenes


def kit_share(scenes: list[Scene]) -> float:
    total = sum(s.duration_seconds for s in scenes) or 1.0
    return sum(s.duration_seconds for s in scenes if s.kind in KIT_SCENE_KINDS) / total


def _valid_kinds(plan: ProductionPlan, brand: Brand) -> bool:
    """True when the plan (an LLM's) already names kinds that this kit can show."""
    chosen = [s for s in plan.scenes if s.kind != "procedural"]
    return bool(chosen) and not kit_problems(plan, brand)


def assign_scene_kinds(plan: ProductionPlan, theme: Theme, job_id: int = 0) -> ProductionPlan:
    """The plan with a kind (and kit item) per scene; unchanged for a theme without a kit."""
    brand = theme.brand
    if brand is None or not (brand.logo or brand.media) or _valid_kinds(plan, brand):
        return plan
    scenes = [s.model_copy(update={"kind": "procedural", "media_index": None}) for s in plan.scenes]
    scenes = _reshape_for_kit(scenes, len(brand.media), bool(brand.logo))
    if brand.logo:
        scenes = _with_end_card(scenes)
    draft = plan.model_copy(update={"scenes": scenes})
    if brand.media:
        heard = scene_narration(draft)
        scenes = _top_up(_match(scenes, heard, brand, theme.product, job_id), brand)
    return plan.model_copy(update={"scenes": scenes})


def kit_problems(plan: ProductionPlan, brand: Brand | None) -> list[str]:
    """With a kit: items exist and fit their scene kinds, half the video shows the kit, and the
    video ends on a logo end card of at least 2 s."""
    if brand is None or not (brand.logo or brand.media):
        return []
    problems = []
    for scene in plan.scenes:
        index = scene.media_index
        if scene.kind in MEDIA_KIND_TO_SCENE.values():
            if index is None or index >= len(brand.media):
                problems.append(f"scene {scene.scene_number} ({scene.kind}) names no kit item")
            elif MEDIA_KIND_TO_SCENE[brand.media[index].kind] != scene.kind:
                problems.append(
                    f"scene {scene.scene_number} shows {brand.media[index].kind} item {index} "
                    f"as {scene.kind}; use {MEDIA_KIND_TO_SCENE[brand.media[index].kind]}"
                )
        if scene.kind == "kinetic_text" and not (scene.text or "").strip():
            problems.append(f"scene {scene.scene_number} is a kinetic_text card without text")
    share = kit_share(plan.scenes)
    if brand.media and share < MIN_KIT_SHARE:
        problems.append(
            f"the kit is on screen for {share:.1%} of the video; show it at least "
            f"{MIN_KIT_SHARE:.0%}"
        )
    last = plan.scenes[-1]
    if brand.logo and (last.kind != "end_card" or last.duration_seconds < 2.0):
        problems.append("the video must end on a logo end_card scene of at least 2 s")
    return problems
