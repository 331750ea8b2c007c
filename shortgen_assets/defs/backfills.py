"""Asset backfills over many job partitions, queued on the instance for the daemon to run.

This is what the UI's "Materialize partitions" dialog (and the webserver's GraphQL backfill
mutation) stores, so a backfill from the CLI appears under Overview > Backfills like any other.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from dagster import AssetKey, DagsterInstance, Definitions
from dagster._core.execution.backfill import PartitionBackfill
from dagster._core.utils import make_new_backfill_id
from sqlalchemy import select

from shortgen_assets.db.models import MAX_ROW_ID, Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.partitions import job_partitions
from shortgen_assets.settings import Settings

RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
MAX_JOBS = 10_000


def parse_job_ids(text: str) -> list[int]:
    """'1-3,7' -> [1, 2, 3, 7]; a malformed or reversed piece raises ValueError naming it."""
    ids: set[int] = set()
    for piece in text.split(","):
        match = RANGE.match(piece)
        if not match:
            raise ValueError(f"{piece.strip()!r} is not a job id or range; write e.g. 1-20,25")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise ValueError(f"range {first}-{last} runs backwards; write {last}-{first}")
        if last - first >= MAX_JOBS:
            raise ValueError(f"range {first}-{last} is over {MAX_JOBS} jobs")
        ids.update(range(first, last + 1))
    return sorted(ids)


def missing_jobs(settings: Settings, job_ids: Sequence[int]) -> list[int]:
    storable = [job_id for job_id in job_ids if job_id <= MAX_ROW_ID]
    with session_scope(settings.app_database_url) as session:
        found = set(session.scalars(select(Job.id).where(Job.id.in_(storable))))
    return [job_id for job_id in job_ids if job_id not in found]


def launch_backfill(
    defs: Definitions, instance: DagsterInstance, job_ids: Sequence[int], stages: Sequence[str]
) -> str:
    """Store an asset backfill of `stages` over the jobs' partitions; returns its id."""
    keys = [str(job_id) for job_id in job_ids]
    new_keys = [k for k in keys if not instance.has_dynamic_partition(job_partitions.name, k)]
    if new_keys:
        instance.add_dynamic_partitions(job_partitions.name, new_keys)
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(),
        asset_graph=defs.resolve_asset_graph(),
        partition_names=keys,
        asset_selection=[AssetKey(stage) for stage in stages],
        backfill_timestamp=time.time(),
        tags={"shortgen/backfill": "cli"},
        dynamic_partitions_store=instance,
        all_partitions=False,
        title=f"shortgen: {len(keys)} job(s) from {stages[0]}",
        description=f"jobs {', '.join(keys[:20])}{' …' if len(keys) > 20 else ''}",
        run_config=None,
    )
    instance.add_backfill(backfill)
    return backfill.backfill_id
