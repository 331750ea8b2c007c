"""Footage provider: background clips for every scene, chained to cover the narration.

`procedural` (default) renders animated backgrounds offline with ffmpeg; `pexels` searches stock
video; `fal` generates clips with a text-to-video model through fal.ai's queue API. Whatever the
source, each clip is looped or cut to its scene and encoded at the requested size and frame rate,
so composition never cares where footage came from. API failures raise ProviderError; nothing
falls back to the offline renderer.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import httpx
from dagster import ConfigurableResource
from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.domain.media import MediaError
from shortgen_assets.domain.schemas import (
    Clip,
    Footage,
    Palette,
    ProductionPlan,
    ProviderUsage,
    Scene,
)
from shortgen_assets.domain.video.clips import atomic_output, fit_clip, scene_frames
from shortgen_assets.domain.video.procedural import recipe_for, render_scene

PEXELS_SEARCH_URL = "https://api.pexels.com/videos/search"
FAL_QUEUE_URL = "https://queue.fal.run"
FAL_FAILED = frozenset({"FAILED", "ERROR", "CANCELED", "CANCELLED"})
# Words that carry no subject for a stock-footage search.
# fmt: off
STOPWORDS = frozenset({
    "a", "an", "and", "the", "of", "on", "in", "at", "to", "with", "for", "from", "by", "over",
    "under", "into", "onto", "as", "is", "are", "be", "its", "their", "this", "that", "these",
    "those", "while", "shot", "shots", "scene", "video", "footage", "close", "up", "slow",
    "showing", "shows", "vertical", "background", "camera",
})
# fmt: on


class FootageResource(ConfigurableResource):
    """Background clips for a plan; `render` is plain Python so tests call it directly."""

    provider: Literal["procedural", "pexels", "fal"] = "procedural"
    pexels_api_key: str | None = None
    fal_api_key: str | None = None
    fal_model: str = "fal-ai/kling-video/v2/master/text-to-video"
    fal_cost_per_second: float = Field(0.28, ge=0, description="USD per generated second")
    fal_poll_interval_seconds: float = Field(5.0, ge=0)
    fal_max_polls: int = Field(180, ge=1, description="status polls per clip before giving up")
    pexels_per_page: int = Field(8, ge=1, le=80)
    request_timeout_seconds: float = Field(60.0, gt=0)
    retry_attempts: int = 4
    retry_base_wait: float = 1.0
    render_workers: int = Field(
        0, ge=0, description="scenes rendered at once; 0 = one per CPU core (measured fastest)"
    )

    def render(
        self,
        plan: ProductionPlan,
        palette: Palette,
        narration_seconds: float,
        out_dir: Path,
        width: int,
        height: int,
        fps: int,
    ) -> Footage:
        """Clips `scene_NN.mp4` in out_dir, one per scene, that together cover the narration."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        frames = scene_frames(plan, narration_seconds, fps)
        size = (width, height, fps)
        if self.provider == "procedural":
            clips = self._render_procedural(plan.scenes, frames, palette, out_dir, size)
        elif self.provider == "pexels":
            clips = self._render_pexels(plan.scenes, frames, out_dir, size)
        else:
            clips = self._render_fal(plan, frames, out_dir, size)
        return Footage(clips=clips, provider=self.provider, cost_usd=sum(c.cost_usd for c in clips))

    def usage(self, footage: Footage) -> ProviderUsage:
        """The provider, model, seconds and cost of a render, for metadata and cost rows."""
        model = {"procedural": "ffmpeg-procedural", "pexels": "pexels-videos-search"}
        return ProviderUsage(
            provider=footage.provider,
            model=model.get(footage.provider, self.fal_model),
            seconds=round(footage.duration_seconds, 3),
            cost_usd=round(footage.cost_usd, 4),
        )

    # --- procedural ------------------------------------------------------------------------

    def _render_procedural(
        self,
        scenes: list[Scene],
        frames: list[int],
        palette: Palette,
        out_dir: Path,
        size: tuple[int, int, int],
    ) -> list[Clip]:
        width, height, fps = size
        recipes, previous = [], None
        for scene in scenes:
            recipes.append(recipe_for(scene.visual_prompt, palette, avoid=previous))
            previous = recipes[-1].motif
        cores = os.cpu_count() or 1
        workers = min(len(scenes), self.render_workers or cores)
        threads = max(1, cores // workers) if workers > 1 else 0

        def render(index: int) -> Path:
            out = out_dir / clip_name(scenes[index])
            dims = {"width": width, "height": height, "fps": fps, "threads": threads}
            return render_scene(recipes[index], out, frames=frames[index], **dims)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            paths = list(pool.map(render, range(len(scenes))))
        return [
            _clip(path, scene, count, size, "procedural")
            for path, scene, count in zip(paths, scenes, frames, strict=True)
        ]

    # --- pexels ----------------------------------------------------------------------------

    def _render_pexels(
        self, scenes: list[Scene], frames: list[int], out_dir: Path, size: tuple[int, int, int]
    ) -> list[Clip]:
        key = self._require(self.pexels_api_key, "pexels_api_key", "PEXELS_API_KEY")
        width, height, fps = size
        clips: list[Clip] = []
        used: set[int] = set()
        with self._client() as client, tempfile.TemporaryDirectory(dir=out_dir) as scratch:
            for scene, count in zip(scenes, frames, strict=True):
                query = search_query(scene.visual_prompt)
                videos = self._pexels_search(client, key, query, portrait=height >= width)
                video = choose_video(videos, count / fps, used)
                used.add(video["id"])
                link = choose_file(video, width, height, query)
                source = self._download(client, "pexels", link, Path(scratch) / "source.mp4")
                clip_path = self._fit("pexels", source, out_dir / clip_name(scene), count, size)
                page = video.get("url") or link
                clips.append(_clip(clip_path, scene, count, size, "pexels", source_url=page))
        return clips

    def _pexels_search(
        self, client: httpx.Client, key: str, query: str, *, portrait: bool
    ) -> list[dict[str, Any]]:
        params = {"query": query, "orientation": "portrait" if portrait else "landscape"}
        params |= {"size": "medium", "per_page": str(self.pexels_per_page)}
        response = self._send(
            "pexels",
            lambda: client.get(PEXELS_SEARCH_URL, params=params, headers={"Authorization": key}),
        )
        videos = response.json().get("videos") or []
        if not videos:
            raise ProviderError(
                f"pexels: no videos found for the query {query!r}; reword the scene's "
                "visual_prompt or choose another footage provider"
            )
        return videos

    # --- fal -------------------------------------------------------------------------------

    def _render_fal(
        self, plan: ProductionPlan, frames: list[int], out_dir: Path, size: tuple[int, int, int]
    ) -> list[Clip]:
        key = self._require(self.fal_api_key, "fal_api_key", "FAL_KEY")
        width, height, fps = size
        headers = {"Authorization": f"Key {key}"}
        aspect = "9:16" if height > width else ("1:1" if height == width else "16:9")
        with self._client() as client, tempfile.TemporaryDirectory(dir=out_dir) as scratch:
            jobs = []  # submit every scene first: the queue generates them concurrently
            for scene, count in zip(plan.scenes, frames, strict=True):
                seconds = "5" if count / fps <= 5 else "10"
                body = {
                    "prompt": f"{scene.visual_prompt}. {plan.video_prompt}",
                    "duration": seconds,
                    "aspect_ratio": aspect,
                    "negative_prompt": "text, captions, watermark, logo, blur, low quality",
                }
                jobs.append((scene, count, int(seconds), self._fal_submit(client, headers, body)))
            clips = []
            for scene, count, seconds, job in jobs:
                video_url = self._fal_result(client, headers, job)
                source = self._download(client, "fal", video_url, Path(scratch) / "source.mp4")
                path = self._fit("fal", source, out_dir / clip_name(scene), count, size)
                cost = round(seconds * self.fal_cost_per_second, 4)
                clips.append(_clip(path, scene, count, size, "fal", cost, source_url=video_url))
        return clips

    def _fal_submit(
        self, client: httpx.Client, headers: dict[str, str], body: dict[str, str]
    ) -> dict[str, Any]:
        url = f"{FAL_QUEUE_URL}/{self.fal_model}"
        job = self._send("fal", lambda: client.post(url, json=body, headers=headers)).json()
        if not (job.get("status_url") and job.get("response_url")):
            raise ProviderError(f"fal: {self.fal_model} did not queue the request: {job}")
        return job

    def _fal_result(self, client: httpx.Client, headers: dict[str, str], job: dict) -> str:
        """Poll a queued request until COMPLETED (bounded), then fetch its video URL."""
        request_id = job.get("request_id", "?")
        for attempt in range(self.fal_max_polls):
            status = self._send("fal", lambda: client.get(job["status_url"], headers=headers))
            state = status.json().get("status")
            if state == "COMPLETED":
                break
            if state in FAL_FAILED:
                raise ProviderError(f"fal: request {request_id} ended {state}: {status.text[:300]}")
            if attempt + 1 < self.fal_max_polls:
                time.sleep(self.fal_poll_interval_seconds)
        else:
            waited = self.fal_max_polls * self.fal_poll_interval_seconds
            raise ProviderError(
                f"fal: request {request_id} not completed after {self.fal_max_polls} polls "
                f"(~{waited:.0f}s); raise fal_max_polls or check the request on fal.ai"
            )
        result = self._send("fal", lambda: client.get(job["response_url"], headers=headers))
        video = result.json().get("video") or {}
        if not video.get("url"):
            raise ProviderError(f"fal: request {request_id} completed without a video url")
        return video["url"]

    # --- shared ----------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        timeout = httpx.Timeout(self.request_timeout_seconds, connect=15.0)
        return httpx.Client(timeout=timeout, follow_redirects=True)

    def _send(self, provider: str, call: Any) -> httpx.Response:
        return send(provider, call, attempts=self.retry_attempts, base_wait=self.retry_base_wait)

    def _require(self, key: str | None, field: str, env: str) -> str:
        if not key:
            raise ProviderError(
                f"{self.provider}: {field} is not set; provide it (e.g. from the {env} "
                "environment variable) or choose footage provider 'procedural'"
            )
        return key

    def _download(self, client: httpx.Client, provider: str, url: str, dest: Path) -> Path:
        """Stream `url` to a temporary sibling of `dest`, renamed into place when complete."""

        def fetch(tmp: Path) -> httpx.Response:
            with client.stream("GET", url) as response:
                if response.is_success:
                    with tmp.open("wb") as sink:
                        for chunk in response.iter_bytes(1 << 16):
                            sink.write(chunk)
                else:
                    response.read()
                return response

        with atomic_output(dest) as tmp:
            self._send(provider, lambda: fetch(tmp))
        return dest

    def _fit(
        self, provider: str, source: Path, out: Path, frames: int, size: tuple[int, int, int]
    ) -> Path:
        width, height, fps = size
        try:
            return fit_clip(source, out, frames=frames, width=width, height=height, fps=fps)
        except MediaError as exc:
            raise ProviderError(f"{provider}: the downloaded video is unusable: {exc}") from None


def clip_name(scene: Scene) -> str:
    return f"scene_{scene.scene_number:02d}.mp4"


def _clip(
    path: Path,
    scene: Scene,
    frames: int,
    size: tuple[int, int, int],
    provider: str,
    cost: float = 0.0,
    source_url: str | None = None,
) -> Clip:
    width, height, fps = size
    return Clip(
        path=str(path),
        scene_number=scene.scene_number,
        duration_seconds=frames / fps,
        width=width,
        height=height,
        fps=fps,
        provider=provider,
        cost_usd=cost,
        source_url=source_url,
    )


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
