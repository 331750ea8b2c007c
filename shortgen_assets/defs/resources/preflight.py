"""Credentials checked before a job is queued, so a missing key never strands a job.

Dagster resolves a vendor's `EnvVar` fields only when a run starts; a missing variable then fails
the launch deep inside the daemon, far from the person who can fix it. `missing_credentials` walks
the chosen vendors' resources for `EnvVar` fields and names every unset variable, with the setting
that chose the vendor, so `request`, `demo`, `retry` and the request sensor can refuse up front.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from dagster import ConfigurableResource, EnvVar
from pydantic import Field

# The setting that chose the vendor behind each resource key.
CHOOSING_SETTING = {
    "trend_sources": "SHORTGEN_TREND_SOURCES",
    "llm": "SHORTGEN_LLM_PROVIDER",
    "tts": "SHORTGEN_TTS_PROVIDER",
    "footage_provider": "SHORTGEN_FOOTAGE_PROVIDER",
    "youtube_publisher": "SHORTGEN_PUBLISHERS",
    "tiktok_publisher": "SHORTGEN_PUBLISHERS",
    "instagram_publisher": "SHORTGEN_PUBLISHERS",
}


class Need(NamedTuple):
    """A chosen vendor's secret: which vendor, which variable, which setting chose the vendor."""

    vendor: str
    variable: str
    setting: str

    def problem(self) -> str:
        return (
            f"{self.vendor} needs {self.variable}: export it (or add it to the environment of the "
            f"daemon), or choose another vendor with {self.setting}"
        )


def _vendor_name(resource: ConfigurableResource) -> str:
    for attribute in ("provider", "source", "vendor"):
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


def credential_needs(resources: Mapping[str, object]) -> list[Need]:
    """Every secret the chosen vendors read from the environment."""
    return [
        Need(vendor, variable, CHOOSING_SETTING.get(key, "the provider settings"))
        for key, resource in resources.items()
        if isinstance(resource, ConfigurableResource)
        for vendor, variable in _secrets(resource)
    ]


def unset(needs: list[Need]) -> list[str]:
    """One line per unset (or blank) variable: the vendor, the variable and the fixes."""
    return [need.problem() for need in needs if not os.environ.get(need.variable, "").strip()]


def missing_credentials(resources: Mapping[str, object]) -> list[str]:
    return unset(credential_needs(resources))


class ProviderCredentials(ConfigurableResource):
    """The chosen vendors' variables, checked when the request sensor ticks (not at load), so an
    export followed by a daemon restart is seen at once."""

    needs: list[list[str]] = Field(default_factory=list)

    @classmethod
    def for_resources(cls, resources: Mapping[str, object]) -> ProviderCredentials:
        return cls(needs=[list(need) for need in credential_needs(resources)])

    def missing(self) -> list[str]:
        return unset([Need(*need) for need in self.needs])
