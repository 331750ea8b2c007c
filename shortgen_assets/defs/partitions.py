"""One partition per job: the key is the `jobs.id` as a plain integer string."""

from dagster import DynamicPartitionsDefinition

job_partitions = DynamicPartitionsDefinition(name="job")
