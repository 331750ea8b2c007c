"""One HTTP policy for every API provider: bounded retries with backoff, then a clear failure.

Providers call `send` instead of httpx directly so that quota errors, rate limits, server errors and
timeouts are retried the same way everywhere (tenacity), and what finally escapes is a
`ProviderError` that names the provider, the status and what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

RETRYABLE_STATUS = frozenset({403, 408, 409, 425, 429, 500, 502, 503, 504, 529})


class ProviderError(RuntimeError):
    """A provider could not deliver; the step fails with this message, nothing falls back."""


class RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus | httpx.TimeoutException | httpx.TransportError)


def _describe(provider: str, exc: BaseException) -> str:
    if isinstance(exc, RetryableStatus):
        status = exc.response.status_code
        hint = {
            403: "the key lacks permission or the daily quota is spent",
            429: "rate limited; lower the request rate or raise the plan's limit",
        }.get(status, "the service is failing; try again later")
        return f"{provider}: HTTP {status} after retries ({hint}): {_body(exc.response)}"
    if isinstance(exc, httpx.TimeoutException):
        return f"{provider}: timed out after retries; check the network or raise the timeout"
    return f"{provider}: {type(exc).__name__}: {exc}"


def _body(response: httpx.Response, limit: int = 300) -> str:
    try:
        return response.text[:limit]
    except httpx.ResponseNotRead:
        return "<streamed body>"


def send(
    provider: str,
    call: Callable[[], httpx.Response],
    *,
    attempts: int = 4,
    base_wait: float = 1.0,
    retry_status: frozenset[int] = RETRYABLE_STATUS,
) -> httpx.Response:
    """Run `call` until it returns a non-retryable response; raise ProviderError on failure.

    A 4xx outside `retry_status` is the caller's mistake (bad key, bad request) and fails at once.
    """

    def attempt() -> httpx.Response:
        response = call()
        if response.status_code in retry_status:
            raise RetryableStatus(response)
        return response

    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential_jitter(initial=base_wait, max=max(base_wait, 30.0), jitter=base_wait),
        reraise=False,
    )
    try:
        response = retrying(attempt)
    except RetryError as exc:
        raise ProviderError(_describe(provider, exc.last_attempt.exception())) from None
    except httpx.HTTPError as exc:
        raise ProviderError(_describe(provider, exc)) from None
    if response.is_error:
        raise ProviderError(f"{provider}: HTTP {response.status_code}: {_body(response)}")
    return response
