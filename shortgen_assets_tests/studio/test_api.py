"""The JSON API against a real installation: every endpoint, its refusals and its statuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey
from dagster._core.execution.backfill import BulkActionStatus
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from shortgen_assets.console.app import app as cli
from shortgen_assets.studio.app import create_app
from shortgen_assets_tests.studio.conftest import Rendered

pytestmark = pytest.mark.xdist_group("studio")
ENDPOINTS = {
    ("post", "/api/jobs"),
    ("get", "/api/jobs"),
    ("get", "/api/jobs/{job_id}"),
    ("post", "/api/jobs/{job_id}/retry"),
    ("post", "/api/jobs/{job_id}/approve"),
    ("post", "/api/jobs/{job_id}/reject"),
    ("post", "/api/jobs/{job_id}/rerender"),
    ("get", "/api/jobs/{job_id}/video"),
    ("get", "/api/jobs/{job_id}/thumbnail"),
}


@pytest.fixture(scope="module")
def client(rendered: Rendered) -> Iterator[TestClient]:
    with TestClient(create_app(rendered.settings)) as test_client:
        yield test_client


def theme_document(rendered: Rendered, **changes: object) -> dict:
    return {**yaml.safe_load((rendered.themes_dir / "quick.yaml").read_text()), **changes}


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    served = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert served == ENDPOINTS


def test_request_by_name_and_by_document(client: TestClient, rendered: Rendered) -> None:
    reply = client.post("/api/jobs", json={"theme": "quick", "count": 2})
    assert reply.status_code == 201, reply.text
    ids = reply.json()["job_ids"]
    assert len(ids) == 2 and all(rendered.job(i).status == "requested" for i in ids)
    assert rendered.job(ids[0]).theme_path == str(rendered.themes_dir / "quick.yaml")

    music = rendered.themes_dir / "brand" / "bed.wav"
    music.write_bytes(b"RIFF")
    document = theme_document(rendered, name="posted", music="brand/bed.wav")
    reply = client.post("/api/jobs", json={"theme_document": document})
    assert reply.status_code == 201, reply.text
    [posted] = reply.json()["job_ids"]
    stored = rendered.job(posted)
    assert stored.theme_name == "posted" and stored.source == "api"
    assert stored.theme["music"] == str(music)
    kit = Path(stored.theme["brand"]["logo"])
    assert kit.is_relative_to(rendered.settings.kits_dir) and kit.is_file()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"theme": "../default"}, 400, "not a theme name"),
        ({"theme": "/etc/passwd"}, 400, "not a theme name"),
        ({"theme": "nope"}, 404, "no theme 'nope'"),
        ({"theme": "quick", "count": 0}, 422, "count"),
        ({"theme": "quick", "colour": "red"}, 422, "colour"),
        ({"count": 1}, 422, "exactly one of"),
        ({"theme_document": {"name": "x"}}, 422, "is missing"),
    ],
)
def test_bad_requests_are_refused_with_a_message(
    client: TestClient, body: dict, status: int, words: str
) -> None:
    reply = client.post("/api/jobs", json=body)
    assert reply.status_code == status, reply.text
    assert words in reply.json()["error"]


@pytest.mark.parametrize(
    ("music", "words"),
    [
        ("../secret.txt", "without '..'"),
        ("brand/../../secret.txt", "without '..'"),
        ("/etc/passwd", "must be relative"),
        ("brand/escape.wav", "leads outside the themes folder"),
    ],
)
def test_theme_documents_cannot_reach_files_outside_the_themes_folder(
    client: TestClient, rendered: Rendered, music: str, words: str
) -> None:
    for document in (
        theme_document(rendered, music=music),
        theme_document(rendered, brand={"logo": music}),
        theme_document(rendered, brand={"media": [{"path": music, "about": "the timer"}]}),
    ):
        reply = client.post("/api/jobs", json={"theme_document": document})
        assert reply.status_code == 400, reply.text
        assert words in reply.json()["error"]


def test_list_filter_and_pagination(client: TestClient, rendered: Rendered) -> None:
    everything = client.get("/api/jobs", params={"limit": 500}).json()
    assert everything["total"] == len(everything["jobs"]) >= 1
    ids = [job["id"] for job in everything["jobs"]]
    assert ids == sorted(ids, reverse=True)
    page = client.get("/api/jobs", params={"limit": 1, "offset": 1}).json()
    assert [job["id"] for job in page["jobs"]] == ids[1:2]
    status = rendered.job().status
    filtered = client.get("/api/jobs", params={"status": status}).json()["jobs"]
    assert rendered.job_id in [job["id"] for job in filtered]
    assert {job["status"] for job in filtered} == {status}
    assert client.get("/api/jobs", params={"status": "bogus"}).status_code == 422
    assert client.get("/api/jobs", params={"limit": 0}).status_code == 422


def test_job_details_and_unknown_ids(client: TestClient, rendered: Rendered) -> None:
    details = client.get(f"/api/jobs/{rendered.job_id}").json()
    video = rendered.video()
    assert details["video"]["id"] == video.id and details["video"]["path"] == video.path
    assert {s["stage"]: s["state"] for s in details["stages"]}["video"] == "materialized"
    assert details["video"]["cost_usd"]["total"] == video.cost_total
    assert "error" in details and details["product"]
    for unknown in ("424242", "99999999999999999999999"):
        reply = client.get(f"/api/jobs/{unknown}")
        assert reply.status_code == 404 and reply.json() == {"error": f"no job {unknown}"}
    for path in ("video", "thumbnail"):
        assert client.get(f"/api/jobs/424242/{path}").status_code == 404
    assert client.post("/api/jobs/424242/retry").status_code == 404
    assert client.get("/api/jobs/abc").status_code == 422


def test_video_range_request_returns_exactly_those_bytes(
    client: TestClient, rendered: Rendered
) -> None:
    video = Path(rendered.video().path)
    data = video.read_bytes()
    reply = client.get(f"/api/jobs/{rendered.job_id}/video", headers={"Range": "bytes=100-1123"})
    assert reply.status_code == 206
    assert reply.content == data[100:1124]
    assert reply.headers["content-range"] == f"bytes 100-1123/{len(data)}"
    assert reply.headers["content-type"] == "video/mp4"
    whole = client.get(f"/api/jobs/{rendered.job_id}/video")
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    thumbnail = client.get(f"/api/jobs/{rendered.job_id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.content[:2] == b"\xff\xd8"


def test_decisions_during_a_rerender_conflict_then_approve_the_video_seen(
    client: TestClient, rendered: Rendered
) -> None:
    job_id, video = rendered.job_id, rendered.video()
    reply = client.post(f"/api/jobs/{job_id}/rerender", json={"from_stage": "video"})
    assert reply.status_code == 202, reply.text
    backfill = rendered.instance.get_backfill(reply.json()["backfill_id"])
    assert backfill.status == BulkActionStatus.REQUESTED
    before = rendered.files()
    body = {"video_id": video.id, "reviewer": "ana"}
    reply = client.post(f"/api/jobs/{job_id}/approve", json=body)
    assert reply.status_code == 409 and "being re-rendered" in reply.json()["error"]
    assert client.post(f"/api/jobs/{job_id}/retry").status_code == 409
    assert rendered.files() == before and rendered.video().status == "generated"

    rendered.instance.update_backfill(backfill.with_status(BulkActionStatus.CANCELED))
    wrong = client.post(f"/api/jobs/{job_id}/approve", json={**body, "video_id": video.id + 99})
    assert wrong.status_code == 409 and "not a video of job" in wrong.json()["error"]
    reject = client.post(f"/api/jobs/{job_id}/reject", json=body)
    assert reject.status_code == 422 and "note" in reject.json()["error"]
    assert rendered.files() == before

    reply = client.post(f"/api/jobs/{job_id}/approve", json={**body, "note": "crisp"})
    assert reply.status_code == 200, reply.text
    approved = rendered.video()
    assert approved.status == "approved" and approved.reviewer == "ana"
    assert Path(approved.path).parent.parent.name == "approved" and Path(approved.path).is_file()
    assert not Path(video.path).exists()
    records = rendered.instance.fetch_materializations(AssetKey("review"), limit=5).records
    assert [r.partition_key for r in records] == [str(job_id)]
    again = client.post(f"/api/jobs/{job_id}/reject", json={**body, "note": "hmm"})
    assert again.status_code == 409 and "already approved" in again.json()["error"]
    assert client.post(f"/api/jobs/{job_id}/retry").status_code == 409


def test_retry_materializes_what_is_missing(client: TestClient, rendered: Rendered) -> None:
    [job_id] = client.post("/api/jobs", json={"theme": "quick"}).json()["job_ids"]
    reply = client.post(f"/api/jobs/{job_id}/retry")
    assert reply.status_code == 202, reply.text
    assert reply.json()["stages"][0] == "trends" and reply.json()["stages"][-1] == "video"
    client.app.state.studio.wait_for_retries(timeout=600)
    details = client.get(f"/api/jobs/{job_id}").json()
    assert details["stages_done"] == 6, details
    assert client.get(f"/api/jobs/{job_id}/thumbnail").status_code == 200
    assert client.post(f"/api/jobs/{job_id}/retry").json() == {
        "job_id": job_id,
        "stages": [],
        "started": False,
    }


def test_non_json_posts_and_huge_bodies_are_refused(client: TestClient) -> None:
    reply = client.post("/api/jobs", content=b"theme=quick", headers={"content-type": "text/plain"})
    assert reply.status_code == 400 and "JSON" in reply.json()["error"]
    huge = b'{"theme": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    reply = client.post("/api/jobs", content=huge, headers={"content-type": "application/json"})
    assert reply.status_code == 413 and "bytes" in reply.json()["error"]


def test_a_token_guards_every_call_when_set(rendered: Rendered) -> None:
    with TestClient(create_app(rendered.settings, token="s3cret-token")) as client:
        assert client.get("/api/jobs").status_code == 401
        wrong = client.get("/api/jobs", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "token" in wrong.json()["error"]
        assert client.post("/api/jobs", json={"theme": "quick"}).status_code == 401
        right = {"Authorization": "Bearer s3cret-token"}
        assert client.get("/api/jobs", headers=right).status_code == 200
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        login = client.get("/login")
        csrf = client.cookies["shortgen_csrf"]
        assert "s3cret-token" not in login.text
        refused = client.post("/login", data={"token": "nope", "csrf": csrf})
        assert refused.status_code == 401
        signed_in = client.post("/login", data={"token": "s3cret-token", "csrf": csrf})
        assert signed_in.status_code == 200 and "Queue" in signed_in.text
        assert client.get("/api/jobs").status_code == 200  # the session cookie


def test_serve_refuses_other_addresses_without_a_token(
    rendered: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHORTGEN_API_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "SHORTGEN_API_TOKEN" in result.stderr


def test_page_actions_need_the_forms_csrf_token(client: TestClient, rendered: Rendered) -> None:
    before = rendered.files()
    form = {"video_id": "1", "decision": "approve", "reviewer": "mallory"}
    for csrf in (None, "forged.token"):
        data = form if csrf is None else {**form, "csrf": csrf}
        reply = client.post(f"/jobs/{rendered.job_id}/review", data=data)
        assert reply.status_code == 403 and "CSRF" in reply.json()["error"]
    reply = client.post(f"/jobs/{rendered.job_id}/rerender", data={"from_stage": "video"})
    assert reply.status_code == 403
    assert rendered.files() == before
