"""Pexels stock video: a few nouns of each scene's visual prompt searched, the best file fitted."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.footage import (
    FootageResource,
    Size,
    clip_name,
    download,
    fit,
    make_clip,
)
from shortgen_assets.defs.resources.http import HttpVendor, ProviderError, require_key
from shortgen_assets.domain.schemas import Clip, Palette, ProductionPlan

if TYPE_CHECKING:
    import httpx

SEARCH_URL = "https://api.pexels.com/videos/search"
KEY_ENV = "PEXELS_API_KEY"
# Words that carry no subject for a stock-footage search.
# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "the", "of", "on", "in", "at", "to", "with", "for", "from", "by", "over",
    "under", "into", "onto", "as", "is", "are", "be", "its", "their", "this", "that", "these",
    "those", "while", "shot", "shots", "scene", "video", "footage", "close", "up", "slow",
    "showing", "shows", "vertical", "background", "camera",
})
# fmt: on


class PexelsFootage(FootageResource, HttpVendor):
    """Free stock video from Pexels; `api_key` comes from PEXELS_API_KEY."""

    provider: ClassVar[str] = "pexels"
    api_key: str = Field(description=KEY_ENV)
    per_page: int = Field(8, ge=1, le=80, description="search results to choose from")

    @property
    def footage_model(self) -> str:
        return "pexels-videos-search"

    def render_clips(
        self, plan: ProductionPlan, palette: Palette, frames: list[int], out_dir: Path, size: Size
    ) -> list[Clip]:
        require_key(self.provider, self.api_key, KEY_ENV)
        width, height, fps = size
        clips: list[Clip] = []
        used: set[int] = set()
        with (
            self.client(follow_redirects=True) as client,
            tempfile.TemporaryDirectory(dir=out_dir) as scratch,
        ):
            for scene, count in zip(plan.scenes, frames, strict=True):
                query = search_query(scene.visual_prompt)
                videos = self._search(client, query, portrait=height >= width)
                video = choose_video(videos, count / fps, used)
                used.add(video["id"])
                link = choose_file(video, width, height, query)
                source = download(self.send, client, self.provider, link, Path(scratch) / "src.mp4")
                clip_path = fit(self.provider, source, out_dir / clip_name(scene), count, size)
                page = video.get("url") or link
                clips.append(
                    make_clip(clip_path, scene, count, size, self.provider, source_url=page)
                )
        return clips

    def _search(self, client: httpx.Client, query: str, *, portrait: bool) -> list[dict[str, Any]]:
        params = {"query": query, "orientation": "portrait" if portrait else "landscape"}
        params |= {"size": "medium", "per_page": str(self.per_page)}
        found = self.send_json(
            self.provider,
            lambda: client.get(SEARCH_URL, params=params, headers={"Authorization": self.api_key}),
            key_env=KEY_ENV,
        )
        videos = found.get("videos") if isinstance(found, dict) else None
        if not videos:
            raise ProviderError(
                f"pexels: no videos found for the query {query!r}; reword the scene's "
                "visual_prompt or choose another footage vendor"
            )
        return videos


def search_query(prompt: str, max_words: int = 5) -> str:
    """Stock search works on a few nouns, not a sentence: keep the first meaningful words."""
    words = [w for w in re.findall(r"[a-zA-Z][a-zA-Z'-]+", prompt.lower()) if w not in STOPWORDS]
    return " ".join(words[:max_words]) or prompt.strip()[:60]


def choose_video(videos: list[dict[str, Any]], seconds: float, used: set[int]) -> dict[str, Any]:
    """Prefer a video not used by an earlier scene and long enough to play without looping."""
    fresh = [v for v in videos if v.get("id") not in used] or videos
    long_enough = [v for v in fresh if (v.get("duration") or 0) >= seconds]
    return (long_enough or fresh)[0]


def choose_file(video: dict[str, Any], width: int, height: int, query: str) -> str:
    """The MP4 rendition closest to the target size with the target's orientation."""
    files = [
        f
        for f in video.get("video_files") or []
        if f.get("width") and f.get("height") and f.get("link")
        if (f.get("file_type") or "video/mp4") == "video/mp4"
    ]
    if not files:
        raise ProviderError(f"pexels: video {video.get('id')} for {query!r} has no MP4 files")
    same_shape = [f for f in files if (f["height"] >= f["width"]) == (height >= width)] or files
    best = min(same_shape, key=lambda f: (f["height"] < height, abs(f["height"] - height)))
    return best["link"]
