"""The one Definitions object loads, validates with Dagster's CLI and has the designed shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import AssetKey, AssetsDefinition, DagsterInstance, DynamicPartitionsDefinition

from shortgen_assets.definitions import build_definitions
from shortgen_assets.defs.assets.refs import StageRef
from shortgen_assets.settings import Settings
from shortgen_assets.stages import ALL_STAGES, PIPELINE_STAGES
from shortgen_assets_tests.conftest import PROJECT

# The design's graph: each stage and the upstream stages whose refs it reads.
READS = {
    "trends": set(),
    "trend_report": {"trends"},
    "script": {"trend_report"},
    "voiceover": {"script"},
    "footage": {"script", "voiceover"},
    "video": {"script", "voiceover", "footage"},
    "review": {"video"},
    "publication": {"review"},
}


def test_every_stage_is_partitioned_by_job_with_lineage(
    installation: Settings, instance: DagsterInstance
) -> None:
    """(`instance` gives Dagster's definitions loader a live instance to read state from.)"""
    defs = build_definitions(installation)
    graph = defs.resolve_asset_graph()
    for stage in PIPELINE_STAGES:
        node = graph.get(AssetKey(stage))
        assert isinstance(node.partitions_def, DynamicPartitionsDefinition)
        assert node.partitions_def.name == "job"
    assert defs.resolve_job_def("pipeline").executor_def.name == "in_process"
    sensors = {sensor.name for sensor in defs.sensors}
    assert {"job_requests", "job_started", "job_succeeded", "job_failed"} <= sensors


def _ref_type(assets_def: AssetsDefinition, key: AssetKey) -> type:
    output = assets_def.node_def.output_def_named(assets_def.get_output_name_for_asset_key(key))
    return output.dagster_type.typing_type


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_graph_edges_are_the_refs_each_stage_loads(
    installation: Settings, instance: DagsterInstance
) -> None:
    """An edge exists only as a declared input: no `deps` a stage does not load, no hidden reads."""
    graph = build_definitions(installation).resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == set(ALL_STAGES)
    loads = {}
    for key in graph.get_all_asset_keys():
        assets_def = graph.assets_def_for_key(key)
        inputs = assets_def.keys_by_input_name
        assert graph.get(key).parent_keys == set(inputs.values()), key
        for name, upstream in inputs.items():
            declared = assets_def.node_def.input_def_named(name).dagster_type.typing_type
            produced = _ref_type(graph.assets_def_for_key(upstream), upstream)
            assert issubclass(declared, StageRef) and declared is produced, (key, name)
            assert name == upstream.to_user_string()
        loads[key.to_user_string()] = {name for name in inputs}
    assert loads == READS


def _run(installation: Settings, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a console script of this environment in the project, which must succeed."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(installation.dagster_home_dir),
        "VIRTUAL_ENV": sys.prefix,
    }
    proc = subprocess.run(
        [str(Path(sys.executable).parent / tool), *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_dagster_definitions_validate_passes(installation: Settings) -> None:
    proc = _run(installation, "dagster", "definitions", "validate", "-w", "workspace.yaml")
    assert "Validation successful" in proc.stdout + proc.stderr


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_dg_checks_the_project_and_lists_the_graph_the_stages_read(installation: Settings) -> None:
    checked = _run(installation, "dg", "check", "defs")
    assert "All definitions loaded successfully" in checked.stdout + checked.stderr
    listed = json.loads(_run(installation, "dg", "list", "defs", "--json").stdout)
    edges = {asset["asset_key"]: set(asset["dependency_keys"]) for asset in listed["assets"]}
    assert edges == READS
