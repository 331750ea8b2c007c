"""Temporary files carry their owner's pid, so a dead render's leftovers are found and removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shortgen_assets.domain import scratch
from shortgen_assets.domain.scratch import (
    atomic_output,
    find_leftovers,
    remove_leftovers,
    scratch_dir,
    temp_sibling,
)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_atomic_output_leaves_only_the_finished_file(tmp_path: Path) -> None:
    target = tmp_path / "video.mp4"
    with atomic_output(target) as tmp:
        assert f"pid{os.getpid()}-" in tmp.name and tmp.suffix == ".mp4"
        tmp.write_bytes(b"done")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("render died")
    assert target.read_bytes() == b"done"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]


def test_leftovers_of_a_dead_process_are_found_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = tmp_path / "output" / "review" / "job-3"
    job.mkdir(parents=True)
    dead = _dead_pid()
    partial = job / f".video.pid{dead}-0a1b2c3d.partial.mp4"
    partial.write_bytes(b"half a video")
    hidden_scratch = job / f".shortgen-procedural-pid{dead}-xyz"
    hidden_scratch.mkdir()
    (hidden_scratch / "layer.png").write_bytes(b"png")
    system_temp = tmp_path / "tmp"
    system_temp.mkdir()
    monkeypatch.setattr(scratch.tempfile, "gettempdir", lambda: str(system_temp))
    compose_dir = system_temp / f"shortgen-compose-pid{dead}-abc"
    compose_dir.mkdir()
    legacy = job / ".old.partial.wav"
    legacy.write_bytes(b"")
    old = time.time() - 2 * scratch.LEGACY_MAX_AGE_SECONDS
    os.utime(legacy, (old, old))
    finished = job / "video.mp4"
    finished.write_bytes(b"a video")

    with scratch_dir("compose") as live_dir, atomic_output(job / "next.mp4") as live_tmp:
        live_tmp.write_bytes(b"rendering")
        found = find_leftovers([tmp_path / "output"])
        assert found == sorted([partial, hidden_scratch, compose_dir, legacy])
        assert live_dir.exists() and live_tmp.exists()
        assert remove_leftovers(found) == found
    assert sorted(p.name for p in job.iterdir()) == ["next.mp4", "video.mp4"]
    assert list(system_temp.iterdir()) == []


def test_a_recent_name_without_an_owner_is_kept(tmp_path: Path) -> None:
    fresh = tmp_path / ".clip.partial"
    fresh.write_bytes(b"")
    assert find_leftovers([tmp_path], system_temp=False) == []
    assert temp_sibling(tmp_path / "a.wav").name.endswith(".partial.wav")
