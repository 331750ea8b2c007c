"""publications: one row per platform per job, replacing the publish fields on videos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Existing publications move over: a video with `published_at` becomes a publications row for the
platform its theme's format targets (`published` with its URL and remote id when it has a URL,
`dry_run` otherwise). Downgrade moves each job's first row back onto its video.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FORMAT_TARGET = {"youtube_shorts": "youtube", "tiktok": "tiktok", "reels": "instagram"}


def _publications() -> sa.Table:
    return op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("video_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("vendor", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("remote_id", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("manifest_path", sa.String(length=1000), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"]),
        sa.ForeignKeyConstraint(["video_id"], ["videos.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "platform", name="uq_publications_job_platform"),
    )


def _theme_target(theme: object) -> str:
    if isinstance(theme, str):
        theme = json.loads(theme)
    platform = theme.get("platform", "youtube_shorts") if isinstance(theme, dict) else ""
    return FORMAT_TARGET.get(platform, "youtube")


def upgrade() -> None:
    publications = _publications()
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publications_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publications_video_id"), ["video_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_publications_status"), ["status"], unique=False)
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT v.id, v.job_id, v.published_at, v.published_url, v.publish_manifest_path, "
            "v.run_id, j.theme FROM videos v JOIN jobs j ON j.id = v.job_id "
            "WHERE v.published_at IS NOT NULL ORDER BY v.id"
        ).columns(published_at=sa.DateTime(timezone=True), theme=sa.JSON())
    ).all()
    moved: dict[tuple[int, str], dict] = {}
    for video_id, job_id, at, url, manifest, run_id, theme in rows:
        platform = _theme_target(theme)
        moved[(job_id, platform)] = {
            "job_id": job_id,
            "video_id": video_id,
            "platform": platform,
            "vendor": platform if url else "dry_run",
            "status": "published" if url else "dry_run",
            "remote_id": url.rstrip("/").rsplit("/", 1)[-1] if url else None,
            "url": url,
            "published_at": at,
            "manifest_path": manifest,
            "attempts": 1,
            "created_at": at,
            "updated_at": at,
            "run_id": run_id,
        }
    if moved:
        op.bulk_insert(publications, list(moved.values()))
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.drop_column("publish_manifest_path")
        batch_op.drop_column("published_url")
        batch_op.drop_column("published_at")


def downgrade() -> None:
    with op.batch_alter_table("videos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("published_url", sa.String(length=1000), nullable=True))
        batch_op.add_column(
            sa.Column("publish_manifest_path", sa.String(length=1000), nullable=True)
        )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT video_id, published_at, url, manifest_path FROM publications "
            "WHERE status IN ('published', 'scheduled', 'dry_run') ORDER BY id DESC"
        )
    ).all()
    for video_id, at, url, manifest in rows:
        connection.execute(
            sa.text(
                "UPDATE videos SET published_at = :at, published_url = :url, "
                "publish_manifest_path = :manifest WHERE id = :id"
            ),
            {"at": at, "url": url, "manifest": manifest, "id": video_id},
        )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publications_status"))
        batch_op.drop_index(batch_op.f("ix_publications_video_id"))
        batch_op.drop_index(batch_op.f("ix_publications_job_id"))
    op.drop_table("publications")
