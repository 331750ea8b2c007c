"""The app database as a resource, so every asset, sensor and test reaches the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource
from sqlalchemy.orm import Session

from shortgen_assets.db.session import session_scope


class AppDatabase(ConfigurableResource):
    """SQLAlchemy URL of the app database (SQLite file by default, Postgres for scale)."""

    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.url) as session:
            yield session
