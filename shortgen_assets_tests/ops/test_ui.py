"""The Dagster UI as a person sees it: headless Chromium against a real `dagster-webserver`.

One job is materialized first, so the pages have a partition, a run and a `video` materialization
to show. Each page is screenshotted (also when its check fails) under `artifacts/ui/`, or under
`$SHORTGEN_ARTIFACTS/ui/`.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster import DagsterInstance

from shortgen_assets.db.repository import request_jobs
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets.stages import PIPELINE_STAGES
from shortgen_assets_tests.conftest import PROJECT, install, theme_file
from shortgen_assets_tests.ops.browser import BrowserUnavailable, Chromium, ensure_chromium
from shortgen_assets_tests.ops.webserver import Webserver

pytestmark = pytest.mark.xdist_group("ui")

# workspace.yaml names the code location `shortgen`; a lone Definitions is `__repository__`.
GROUP_GRAPH = "/locations/__repository__@shortgen/asset-groups/shortgen"
NODE_LABELS = "[...document.querySelectorAll('svg foreignObject')].map(node => node.textContent)"
THUMBNAIL = "[...document.images].find(img => img.src.startsWith('data:image/jpeg'))"
SHOW_THUMBNAIL = """(() => {
    const row = [...document.querySelectorAll('tr')]
        .find(tr => tr.cells[0] && tr.cells[0].innerText.trim() === 'thumbnail');
    const action = row && [...row.querySelectorAll('a')]
        .find(a => a.innerText.trim() === '[Show Markdown]');
    if (action) action.click();
    return Boolean(action);
})()"""


def artifacts_dir() -> Path:
    return Path(os.environ.get("SHORTGEN_ARTIFACTS", PROJECT / "artifacts")) / "ui"


@dataclass(frozen=True)
class UI:
    url: str
    browser: Chromium
    partition: str
    run_id: str
    artifacts: Path

    def visit(self, path: str, name: str, ready: str, what: str) -> str:
        """Open a page, wait until `ready` holds and the page is still, screenshot it (even
        when it never got ready, to show why) and return its text."""
        try:
            self.browser.open(self.url + path)
            self.browser.wait_for(ready, timeout=30, what=what)
            self.browser.settle()
        finally:
            self.browser.screenshot(self.artifacts / f"{name}.png")
        return self.browser.text()


@pytest.fixture(scope="module")
def chromium() -> Path:
    try:
        return ensure_chromium()
    except BrowserUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"headless Chromium is required under CI: {exc}")
        pytest.skip(str(exc))


def _make_one_video(settings: Settings, instance: DagsterInstance, folder: Path) -> tuple[str, str]:
    """Request a job and run trends…video for it; returns its partition key and run id."""
    # Imported here: importing it builds the module-level Definitions from the current settings.
    from shortgen_assets.definitions import build_definitions

    theme_path = theme_file(folder, "ui", duration_seconds=5)
    with session_scope(settings.app_database_url) as session:
        [job_id] = request_jobs(
            session, load_theme(theme_path), theme_path, source="test", status="queued"
        )
    outcome = materialize_job(build_definitions(settings), instance, job_id)
    failures = [f"{step.stage}: {step.message}" for step in outcome.steps if not step.succeeded]
    assert outcome.success, f"the pipeline failed before the UI could show it: {failures}"
    return str(job_id), outcome.run_id


def _skip_community_prompt(url: str) -> None:
    """The UI greets a fresh local instance with a newsletter dialog over every page; mark it
    seen the way its Skip button does."""
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": "mutation { setNuxSeen }"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert json.load(reply) == {"data": {"setNuxSeen": True}}


@pytest.fixture(scope="module")
def ui(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[UI]:
    artifacts = artifacts_dir()
    artifacts.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        root = tmp_path_factory.mktemp("ui")
        settings = install(root, "sqlite", monkeypatch, request)
        # The instance's storage exists before the webserver starts (both would create it), and
        # the webserver's start-up then overlaps the pipeline run.
        with DagsterInstance.get() as instance:
            webserver = Webserver(artifacts / "webserver.log")
            try:
                partition, run_id = _make_one_video(settings, instance, root)
                webserver.wait_until_up()
                _skip_community_prompt(webserver.url)
                with Chromium(chromium) as browser:
                    yield UI(webserver.url, browser, partition, run_id, artifacts)
            finally:
                webserver.stop()


def test_asset_graph_shows_every_stage(ui: UI) -> None:
    ready = f"{NODE_LABELS}.length >= {len(PIPELINE_STAGES)}"
    ui.visit(GROUP_GRAPH, "asset-graph", ready, "the asset graph's nodes")
    labels = ui.browser.evaluate(NODE_LABELS)
    assert set(PIPELINE_STAGES) <= set(labels), labels


def test_partition_lineage_shows_what_the_video_came_from(ui: UI) -> None:
    # The UI caps lineageDepth at the longest upstream path, so 10 means "all of it".
    query = f"view=lineage&lineageScope=upstream&lineageDepth=10&partition={ui.partition}"
    ready = f"{NODE_LABELS}.length >= {len(PIPELINE_STAGES)}"
    ui.visit(f"/assets/video?{query}", "partition-lineage", ready, "the lineage nodes")
    assert sorted(ui.browser.evaluate(NODE_LABELS)) == sorted(PIPELINE_STAGES)


def test_partition_page_shows_the_jobs_latest_video(ui: UI) -> None:
    run = ui.run_id[:8]
    text = ui.visit(
        f"/assets/video?view=partitions&partition={ui.partition}",
        "partition",
        f"document.body.innerText.includes({json.dumps(run)})",
        f"partition {ui.partition}'s latest materialization (run {run})",
    )
    assert "1 Partitions Selected" in text
    assert f"{ui.partition}\nMaterialized\nLatest materialization" in text
    assert run in text


def test_video_materialization_shows_the_thumbnail(ui: UI) -> None:
    heading = f"Partition {ui.partition} materialized in run {ui.run_id[:8]}"
    ui.visit(
        f"/assets/video?view=events&partition={ui.partition}",
        "video-materialization",
        f"document.body.innerText.includes({json.dumps(heading)})",
        f"the event {heading!r}",
    )
    assert ui.browser.evaluate(SHOW_THUMBNAIL), "no [Show Markdown] action on the thumbnail row"
    try:
        size = ui.browser.wait_for(
            f"(() => {{ const img = {THUMBNAIL}; return img && img.complete && img.naturalWidth"
            " ? [img.naturalWidth, img.naturalHeight] : null; })()",
            timeout=10,
            what="the thumbnail image to decode",
        )
        ui.browser.settle(quiet=0.5)
    finally:
        ui.browser.screenshot(ui.artifacts / "video-thumbnail.png")
    width, height = size
    assert width == 270, size  # thumbnail_markdown's width
    assert height > width, "a vertical video's thumbnail is taller than wide"
