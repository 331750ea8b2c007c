"""Procedural footage: animated backgrounds rendered offline with ffmpeg, one recipe per scene."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from shortgen_assets.defs.resources.footage import FootageResource, Size, clip_name, make_clip
from shortgen_assets.domain.schemas import Clip, Palette, ProductionPlan
from shortgen_assets.domain.video.procedural import recipe_for, render_scene


class ProceduralFootage(FootageResource):
    """The default footage: no key, no network, no cost; motifs follow the visual prompts."""

    provider: ClassVar[str] = "procedural"
    render_workers: int = Field(
        0, ge=0, description="scenes rendered at once; 0 = one per CPU core (measured fastest)"
    )

    @property
    def footage_model(self) -> str:
        return "ffmpeg-procedural"

    def render_clips(
        self, plan: ProductionPlan, palette: Palette, frames: list[int], out_dir: Path, size: Size
    ) -> list[Clip]:
        scenes = plan.scenes
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
            make_clip(path, scene, count, size, self.provider)
            for path, scene, count in zip(paths, scenes, frames, strict=True)
        ]
