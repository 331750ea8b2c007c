"""A studio installation with one rendered job, shared by the API and browser tests of a module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance

from shortgen_assets.db.models import Job, Video
from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME, install


@dataclass
class Rendered:
    settings: Settings
    instance: DagsterInstance
    job_id: int
    themes_dir: Path
    outside: Path

    def video(self, job_id: int | None = None) -> Video:
        with session_scope(self.settings.app_database_url) as session:
            video = session.query(Video).filter_by(job_id=job_id or self.job_id)
            row = video.order_by(Video.id.desc()).first()
            session.expunge(row)
            return row

    def job(self, job_id: int | None = None) -> Job:
        with session_scope(self.settings.app_database_url) as session:
            job = session.get(Job, job_id or self.job_id)
            session.expunge(job)
            return job

    def files(self) -> list[str]:
        return sorted(str(p) for p in self.settings.output_dir.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Rendered]:
    """A SQLite installation whose themes folder holds the default theme, its kit, `quick` (the
    same for 5 s) and a symlink leading out of it, with one job rendered through `video`."""
    root = tmp_path_factory.mktemp("studio")
    themes = root / "themes"
    (themes / "brand").mkdir(parents=True)
    outside = root / "secret.txt"
    outside.write_text("not for themes")
    shutil.copy(DEFAULT_THEME, themes / "default.yaml")
    shutil.copytree(DEFAULT_THEME.parent / "tempo-kit", themes / "tempo-kit")
    quick = {**yaml.safe_load(DEFAULT_THEME.read_text()), "name": "quick", "duration_seconds": 5}
    (themes / "quick.yaml").write_text(yaml.safe_dump(quick, allow_unicode=True))
    (themes / "brand" / "escape.wav").symlink_to(outside)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SHORTGEN_THEMES_DIR", str(themes))
        settings = install(root, "sqlite", monkeypatch, request)
        quick = themes / "quick.yaml"
        with session_scope(settings.app_database_url) as session:
            [job_id] = request_jobs(session, load_theme(quick), quick, status="queued")
        from shortgen_assets.definitions import build_definitions

        with DagsterInstance.get() as instance:
            outcome = materialize_job(build_definitions(settings), instance, job_id)
            assert outcome.success, [s.message for s in outcome.steps if not s.succeeded]
            yield Rendered(settings, instance, job_id, themes, outside)
