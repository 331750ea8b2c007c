"""Shared fixtures: an isolated shortgen installation per test, on SQLite or on PostgreSQL.

Postgres tests run against the machine's server (SHORTGEN_TEST_PG, default
postgresql+psycopg2://postgres@127.0.0.1:5432); each test gets fresh databases. Without a
server they are skipped locally, and under CI=true they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance
from sqlalchemy import create_engine, text

from shortgen_assets.settings import Settings, get_settings, prepare_dagster_home

# Failing steps in tests fail at once instead of retrying with backoff, also in definitions built
# from the environment (the module-level `defs`, CLI subprocesses).
os.environ.setdefault("SHORTGEN_STEP_RETRIES", "0")

PG_SERVER = os.environ.get("SHORTGEN_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432")
PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_THEME = PROJECT / "config" / "themes" / "default.yaml"


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def _pg_available() -> str | None:
    try:
        with _pg_admin().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_SERVER} is unreachable under CI: {problem}")
        pytest.skip(f"PostgreSQL at {PG_SERVER} is unreachable: {problem}")
    return PG_SERVER


class PgDatabases:
    """Creates fresh Postgres databases and drops them (and their pooled engines) afterwards."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.created: list[str] = []

    def make(self, label: str) -> str:
        name = f"shortgen_test_{label}_{uuid.uuid4().hex[:10]}"
        with _pg_admin().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return f"{self.server}/{name}"

    def drop_all(self) -> None:
        from shortgen_assets.db import session as db_session

        for url, engine in list(db_session._engines.items()):
            if any(url.endswith(name) for name in self.created):
                engine.dispose()
                del db_session._engines[url]
        with _pg_admin().connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(autouse=True)
def no_leftover_defs_state_storage() -> Iterator[None]:
    """An instance entered by an earlier test in this worker leaves Dagster's definitions-state
    storage pointing at it once disposed ("undefined DagsterInstance weakref"): start clean."""
    from dagster._core.storage.defs_state.base import set_defs_state_storage

    with set_defs_state_storage(None):
        yield


def small_video_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests render small, short videos: same pipeline, a fraction of the pixels."""
    monkeypatch.setenv("SHORTGEN_VIDEO_WIDTH", "270")
    monkeypatch.setenv("SHORTGEN_VIDEO_HEIGHT", "480")


def default_theme_data() -> dict:
    """The default theme as data, its kit paths made absolute so a copy elsewhere still finds it."""
    data = yaml.safe_load(DEFAULT_THEME.read_text())
    kit = data["brand"]
    kit["logo"] = str(DEFAULT_THEME.parent / kit["logo"])
    for item in kit["media"]:
        item["path"] = str(DEFAULT_THEME.parent / item["path"])
    return data


def theme_file(folder: Path, stem: str, **changes: object) -> Path:
    """The default theme with `changes`, written to `folder/stem.yaml`."""
    data = {**default_theme_data(), **changes}
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.fixture
def quick_theme(tmp_path: Path) -> Path:
    """The default theme cut to a 5-second video."""
    return theme_file(tmp_path, "quick", duration_seconds=5)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def install(
    root: Path, backend: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Point every setting at a fresh installation under `root` on `backend`."""
    home = root / "home"
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("SHORTGEN_HOME", str(home))
    monkeypatch.setenv("SHORTGEN_OUTPUT_DIR", str(root / "output"))
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    monkeypatch.setenv("SHORTGEN_STEP_RETRIES", "0")
    monkeypatch.delenv("SHORTGEN_DATABASE_URL", raising=False)
    small_video_env(monkeypatch)
    if backend == "postgres":
        databases = PgDatabases(request.getfixturevalue("pg_server"))
        request.addfinalizer(databases.drop_all)
        monkeypatch.setenv("SHORTGEN_DATABASE_URL", databases.make("app"))
        (home / "dagster").mkdir(parents=True)
        config = {"storage": {"postgres": {"postgres_url": databases.make("dagster")}}}
        (home / "dagster" / "dagster.yaml").write_text(yaml.safe_dump(config))
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    settings = get_settings()
    prepare_dagster_home(settings)
    return settings


@pytest.fixture
def installation(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Settings:
    """Settings for an isolated installation on the requested backend."""
    return install(tmp_path, backend, monkeypatch, request)


@pytest.fixture
def instance(installation: Settings) -> Iterator[DagsterInstance]:
    with DagsterInstance.get() as dagster_instance:
        yield dagster_instance
        _assert_no_instance_left_open(dagster_instance)


def _assert_no_instance_left_open(dagster_instance: DagsterInstance) -> None:
    """Entering an instance makes its storage Dagster's current one until it exits. A test that
    leaves one open (a schedule context used without `with`) makes a later test in the same worker
    fail at random, when collecting that instance restores a storage whose instance is gone."""
    from dagster._core.storage.defs_state.base import DefsStateStorage

    assert DefsStateStorage.get() is dagster_instance.defs_state_storage, (
        "a Dagster instance entered during the test was not exited; use the context with `with`"
    )
