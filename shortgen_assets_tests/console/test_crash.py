"""A render killed mid-`video` strands nothing: the next command fails the dead run, frees its
pool slot and names the reason; `retry` then re-runs only `video`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from shortgen_assets.settings import Settings
from shortgen_assets.stages import PIPELINE_STAGES
from shortgen_assets_tests.ops.daemon import wait_for

EXE = Path(sys.executable).parent / "shortgen"


def _shortgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, check=False, timeout=300
    )


def _video_started(instance: DagsterInstance) -> str | None:
    for record in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run_id = record.dagster_run.run_id
        starts = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START)
        if any(r.event_log_entry.dagster_event.step_key == "video" for r in starts.records):
            return run_id
    return None


def _materializations(instance: DagsterInstance, stage: str) -> int:
    return len(instance.fetch_materializations(AssetKey(stage), limit=100).records)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_demo_killed_during_video_is_failed_then_retry_reruns_only_video(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    demo = subprocess.Popen(
        [str(EXE), "demo", "--theme", str(quick_theme)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: ffmpeg children die with it
    )
    try:
        run_id = wait_for(
            lambda: _video_started(instance), 240, "the demo's video step", interval=0.1
        )
    finally:
        os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED  # stranded

    listed = _shortgen("jobs", "--json")
    assert listed.returncode == 0, listed.stderr
    [job] = json.loads(listed.stdout)
    assert job["status"] == "failed"
    assert job["error"] == f"video: the run's worker stopped (process {demo.pid} is gone)"
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    composition = instance.event_log_storage.get_concurrency_info("composition")
    assert composition.claimed_slots == []

    retried = _shortgen("retry", str(job["id"]))
    assert retried.returncode == 0, retried.stderr
    assert "re-running video" in retried.stderr
    assert "Traceback" not in retried.stderr + retried.stdout
    shown = json.loads(_shortgen("show", str(job["id"]), "--json").stdout)
    assert shown["status"] == "awaiting_review" and shown["error"] is None
    assert Path(shown["video"]["path"]).is_file()
    counts = {stage: _materializations(instance, stage) for stage in PIPELINE_STAGES}
    assert counts == dict.fromkeys(PIPELINE_STAGES, 1)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_step_waiting_for_a_pool_slot_says_what_holds_it(
    installation: Settings, instance: DagsterInstance, quick_theme: Path
) -> None:
    from dagster._core.test_utils import create_run_for_test

    from shortgen_assets.definitions import build_definitions
    from shortgen_assets.defs.launch import materialize_job
    from shortgen_assets.defs.run_health import worker_tags

    job_id = int(_shortgen("request", "--theme", str(quick_theme)).stdout)
    defs = build_definitions(installation)
    upstream = [stage for stage in PIPELINE_STAGES if stage != "video"]
    assert materialize_job(defs, instance, job_id, upstream).success
    holder = create_run_for_test(instance, job_name="pipeline", tags=worker_tags())  # alive
    instance.event_log_storage.set_concurrency_slots("composition", 1)
    assert instance.event_log_storage.claim_concurrency_slot(
        "composition", holder.run_id, "video"
    ).is_claimed

    retry = subprocess.Popen(
        [str(EXE), "retry", str(job_id)], stderr=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        lines: list[str] = []
        for line in retry.stderr:
            lines.append(line)
            if "waiting for a slot" in line:
                break
        assert lines[-1].strip() == (
            f"video: waiting for a slot in pool 'composition' (1 slot(s), held by run "
            f"{holder.run_id[:8]}); `shortgen doctor --fix` frees slots of dead runs"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(holder.run_id)
        assert retry.wait(timeout=240) == 0, retry.stderr.read()
    finally:
        retry.kill()
