"""One HTTP policy for every API provider: bounded retries with backoff, then a clear failure.

Vendors call `send` (or `retry`, for an SDK call) instead of httpx directly so that quota errors,
rate limits, server errors and timeouts are retried the same way everywhere (tenacity), and what
finally escapes is a `ProviderError` that names the provider, the status and what to do about it.
Every API vendor is an `HttpVendor`, so timeout and retry settings are configured alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from dagster import ConfigurableResource
from pydantic import Field
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

Result = TypeVar("Result")

RETRYABLE_STATUS = frozenset({403, 408, 409, 425, 429, 500, 502, 503, 504, 529})


class ProviderError(RuntimeError):
    """A provider could not deliver; the step fails with this message, nothing falls back."""


class RetryableStatus(Exception):
    """An HTTP status worth waiting for (rate limit, overload, server error)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.body = status, body


class Unreachable(Exception):
    """A timeout or lost connection reported by an SDK's own HTTP client: retried like httpx's."""

    def __init__(self, detail: str, *, timed_out: bool) -> None:
        super().__init__(detail)
        self.timed_out = timed_out


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(
        exc, RetryableStatus | Unreachable | httpx.TimeoutException | httpx.TransportError
    )


def _describe(provider: str, exc: BaseException) -> str:
    if isinstance(exc, RetryableStatus):
        hint = {
            403: "the key lacks permission or the daily quota is spent",
            429: "rate limited; lower the request rate or raise the plan's limit",
        }.get(exc.status, "the service is failing; try again later")
        return f"{provider}: HTTP {exc.status} after retries ({hint}): {exc.body}"
    if isinstance(exc, httpx.TimeoutException) or getattr(exc, "timed_out", False):
        return f"{provider}: timed out after retries; check the network or raise the timeout"
    if isinstance(exc, Unreachable):
        return f"{provider}: unreachable after retries ({exc}); check the network and base_url"
    return f"{provider}: {type(exc).__name__}: {exc}"


def body_excerpt(response: httpx.Response, limit: int = 300) -> str:
    try:
        return response.text[:limit]
    except httpx.ResponseNotRead:
        return "<streamed body>"


def retry(provider: str, call: Callable[[], Result], *, attempts: int, base_wait: float) -> Result:
    """Run `call`, retrying when it raises `RetryableStatus`, a timeout or a transport error;
    raise ProviderError once the attempts are spent. Any other exception passes through at once."""
    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential_jitter(initial=base_wait, max=max(base_wait, 30.0), jitter=base_wait),
        reraise=False,
    )
    try:
        return retrying(call)
    except RetryError as exc:
        raise ProviderError(_describe(provider, exc.last_attempt.exception())) from None
    except httpx.HTTPError as exc:
        raise ProviderError(_describe(provider, exc)) from None


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
            raise RetryableStatus(response.status_code, body_excerpt(response))
        return response

    response = retry(provider, attempt, attempts=attempts, base_wait=base_wait)
    if response.is_error:
        raise ProviderError(f"{provider}: HTTP {response.status_code}: {body_excerpt(response)}")
    return response


def rejected_key(provider: str, status: int, body: str, env: str) -> ProviderError:
    """The error for a refused key: waiting will not help, a valid key will."""
    return ProviderError(
        f"{provider}: HTTP {status}, the API key was rejected; set a valid {env}: {body[:200]}"
    )


def require_key(provider: str, key: str, env: str) -> str:
    """`key`, or a clear error naming the variable when it is empty."""
    if not key:
        raise ProviderError(f"{provider}: no API key; set {env} or choose another vendor")
    return key


class HttpVendor(ConfigurableResource):
    """Timeouts and the shared retry policy of a vendor that calls an HTTP API."""

    timeout_seconds: float = Field(60.0, gt=0, description="read timeout of one request")
    connect_timeout_seconds: float = Field(15.0, gt=0)
    retry_attempts: int = Field(4, ge=1, description="tries per request before the step fails")
    retry_base_wait: float = Field(1.0, ge=0, description="first backoff in seconds")

    def client(self, **options: object) -> httpx.Client:
        timeout = httpx.Timeout(self.timeout_seconds, connect=self.connect_timeout_seconds)
        return httpx.Client(timeout=timeout, **options)

    def send(
        self,
        provider: str,
        call: Callable[[], httpx.Response],
        *,
        key_env: str | None = None,
    ) -> httpx.Response:
        """`send` with this vendor's attempts; a 401 fails at once naming `key_env`."""

        def attempt() -> httpx.Response:
            response = call()
            if key_env and response.status_code == 401:
                raise rejected_key(provider, 401, body_excerpt(response), key_env)
            return response

        return send(provider, attempt, attempts=self.retry_attempts, base_wait=self.retry_base_wait)

    def send_json(
        self, provider: str, call: Callable[[], httpx.Response], *, key_env: str | None = None
    ) -> Any:
        """`send`, then the body as JSON or a clear error saying what came back instead."""
        response = self.send(provider, call, key_env=key_env)
        try:
            return response.json()
        except ValueError:
            body = body_excerpt(response, 200)
            raise ProviderError(f"{provider}: response is not JSON: {body}") from None
