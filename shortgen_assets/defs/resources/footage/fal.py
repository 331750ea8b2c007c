"""fal.ai text-to-video through its queue API: every scene submitted, then polled and fetched."""

from __future__ import annotations

import tempfile
import time
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

QUEUE_URL = "https://queue.fal.run"
FAILED = frozenset({"FAILED", "ERROR", "CANCELED", "CANCELLED"})
KEY_ENV = "FAL_KEY"


class FalFootage(FootageResource, HttpVendor):
    """Generated clips from a fal.ai text-to-video model; `api_key` comes from FAL_KEY."""

    provider: ClassVar[str] = "fal"
    api_key: str = Field(description=KEY_ENV)
    model: str = "fal-ai/kling-video/v2/master/text-to-video"
    cost_per_second: float = Field(0.28, ge=0, description="USD per generated second")
    poll_interval_seconds: float = Field(5.0, ge=0)
    max_polls: int = Field(180, ge=1, description="status polls per clip before giving up")

    @property
    def footage_model(self) -> str:
        return self.model

    def render_clips(
        self, plan: ProductionPlan, palette: Palette, frames: list[int], out_dir: Path, size: Size
    ) -> list[Clip]:
        require_key(self.provider, self.api_key, KEY_ENV)
        width, height, fps = size
        aspect = "9:16" if height > width else ("1:1" if height == width else "16:9")
        with (
            self.client(follow_redirects=True) as client,
            tempfile.TemporaryDirectory(dir=out_dir) as scratch,
        ):
            jobs = []  # submit every scene first: the queue generates them concurrently
            for scene, count in zip(plan.scenes, frames, strict=True):
                seconds = "5" if count / fps <= 5 else "10"
                body = {
                    "prompt": f"{scene.visual_prompt}. {plan.video_prompt}",
                    "duration": seconds,
                    "aspect_ratio": aspect,
                    "negative_prompt": "text, captions, watermark, logo, blur, low quality",
                }
                jobs.append((scene, count, int(seconds), self._submit(client, body)))
            clips = []
            for scene, count, seconds, job in jobs:
                url = self._result(client, job)
                source = download(self.send, client, self.provider, url, Path(scratch) / "src.mp4")
                path = fit(self.provider, source, out_dir / clip_name(scene), count, size)
                cost = round(seconds * self.cost_per_second, 4)
                clips.append(make_clip(path, scene, count, size, self.provider, cost, url))
        return clips

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Key {self.api_key}"}

    def _get(self, client: httpx.Client, url: str) -> Any:
        return self.send_json(
            self.provider, lambda: client.get(url, headers=self._headers), key_env=KEY_ENV
        )

    def _submit(self, client: httpx.Client, body: dict[str, str]) -> dict[str, Any]:
        url = f"{QUEUE_URL}/{self.model}"
        job = self.send_json(
            self.provider,
            lambda: client.post(url, json=body, headers=self._headers),
            key_env=KEY_ENV,
        )
        if not (isinstance(job, dict) and job.get("status_url") and job.get("response_url")):
            raise ProviderError(f"fal: {self.model} did not queue the request: {job}")
        return job

    def _result(self, client: httpx.Client, job: dict[str, Any]) -> str:
        """Poll a queued request until COMPLETED (bounded), then fetch its video URL."""
        request_id = job.get("request_id", "?")
        for attempt in range(self.max_polls):
            status = self._get(client, job["status_url"])
            state = status.get("status") if isinstance(status, dict) else None
            if state == "COMPLETED":
                break
            if state in FAILED:
                raise ProviderError(f"fal: request {request_id} ended {state}: {str(status)[:300]}")
            if attempt + 1 < self.max_polls:
                time.sleep(self.poll_interval_seconds)
        else:
            waited = self.max_polls * self.poll_interval_seconds
            raise ProviderError(
                f"fal: request {request_id} not completed after {self.max_polls} polls "
                f"(~{waited:.0f}s); raise max_polls or check the request on fal.ai"
            )
        result = self._get(client, job["response_url"])
        video = (result.get("video") if isinstance(result, dict) else None) or {}
        if not video.get("url"):
            raise ProviderError(f"fal: request {request_id} completed without a video url")
        return video["url"]
