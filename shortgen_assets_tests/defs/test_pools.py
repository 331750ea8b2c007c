"""Concurrency pools: one composition at a time across runs, a pool per API provider."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance

from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.pools import COMPOSITION_POOL, apply_pool_limits, provider_pools
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings


def test_api_providers_get_their_own_pools_offline_ones_none(installation: Settings) -> None:
    assert set(provider_pools(installation).values()) == {None}
    live = installation.model_copy(
        update={"llm_provider": "anthropic", "trend_sources": ["sample", "youtube", "tiktok"]}
    )
    pools = provider_pools(live)
    assert pools["llm"] == "llm_anthropic"
    assert pools["trends"] == "trends_tiktok_youtube"
    assert pools["tts"] is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_two_runs_never_compose_at_the_same_time(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    assert apply_pool_limits(instance, installation)[COMPOSITION_POOL] == 1
    defs = build_definitions(installation)
    assert defs.resolve_assets_def(AssetKey("video")).node_def.pool == COMPOSITION_POOL
    with session_scope(installation.app_database_url) as session:
        ids = request_jobs(session, load_theme(quick_theme), quick_theme, count=2, status="queued")
    # Two processes, as two daemon-launched runs would be (in-process runs share logging state
    # and must not run in threads of one process).
    shortgen = Path(sys.executable).parent / "shortgen"
    runs = [
        subprocess.Popen([str(shortgen), "retry", str(job_id)], stderr=subprocess.PIPE, text=True)
        for job_id in ids
    ]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    run_ids = [
        record.dagster_run.run_id
        for record in instance.get_run_records()
        if record.dagster_run.tags.get("shortgen/job_id") in {str(i) for i in ids}
    ]
    assert len(run_ids) == 2
    spans = []
    for run_id in run_ids:
        records = instance.get_records_for_run(
            run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS}
        ).records
        times = {
            r.event_log_entry.dagster_event.event_type: r.event_log_entry.timestamp
            for r in records
            if r.event_log_entry.step_key == "video"
        }
        spans.append((times[DagsterEventType.STEP_START], times[DagsterEventType.STEP_SUCCESS]))
    first, second = sorted(spans)
    assert second[0] >= first[1] - 0.05, f"video steps overlapped: {spans}"
