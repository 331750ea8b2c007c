"""What every stage asset does the same way: find its job, its theme and its upstream rows.

Downstream assets never read "the newest row in the table": they read the row id that the latest
upstream materialization *for the same partition* recorded in its metadata, so re-running one job
never picks up another job's (or an older attempt's) rows.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetRecordsFilter, Failure, MetadataValue

from shortgen_assets.db.repository import ensure_job
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.domain.schemas import ProviderUsage, Theme
from shortgen_assets.domain.themes import ThemeError, parse_theme
from shortgen_assets.settings import get_settings


def job_id_of(context: AssetExecutionContext) -> int:
    """The partition's job id; also where an injected test fault strikes (SHORTGEN_INJECT_FAULT)."""
    stage = context.asset_key.path[-1]
    if get_settings().inject_fault == stage:
        raise Failure(
            f"fault injected into '{stage}' (SHORTGEN_INJECT_FAULT={stage}); unset it",
            allow_retries=False,
        )
    key = context.partition_key
    if not key.isdigit():
        raise Failure(
            f"partition key {key!r} is not a job id; job partitions are integers like '7'"
        )
    return int(key)


def job_theme(context: AssetExecutionContext, app_db: AppDatabase) -> tuple[int, Theme]:
    """The job id and its theme snapshot, creating the job row for a hand-added partition."""
    job_id = job_id_of(context)
    with app_db.session() as session:
        job = ensure_job(session, job_id, get_settings().default_theme)
        snapshot = job.theme
    try:
        return job_id, parse_theme(snapshot, f"job {job_id} theme snapshot")
    except ThemeError as exc:
        raise Failure(str(exc), allow_retries=False) from None


def upstream_metadata(context: AssetExecutionContext, asset: str) -> Mapping[str, Any]:
    """Metadata values of the latest materialization of `asset` for this partition."""
    records = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(asset), asset_partitions=[context.partition_key]),
        limit=1,
    ).records
    if not records or records[0].asset_materialization is None:
        raise Failure(
            f"'{asset}' has no materialization for job {context.partition_key}; "
            f"materialize it first (shortgen retry {context.partition_key})",
            allow_retries=False,
        )
    metadata = records[0].asset_materialization.metadata
    return {key: value.value for key, value in metadata.items()}


def upstream_row_id(context: AssetExecutionContext, asset: str, field: str) -> int:
    value = upstream_metadata(context, asset).get(field)
    if not isinstance(value, int):
        raise Failure(
            f"'{asset}' for job {context.partition_key} recorded no {field}", allow_retries=False
        )
    return value


def job_folder(root: Path, job_id: int) -> Path:
    folder = root / f"job-{job_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def usage_metadata(usage: ProviderUsage) -> dict[str, Any]:
    """Provider, model, units used and cost, the same keys on every stage."""
    return {
        "provider": usage.provider,
        "model": usage.model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "characters": usage.characters,
        "provider_seconds": MetadataValue.float(usage.seconds),
        "cost_usd": MetadataValue.float(round(usage.cost_usd, 6)),
    }
