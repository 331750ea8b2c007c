"""Concurrency pools: at most N compositions at once, and a pool per API provider.

Pools are Dagster's op-level concurrency: a step claims a slot in its pool on the instance before
it runs, across all runs. Offline providers get no pool (they only use this machine's CPU, which
the composition pool and the run queue already bound); each API provider gets its own, so a rate
limit on one service does not hold back the others.
"""

from __future__ import annotations

from dagster import DagsterInstance

from shortgen_assets.settings import Settings

COMPOSITION_POOL = "composition"
OFFLINE_PROVIDERS = frozenset({"sample", "offline", "piper", "espeak", "procedural", "dry_run"})


def _api_pool(capability: str, providers: list[str]) -> str | None:
    live = sorted(p for p in providers if p not in OFFLINE_PROVIDERS)
    return f"{capability}_{'_'.join(live)}" if live else None


def provider_pools(settings: Settings) -> dict[str, str | None]:
    """Pool per capability for the configured providers (None: offline, no pool)."""
    return {
        "trends": _api_pool("trends", list(settings.trend_sources)),
        "llm": _api_pool("llm", [settings.llm_provider]),
        "tts": _api_pool("tts", [settings.tts_provider]),
        "footage": _api_pool("footage", [settings.footage_provider]),
        "publisher": _api_pool("publisher", list(settings.publishers)),
    }


def apply_pool_limits(instance: DagsterInstance, settings: Settings) -> dict[str, int]:
    """Write the configured slot counts to the instance (idempotent)."""
    limits = {COMPOSITION_POOL: settings.max_concurrent_compositions}
    for pool in provider_pools(settings).values():
        if pool:
            limits[pool] = settings.max_concurrent_api_calls
    for pool, slots in limits.items():
        instance.event_log_storage.set_concurrency_slots(pool, slots)
    return limits
