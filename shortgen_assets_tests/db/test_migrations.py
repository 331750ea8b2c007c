"""The publications migration on SQLite and Postgres: rows move over, and back on downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from shortgen_assets.db.session import alembic_config, get_engine, head_revision, normalize_url
from shortgen_assets.settings import Settings

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def _filler(column: sa.Column) -> object:
    kind = column.type
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.DateTime):
        return NOW
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.Float | sa.Numeric):
        return 0.0
    return "x"


def insert(connection: sa.Connection, table: sa.Table, **values: object) -> int:
    """Insert a row, filling every other required column with a plain value."""
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key:
            values[column.name] = _filler(column)
    return connection.execute(table.insert().values(**values)).inserted_primary_key[0]


def migrate(connection: sa.Connection, url: str, verb: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    getattr(command, verb)(config, revision)


def columns(connection: sa.Connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def seed_published_videos(connection: sa.Connection) -> tuple[int, int]:
    """Two published videos on revision 0001: one uploaded to YouTube, one Reels dry run."""
    tables = sa.MetaData()
    tables.reflect(connection)
    ids = []
    for platform, url in (
        ("youtube_shorts", "https://youtube.com/shorts/q9Zt4XvYb2E"),
        ("reels", None),
    ):
        job = insert(connection, tables.tables["jobs"], theme={"platform": platform})
        report = insert(connection, tables.tables["trend_reports"], job_id=job)
        script = insert(connection, tables.tables["scripts"], job_id=job, trend_report_id=report)
        insert(
            connection,
            tables.tables["videos"],
            job_id=job,
            script_id=script,
            status="published",
            published_at=NOW,
            published_url=url,
            publish_manifest_path=f"/out/job-{job}.publish.json",
            run_id="run-0001",
        )
        ids.append(job)
    return ids[0], ids[1]


def test_publish_fields_move_to_publications_and_back(installation: Settings) -> None:
    url = normalize_url(installation.app_database_url)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            migrate(connection, url, "upgrade", "0001")
            youtube_job, reels_job = seed_published_videos(connection)
        with engine.begin() as connection:
            migrate(connection, url, "upgrade", "head")
        with engine.connect() as connection:
            assert not {"published_at", "published_url", "publish_manifest_path"} & columns(
                connection, "videos"
            )
            rows = connection.execute(
                sa.text(
                    "SELECT job_id, platform, vendor, status, remote_id, url, manifest_path "
                    "FROM publications ORDER BY job_id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            (youtube_job, "youtube", "youtube", "published", "q9Zt4XvYb2E",
             "https://youtube.com/shorts/q9Zt4XvYb2E", f"/out/job-{youtube_job}.publish.json"),
            (reels_job, "instagram", "dry_run", "dry_run", None, None,
             f"/out/job-{reels_job}.publish.json"),
        ]  # fmt: skip

        with engine.begin() as connection:
            migrate(connection, url, "downgrade", "0001")
        with engine.connect() as connection:
            assert "publications" not in sa.inspect(connection).get_table_names()
            back = connection.execute(
                sa.text("SELECT job_id, published_url FROM videos ORDER BY job_id")
            ).all()
        assert [tuple(row) for row in back] == [
            (youtube_job, "https://youtube.com/shorts/q9Zt4XvYb2E"),
            (reels_job, None),
        ]
        with engine.begin() as connection:
            migrate(connection, url, "upgrade", "head")
            assert "publications" in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_the_head_read_from_the_scripts_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    config = alembic_config("sqlite://")
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_first_use_upgrades_a_database_left_behind(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with sa.create_engine(url).begin() as connection:
        migrate(connection, url, "upgrade", "0001")
    engine = get_engine(url)  # a fresh URL: this process has not checked it yet
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
        assert "publications" in sa.inspect(connection).get_table_names()
