"""The footage capability: background clips for every scene, chained to cover the narration.

Whatever the vendor (its own module here), each clip is looped or cut to its scene and encoded at
the requested size and frame rate, so composition never cares where footage came from. API
failures raise ProviderError; nothing falls back to another vendor.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from dagster import ConfigurableResource

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.domain.media import MediaError
from shortgen_assets.domain.schemas import (
    Clip,
    Footage,
    Palette,
    ProductionPlan,
    ProviderUsage,
    Scene,
    Theme,
)
from shortgen_assets.domain.video.clips import atomic_output, fit_clip, scene_frames
from shortgen_assets.domain.video.kit_probe import KIT_PROVIDER
from shortgen_assets.domain.video.kit_scenes import (
    kit_look,
    kit_media,
    kit_scene_frames,
    render_kit_scene,
)

if TYPE_CHECKING:
    import httpx

Size = tuple[int, int, int]  # width, height, fps


class FootageResource(ConfigurableResource):
    """Background clips for a plan; `provider` names the vendor, `render` is plain Python."""

    provider: ClassVar[str]

    @property
    @abstractmethod
    def footage_model(self) -> str:
        """What made the clips, as recorded with their cost."""

    @abstractmethod
    def render_clips(
        self, plan: ProductionPlan, palette: Palette, frames: list[int], out_dir: Path, size: Size
    ) -> list[Clip]:
        """One clip per scene, `frames[i]` frames long, written into `out_dir`."""

    def render(
        self,
        plan: ProductionPlan,
        palette: Palette,
        narration_seconds: float,
        out_dir: Path,
        width: int,
        height: int,
        fps: int,
        theme: Theme | None = None,
    ) -> Footage:
        """Clips `scene_NN.mp4` in out_dir, one per scene, that together cover the narration;
        with a `theme`, its brand kit renders the plan's kit scenes."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        size = (width, height, fps)
        if theme is None or all(scene.kind == "procedural" for scene in plan.scenes):
            frames = scene_frames(plan, narration_seconds, fps)
            clips = self.render_clips(plan, palette, frames, out_dir, size)
        else:
            frames = kit_scene_frames(plan, narration_seconds, fps)
            clips = self._render_with_kit(plan, theme, frames, out_dir, size)
        return Footage(clips=clips, provider=self.provider, cost_usd=sum(c.cost_usd for c in clips))

    def _render_with_kit(
        self, plan: ProductionPlan, theme: Theme, frames: list[int], out_dir: Path, size: Size
    ) -> list[Clip]:
        """Kit scenes drawn from the theme's brand kit, one per core, while the vendor renders
        (or downloads) the procedural rest: each ffmpeg run spends part of its time on one
        thread (reading the still, muxing), so runs side by side finish sooner."""
        by_number = dict(zip((s.scene_number for s in plan.scenes), frames, strict=True))
        look = kit_look(theme)

        def draw(scene: Scene) -> Clip:
            count, out = by_number[scene.scene_number], out_dir / clip_name(scene)
            path = render_kit_scene(scene, kit_media(theme, scene), look, out, count, size)
            return make_clip(path, scene, count, size, KIT_PROVIDER)

        kit = [s for s in plan.scenes if s.kind != "procedural"]
        rest = [s for s in plan.scenes if s.kind == "procedural"]
        with ThreadPoolExecutor(max_workers=max(1, min(len(kit), os.cpu_count() or 1))) as pool:
            drawn = pool.map(draw, kit)
            clips = {}
            if rest:
                vendor_plan = plan.model_copy(update={"scenes": rest})
                counts = [by_number[s.scene_number] for s in rest]
                for clip in self.render_clips(vendor_plan, theme.palette, counts, out_dir, size):
                    clips[clip.scene_number] = clip
            clips |= {clip.scene_number: clip for clip in drawn}
        return [clips[s.scene_number] for s in plan.scenes]

    def usage(self, footage: Footage) -> ProviderUsage:
        """The vendor, model, seconds and cost of a render, for metadata and cost rows."""
        return ProviderUsage(
            provider=footage.provider,
            model=self.footage_model,
            seconds=round(footage.duration_seconds, 3),
            cost_usd=round(footage.cost_usd, 4),
        )


def clip_name(scene: Scene) -> str:
    return f"scene_{scene.scene_number:02d}.mp4"


def make_clip(
    path: Path,
    scene: Scene,
    frames: int,
    size: Size,
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


def download(
    send: Callable[[str, Callable[[], httpx.Response]], httpx.Response],
    client: httpx.Client,
    provider: str,
    url: str,
    dest: Path,
) -> Path:
    """Stream `url` to a temporary sibling of `dest` (with `send`'s retries), renamed into place
    when complete, so a failed download leaves nothing behind."""

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
        send(provider, lambda: fetch(tmp))
    return dest


def fit(provider: str, source: Path, out: Path, frames: int, size: Size) -> Path:
    """A downloaded video looped or cut to `frames` and encoded at `size`."""
    width, height, fps = size
    try:
        return fit_clip(source, out, frames=frames, width=width, height=height, fps=fps)
    except MediaError as exc:
        raise ProviderError(f"{provider}: the downloaded video is unusable: {exc}") from None
