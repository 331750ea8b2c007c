"""The publish request, the YouTube video resource built from it, and the manifest file."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shortgen_assets.domain.publish.manifest import (
    PublishRequest,
    build_manifest,
    file_sha256,
    manifest_path_for,
    write_manifest,
    youtube_description,
    youtube_tags,
    youtube_video_resource,
)


def request(**changes: object) -> PublishRequest:
    fields: dict[str, object] = {
        "video_path": Path("/videos/job_7.mp4"),
        "title": "Wake up like it's sunrise",
        "description": "Meet the Aurora lamp.",
        "hashtags": ["AuroraLamp", "MorningRoutine"],
        "job_id": 7,
        "video_id": 3,
    }
    return PublishRequest.model_validate({**fields, **changes})


def test_hashtags_lose_their_hash_spaces_and_duplicates() -> None:
    tags = request(hashtags=["#AI Tools", "aitools", "#", "Lamp"]).hashtags
    assert tags == ["AITools", "Lamp"]


def test_the_manifest_sits_beside_the_video() -> None:
    assert manifest_path_for(Path("/out/review/job_7.mp4")) == Path(
        "/out/review/job_7.publish.json"
    )


def test_youtube_resource_carries_hashtags_shorts_and_status() -> None:
    body = youtube_video_resource(request(title="Best <lamp> ever"), "22", "unlisted")
    assert body["snippet"] == {
        "title": "Best lamp ever",
        "description": "Meet the Aurora lamp.\n\n#AuroraLamp #MorningRoutine #Shorts",
        "tags": ["AuroraLamp", "MorningRoutine"],
        "categoryId": "22",
    }
    assert body["status"] == {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False}


def test_description_keeps_hashtags_within_youtube_limits() -> None:
    text = youtube_description("x" * 6000, [f"tag{i}" for i in range(30)] + ["shorts"])
    hashtags = text.split("\n\n")[-1].split()
    assert len(text.encode()) <= 5000
    assert len(hashtags) == 15 and hashtags[-1] == "#Shorts"
    assert youtube_description("", ["Lamp"]) == "#Lamp #Shorts"


def test_tags_stay_within_the_500_character_budget() -> None:
    tags = youtube_tags(["a" * 99] * 10)
    assert len(tags) == 5  # 5 * 99 + 4 commas = 499
    assert sum(map(len, tags)) + len(tags) - 1 <= 500


def test_sha256_is_streamed_from_the_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10_000
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()


def test_write_manifest_replaces_atomically_and_cleans_up_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "v.publish.json"
    created = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
    manifest = build_manifest(
        request(video_path=tmp_path / "v.mp4"),
        provider="dry_run",
        size_bytes=10,
        sha256="ab" * 32,
        duration_seconds=2.00049,
        api_request=None,
        created_at=created,
    )
    write_manifest(path, manifest)
    saved = json.loads(path.read_text())
    assert saved["file"] == {
        "name": "v.mp4",
        "path": str((tmp_path / "v.mp4").resolve()),
        "size_bytes": 10,
        "sha256": "ab" * 32,
        "duration_seconds": 2.0,
    }
    assert saved["created_at"] == "2025-11-23T12:00:00+00:00"
    assert saved["published"] is None

    with pytest.raises(TypeError):
        write_manifest(path, {"not json": object()})
    assert json.loads(path.read_text()) == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.publish.json"]
