"""Carries each stage's ref downstream inside its materialization record.

The ref is stored as the `stage_ref` metadata entry of the materialization it describes, and read
back from the instance's event log for the same partition. So a ref exists exactly when its
materialization does (a crash between writing a file and recording the event cannot strand one),
it lives in the same storage as the run history (SQLite or Postgres, reachable from every run
worker and Celery host without a shared folder), it is wiped with the asset, and the UI shows it.
"""

from __future__ import annotations

from dagster import (
    AssetRecordsFilter,
    ConfigurableIOManager,
    Failure,
    InputContext,
    MetadataValue,
    OutputContext,
)
from pydantic import ValidationError

from shortgen_assets.defs.assets.refs import StageRef

REF_KEY = "stage_ref"


class StageRefIOManager(ConfigurableIOManager):
    """Stores a stage's ref with its materialization; loads the latest one of the partition."""

    def handle_output(self, context: OutputContext, obj: StageRef) -> None:
        if not isinstance(obj, StageRef):
            raise TypeError(f"'{context.asset_key.to_user_string()}' returned {obj!r}, not a ref")
        context.add_output_metadata({REF_KEY: MetadataValue.json(obj.model_dump(mode="json"))})

    def load_input(self, context: InputContext) -> StageRef:
        stage, key = context.asset_key.to_user_string(), context.asset_partition_key
        ref_type = context.dagster_type.typing_type
        if not (isinstance(ref_type, type) and issubclass(ref_type, StageRef)):
            raise TypeError(f"input '{context.name}' must be annotated with its stage's ref type")
        records = context.instance.fetch_materializations(
            AssetRecordsFilter(asset_key=context.asset_key, asset_partitions=[key]), limit=1
        ).records
        if not records or records[0].asset_materialization is None:
            raise Failure(
                f"'{stage}' has no materialization for job {key}; "
                f"materialize it first (shortgen retry {key})",
                allow_retries=False,
            )
        entry = records[0].asset_materialization.metadata.get(REF_KEY)
        try:
            ref = ref_type.model_validate(entry.value if entry else None)
        except ValidationError:
            raise Failure(
                f"the latest '{stage}' of job {key} (run {records[0].run_id}) recorded no "
                f"{ref_type.__name__}; re-materialize '{stage}' for job {key}",
                allow_retries=False,
            ) from None
        context.add_input_metadata(
            {
                "upstream": stage,
                "from_run": records[0].run_id,
                REF_KEY: MetadataValue.json(ref.model_dump(mode="json")),
            }
        )
        return ref
