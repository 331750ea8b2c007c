"""The app database on first use: concurrent first commands share one migration."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shortgen_assets_tests.conftest import DEFAULT_THEME, install

FIRST_COMMANDS = 10


def test_concurrent_first_commands_on_a_fresh_sqlite_home_all_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    settings = install(tmp_path, "sqlite", monkeypatch, request)
    assert not (settings.home / "shortgen.db").exists()
    exe = Path(sys.executable).parent / "shortgen"

    def first_command(_: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), "request", "--theme", str(DEFAULT_THEME)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    with ThreadPoolExecutor(FIRST_COMMANDS) as pool:
        results = list(pool.map(first_command, range(FIRST_COMMANDS)))
    failures = [r.stderr.strip() for r in results if r.returncode != 0]
    assert failures == []
    ids = sorted(int(r.stdout.strip()) for r in results)
    assert ids == list(range(1, FIRST_COMMANDS + 1))
