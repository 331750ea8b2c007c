"""Retry policy for steps that call a provider: exponential backoff with jitter.

HTTP calls already retry transient errors inside a step (tenacity) within their call budget; a
`ProviderError` that spent it is a `Failure(allow_retries=False)`, final for the step, so this
policy never starts a spent budget over. It covers other, unexpected errors of a provider step.
Run-level retries stay off in the instance config, so the two never multiply.
"""

from dagster import Backoff, Jitter, RetryPolicy

from shortgen_assets.settings import Settings


def provider_retry(settings: Settings) -> RetryPolicy:
    """The step retry policy of every provider stage, built by `build_definitions`."""
    return RetryPolicy(
        max_retries=settings.step_retries,
        delay=settings.step_retry_delay_seconds,
        backoff=Backoff.EXPONENTIAL,
        jitter=Jitter.PLUS_MINUS,
    )
