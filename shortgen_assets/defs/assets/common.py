"""What every stage asset does the same way: declare itself, find its job and theme, name its
folders and costs."""

from collections.abc import Callable, Set
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from shortgen_assets.db.repository import ensure_job
from shortgen_assets.defs.assets.refs import StageRef
from shortgen_assets.defs.checks import stage_checks
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.defs.resources.database import AppDatabase
from shortgen_assets.defs.stage_settings import StageSettings
from shortgen_assets.domain.schemas import ProviderUsage, Theme
from shortgen_assets.domain.themes import ThemeError, parse_theme


def stage_asset(
    name: str,
    ref: type[StageRef],
    description: str,
    *,
    kinds: Set[str] = frozenset({"python"}),
    retry_policy: RetryPolicy | None = None,
    pool: str | None = None,
) -> Callable[[Callable[..., MaterializeResult]], AssetsDefinition]:
    """`@asset` for a pipeline stage: one per job partition, handing `ref` on, with its checks."""
    return asset(
        name=name,
        partitions_def=job_partitions,
        group_name="shortgen",
        kinds=set(kinds),
        dagster_type=ref,
        retry_policy=retry_policy,
        pool=pool,
        check_specs=stage_checks(name),
        description=description,
    )


def job_id_of(context: AssetExecutionContext) -> int:
    """The partition's job id."""
    key = context.partition_key
    if not key.isdigit():
        raise Failure(
            f"partition key {key!r} is not a job id; job partitions are integers like '7'"
        )
    return int(key)


def job_theme(
    context: AssetExecutionContext, app_db: AppDatabase, stage_settings: StageSettings
) -> tuple[int, Theme]:
    """The job id and its theme snapshot, creating the job row for a hand-added partition."""
    job_id = job_id_of(context)
    with app_db.session() as session:
        job = ensure_job(session, job_id, Path(stage_settings.default_theme))
        snapshot = job.theme
    try:
        return job_id, parse_theme(snapshot, f"job {job_id} theme snapshot")
    except ThemeError as exc:
        raise Failure(str(exc), allow_retries=False) from None


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
