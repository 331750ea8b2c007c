"""The studio as a reviewer sees it: `shortgen serve` driven by headless Chromium.

The queue shows the rendered job with its thumbnail, the review page plays the video, and
clicking Approve launches the `review` run that moves the files. Screenshots go to
`artifacts/ui/` (or `$SHORTGEN_ARTIFACTS/ui/`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from dagster import AssetKey

from shortgen_assets_tests.conftest import PROJECT
from shortgen_assets_tests.ops.browser import BrowserUnavailable, Chromium, ensure_chromium
from shortgen_assets_tests.ops.webserver import free_port
from shortgen_assets_tests.studio.conftest import Rendered

pytestmark = pytest.mark.xdist_group("studio")
THUMBNAIL_SHOWN = """(() => {
    const img = document.querySelector('tr[data-job="%d"] img.thumb');
    return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight]
        : null;
})()"""


def artifacts_dir() -> Path:
    return Path(os.environ.get("SHORTGEN_ARTIFACTS", PROJECT / "artifacts")) / "ui"


@dataclass
class Studio:
    url: str
    browser: Chromium
    artifacts: Path

    def shot(self, name: str) -> None:
        self.browser.screenshot(self.artifacts / f"{name}.png")


@pytest.fixture(scope="module")
def studio(rendered: Rendered) -> Iterator[Studio]:
    try:
        chromium = ensure_chromium()
    except BrowserUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"headless Chromium is required under CI: {exc}")
        pytest.skip(str(exc))
    artifacts = artifacts_dir()
    artifacts.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [str(Path(sys.executable).parent / "shortgen"), "serve", "--port", str(port)]
    with (artifacts / "studio.log").open("wb") as log:
        server = subprocess.Popen(
            command, cwd=PROJECT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (artifacts / "studio.log").read_text()
            try:
                if httpx.get(f"{url}/api/jobs", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "shortgen serve did not answer within 60 s"
            time.sleep(0.25)
        with Chromium(chromium, width=1280, height=900) as browser:
            yield Studio(url, browser, artifacts)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_queue_lists_the_rendered_job_with_its_thumbnail(
    studio: Studio, rendered: Rendered
) -> None:
    studio.browser.open(f"{studio.url}/?status={rendered.job().status}")
    try:
        width, height = studio.browser.wait_for(
            THUMBNAIL_SHOWN % rendered.job_id, timeout=30, what="the job's thumbnail"
        )
    finally:
        studio.shot("studio-queue")
    assert (width, height) == (270, 480)
    row = studio.browser.evaluate(
        f"document.querySelector('tr[data-job=\"{rendered.job_id}\"]').innerText"
    )
    length = f"{rendered.video().duration_seconds:.1f} s"  # the video's real length
    assert f"#{rendered.job_id}" in row and "quick" in row and length in row and "$" in row


def test_review_page_plays_the_video_and_approve_moves_it(
    studio: Studio, rendered: Rendered
) -> None:
    job_id, video = rendered.job_id, rendered.video()
    studio.browser.open(f"{studio.url}/jobs/{job_id}")
    text = studio.browser.text()
    assert f"video {video.id}" in text and "Plan:" in text and "Trend signal" in text
    assert "video_format" in text and "Partition" in text
    assert rendered.settings.app_database_url not in studio.browser.evaluate(
        "document.documentElement.outerHTML"
    )
    studio.browser.evaluate("document.getElementById('player').play().then(() => true)")
    try:
        studio.browser.wait_for(
            "(() => { const v = document.getElementById('player');"
            " return v.readyState >= 3 && v.currentTime > 0.5; })()",
            timeout=30,
            what="the video to play past 0.5 s",
        )
    finally:
        studio.shot("studio-review")
    studio.browser.evaluate("document.querySelector('input[name=reviewer]').value = 'ana'; true")
    studio.browser.click_text("Approve")
    studio.browser.wait_for(
        f"!location.pathname.endsWith('/jobs/{job_id}') && document.readyState === 'complete'",
        timeout=60,
        what="the redirect after approving",
    )
    studio.shot("studio-after-approve")
    approved = rendered.video()
    assert approved.id == video.id and approved.status == "approved" and approved.reviewer == "ana"
    assert Path(approved.path).is_file() and not Path(video.path).exists()
    assert Path(approved.path).parent == rendered.settings.output_dir / "approved" / f"job-{job_id}"
    assert rendered.job().status == "approved"
    [record] = rendered.instance.fetch_materializations(AssetKey("review"), limit=5).records
    assert record.partition_key == str(job_id)
    assert record.asset_materialization.metadata["video_id"].value == video.id
    where = studio.browser.evaluate("location.pathname + location.search")
    assert where == "/?status=awaiting_review", "no other job awaits review"
