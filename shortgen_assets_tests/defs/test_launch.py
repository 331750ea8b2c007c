"""Following a run in this process: every step is reported, however fast the run is."""

from __future__ import annotations

import threading

import pytest
from dagster import DagsterInstance

from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs import launch
from shortgen_assets.defs.launch import StepReport, materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME


class FinishedBeforeFollowed(threading.Thread):
    """A run thread that has already finished when start() returns: the fastest run there is."""

    def start(self) -> None:
        self.run()

    def is_alive(self) -> bool:
        return False


def test_steps_of_a_run_done_before_it_is_followed_are_all_reported(
    installation: Settings, instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(installation.app_database_url) as session:
        [job_id] = request_jobs(session, load_theme(DEFAULT_THEME), DEFAULT_THEME, status="queued")
    monkeypatch.setattr(launch, "Thread", FinishedBeforeFollowed)
    reported: list[StepReport] = []

    outcome = materialize_job(
        build_definitions(installation),
        instance,
        job_id,
        stages=["trends", "trend_report"],
        on_step=reported.append,
    )

    assert outcome.success
    assert [(s.stage, s.succeeded) for s in reported] == [
        ("trends", True),
        ("trend_report", True),
    ]
    assert outcome.steps == reported and all(s.seconds >= 0 for s in reported)
