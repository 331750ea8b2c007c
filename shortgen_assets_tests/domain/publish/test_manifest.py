"""The manifest file: where it goes, what it records, and that it is written atomically."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shortgen_assets.domain.publish.manifest import (
    FileFacts,
    build_manifest,
    file_sha256,
    manifest_path_for,
    write_manifest,
)
from shortgen_assets.domain.publish.post import PostRequest, build_post


def test_each_platform_has_its_manifest_beside_the_video() -> None:
    video = Path("/out/approved/job-7/job_7.mp4")
    assert manifest_path_for(video, "tiktok") == Path(
        "/out/approved/job-7/job_7.tiktok.publish.json"
    )


def test_sha256_is_streamed_from_the_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10_000
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()


def test_write_manifest_replaces_atomically_and_cleans_up_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "v.youtube.publish.json"
    words = PostRequest(title="Lamp", description="Meet it.", hashtags=["Lamp"])
    post = build_post(
        "youtube",
        words,
        video_path=tmp_path / "v.mp4",
        thumbnail_path=None,
        video_relpath=None,
        scheduled_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        job_id=7,
        video_id=3,
    )
    manifest = build_manifest(
        post,
        vendor="dry_run",
        facts=FileFacts(size_bytes=10, sha256="ab" * 32, duration_seconds=2.00049),
        api_request=None,
        created_at=datetime(2025, 11, 23, 12, 0, tzinfo=UTC),
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
    assert saved["platform"] == "youtube" and saved["caption"] == "Meet it.\n\n#Lamp #Shorts"
    assert saved["scheduled_at"] == "2026-12-01T09:00:00+00:00"
    assert saved["published"] is None

    with pytest.raises(TypeError):
        write_manifest(path, {"not json": object()})
    assert json.loads(path.read_text()) == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.youtube.publish.json"]
