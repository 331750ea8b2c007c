"""The one Definitions object loads, validates with Dagster's CLI and has the designed shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey, DynamicPartitionsDefinition

from shortgen_assets.definitions import build_definitions
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import PROJECT

STAGES = ["trends", "trend_report", "script", "voiceover", "footage", "video"]


def test_every_stage_is_partitioned_by_job_with_lineage(installation: Settings) -> None:
    defs = build_definitions(installation)
    graph = defs.resolve_asset_graph()
    for stage in STAGES:
        node = graph.get(AssetKey(stage))
        assert isinstance(node.partitions_def, DynamicPartitionsDefinition)
        assert node.partitions_def.name == "job"
    parents = {
        stage: {k.path[-1] for k in graph.get(AssetKey(stage)).parent_keys} for stage in STAGES
    }
    assert parents["trend_report"] == {"trends"}
    assert parents["script"] == {"trend_report"}
    assert parents["video"] >= {"voiceover", "footage", "script"}
    assert defs.resolve_job_def("pipeline").executor_def.name == "in_process"
    sensors = {sensor.name for sensor in defs.sensors}
    assert {"job_requests", "job_started", "job_succeeded", "job_failed"} <= sensors


def test_dagster_definitions_validate_passes(installation: Settings, tmp_path: Path) -> None:
    dagster = Path(sys.executable).parent / "dagster"
    env = {**os.environ, "DAGSTER_HOME": str(installation.dagster_home_dir)}
    proc = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation successful" in proc.stdout + proc.stderr
