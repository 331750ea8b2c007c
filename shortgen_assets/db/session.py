"""Engines and sessions for the app database, migrated to the latest revision on first use.

SQLite gets WAL and a busy timeout so the CLI, the daemon's sensors and run processes can share
one file. Concurrent first uses never race the migration: Postgres takes an advisory lock, SQLite a
file lock beside the database file (SQLite's own locking does not cover Alembic's read-then-create).
Alembic itself loads only when the database is behind: every CLI process checks the revision, and
Alembic's import plus its reading of the scripts would cost more than the command's own work.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 74_657_201
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def normalize_url(url: str) -> str:
    """Pin Postgres URLs to psycopg2, the driver this project installs (SQLAlchemy 2.1 defaults
    plain `postgresql://` to psycopg 3)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _new_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def upgrade(engine: Engine) -> str:
    """Apply pending migrations under a lock; return the head revision."""
    database = _sqlite_file(engine)
    if database is None:
        return _upgrade(engine)
    with FileLock(str(database) + ".migrate.lock", timeout=120):
        return _upgrade(engine)


@cache
def head_revision() -> str:
    """The newest revision, read from the scripts' `revision`/`down_revision` lines (what Alembic's
    ScriptDirectory computes, without importing Alembic)."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revisions.update(re.findall(r'^revision\s*=\s*"([^"]+)"', source, re.MULTILINE))
        for line in re.findall(r"^down_revision\s*=(.*)$", source, re.MULTILINE):
            replaced.update(re.findall(r'"([^"]+)"', line))
    heads = revisions - replaced
    if len(heads) != 1:
        raise RuntimeError(f"the app migrations need exactly one head, found {sorted(heads)}")
    return heads.pop()


def _current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(engine: Engine) -> str:
    head = head_revision()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        if _current_revision(connection) != head:
            from alembic import command  # only when behind: see the module docstring

            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return head


def get_engine(url: str) -> Engine:
    """One migrated engine per URL per process."""
    url = normalize_url(url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _new_engine(url)
            upgrade(engine)
            _engines[url] = engine
        return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session committed on success and rolled back on any error, so no half-written rows."""
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
