"""Credentials checked before a job is queued, so a missing key never strands a job.

Dagster resolves a vendor's `EnvVar` fields only when a run starts; a missing variable then fails
the launch deep inside the daemon, far from the person who can fix it. `missing_credentials` walks
the chosen vendors' resources for `EnvVar` fields and names every unset variable, with the setting
that chose the vendor, so `request`, `demo`, `retry` and the request sensor can refuse up front.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

from dagster import ConfigurableResource, EnvVar

# The setting that chose the vendor behind each resource key.
CHOOSING_SETTING = {
    "trend_sources": "SHORTGEN_TREND_SOURCES",
    "llm": "SHORTGEN_LLM_PROVIDER",
    "tts": "SHORTGEN_TTS_PROVIDER",
    "footage_provider": "SHORTGEN_FOOTAGE_PROVIDER",
    "publisher": "SHORTGEN_PUBLISHER",
}


def _vendor_name(resource: ConfigurableResource) -> str:
    for attribute in ("provider", "source", "platform"):
        value = getattr(type(resource), attribute, None)
        if isinstance(value, str):
            return value
    return type(resource).__name__


def _secrets(resource: ConfigurableResource) -> Iterator[tuple[str, str]]:
    """(vendor, variable) for every EnvVar field, nested resources included."""
    for name in type(resource).model_fields:
        value = getattr(resource, name, None)
        if isinstance(value, EnvVar):
            yield _vendor_name(resource), value.env_var_name
        elif isinstance(value, ConfigurableResource):
            yield from _secrets(value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, ConfigurableResource):
                    yield from _secrets(item)


def missing_credentials(resources: Mapping[str, object]) -> list[str]:
    """One line per unset variable: the vendor, the variable and the two ways to fix it."""
    problems = []
    for key, resource in resources.items():
        if not isinstance(resource, ConfigurableResource):
            continue
        for vendor, variable in _secrets(resource):
            if not os.environ.get(variable, "").strip():
                setting = CHOOSING_SETTING.get(key, "the provider settings")
                problems.append(
                    f"{vendor} needs {variable}: export it (or add it to the environment of the "
                    f"daemon), or choose another vendor with {setting}"
                )
    return problems
