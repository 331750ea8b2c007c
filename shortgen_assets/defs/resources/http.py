"""One HTTP policy for every API provider: bounded retries with backoff, then a clear failure.

Vendors call `send` (or `retry`, for an SDK call) instead of httpx directly so that quota errors,
rate limits, server errors and timeouts are retried the same way everywhere (tenacity), and what
finally escapes is a `ProviderError` that names the provider, the status and what to do about it.
Every API vendor is an `HttpVendor`, so timeout and retry settings are configured alike.

Deadlines: each attempt has connect and read timeouts, and each call a total budget across its
attempts: no attempt starts that could not finish (connect + read) before the budget runs out.
A `ProviderError` is a Dagster `Failure` with `allow_retries=False`: the call already spent its
budget retrying, so the step's `RetryPolicy` must not start it over (it still retries any other,
unexpected error). A dead provider therefore fails its step within one call budget.

httpx is imported where a request is made, not at module level: every process that loads the
definitions imports each vendor class, and most never call an API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from dagster import ConfigurableResource, Failure
from pydantic import Field
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from shortgen_assets.domain.standards import (
    PROVIDER_CALL_BUDGET_S,
    PROVIDER_CONNECT_TIMEOUT_S,
    PROVIDER_READ_TIMEOUT_S,
)

if TYPE_CHECKING:
    import httpx

Result = TypeVar("Result")

RETRYABLE_STATUS = frozenset({403, 408, 409, 425, 429, 500, 502, 503, 504, 529})


class ProviderError(Failure):
    """A provider could not deliver; the step fails with this message, nothing falls back.

    Final for the step (`allow_retries=False`): its call has already retried within its budget.
    """

    def __init__(self, message: str) -> None:
        super().__init__(description=message, allow_retries=False)

    def __str__(self) -> str:
        return self.description or ""


@dataclass
class Budget:
    """The total time one call may take across its attempts, and each attempt's worst case."""

    seconds: float
    attempt_worst_case: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def next_attempt_fits(self, wait: float) -> bool:
        """Whether an attempt starting after `wait` seconds could end inside the budget."""
        return self.elapsed() + wait + self.attempt_worst_case <= self.seconds

    def stop(self, state: RetryCallState) -> bool:
        """A tenacity stop condition (tenacity computes the upcoming wait before it asks)."""
        return not self.next_attempt_fits(state.upcoming_sleep)


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
    import httpx

    return isinstance(
        exc, RetryableStatus | Unreachable | httpx.TimeoutException | httpx.TransportError
    )


def _describe(provider: str, exc: BaseException, tries: int, budget: Budget | None) -> str:
    import httpx

    spent = f"{tries} attempt{'s' if tries > 1 else ''}"
    if budget:
        spent += f" in {budget.elapsed():.0f} s"
    if isinstance(exc, RetryableStatus):
        hint = {
            403: "the key lacks permission or the daily quota is spent",
            429: "rate limited; lower the request rate or raise the plan's limit",
        }.get(exc.status, "the service is failing; try again later")
        return f"{provider}: HTTP {exc.status} after retries ({spent}; {hint}): {exc.body}"
    if isinstance(exc, httpx.TimeoutException) or getattr(exc, "timed_out", False):
        return (
            f"{provider}: timed out after retries ({spent}, no answer); check the service and "
            "the network, or raise SHORTGEN_PROVIDER_READ_TIMEOUT_SECONDS and "
            "SHORTGEN_PROVIDER_CALL_BUDGET_SECONDS"
        )
    if isinstance(exc, Unreachable | httpx.TransportError):
        return (
            f"{provider}: unreachable after retries ({spent}: {exc or type(exc).__name__}); "
            "check the network and the base URL"
        )
    return f"{provider}: failed after {spent}: {exc}; check the service and try again"


def body_excerpt(response: httpx.Response, limit: int = 300) -> str:
    import httpx

    try:
        return response.text[:limit]
    except httpx.ResponseNotRead:
        return "<streamed body>"


def retry(
    provider: str,
    call: Callable[[], Result],
    *,
    attempts: int,
    base_wait: float,
    budget: Budget | None = None,
) -> Result:
    """Run `call`, retrying when it raises `RetryableStatus`, a timeout or a transport error;
    raise ProviderError once the attempts or the budget are spent. Any other exception passes
    through at once. The first attempt always runs (its timeouts are capped by the budget)."""
    import httpx

    stop = stop_after_attempt(max(1, attempts))
    retrying = Retrying(
        retry=retry_if_exception(_is_retryable),
        stop=stop | budget.stop if budget else stop,
        wait=wait_exponential_jitter(initial=base_wait, max=max(base_wait, 30.0), jitter=base_wait),
        reraise=False,
    )
    try:
        return retrying(call)
    except RetryError as exc:
        last = exc.last_attempt
        raise ProviderError(
            _describe(provider, last.exception(), last.attempt_number, budget)
        ) from None
    except httpx.HTTPError as exc:
        raise ProviderError(_describe(provider, exc, 1, budget)) from None


def send(
    provider: str,
    call: Callable[[], httpx.Response],
    *,
    attempts: int = 4,
    base_wait: float = 1.0,
    retry_status: frozenset[int] = RETRYABLE_STATUS,
    budget: Budget | None = None,
) -> httpx.Response:
    """Run `call` until it returns a non-retryable response; raise ProviderError on failure.

    A 4xx outside `retry_status` is the caller's mistake (bad key, bad request) and fails at once.
    """

    def attempt() -> httpx.Response:
        response = call()
        if response.status_code in retry_status:
            raise RetryableStatus(response.status_code, body_excerpt(response))
        return response

    response = retry(provider, attempt, attempts=attempts, base_wait=base_wait, budget=budget)
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
    """Timeouts, call budget and the shared retry policy of a vendor that calls an HTTP API."""

    timeout_seconds: float = Field(
        PROVIDER_READ_TIMEOUT_S, gt=0, description="read timeout of one request"
    )
    connect_timeout_seconds: float = Field(PROVIDER_CONNECT_TIMEOUT_S, gt=0)
    call_budget_seconds: float = Field(
        PROVIDER_CALL_BUDGET_S, gt=0, description="one call, all its attempts and waits included"
    )
    retry_attempts: int = Field(4, ge=1, description="tries per request before the step fails")
    retry_base_wait: float = Field(1.0, ge=0, description="first backoff in seconds")

    def attempt_timeouts(self) -> tuple[float, float]:
        """(connect, read) of one attempt, each capped by the call budget."""
        budget = self.call_budget_seconds
        return min(self.connect_timeout_seconds, budget), min(self.timeout_seconds, budget)

    def budget(self) -> Budget:
        """A fresh budget for one call."""
        return Budget(self.call_budget_seconds, sum(self.attempt_timeouts()))

    def client(self, **options: object) -> httpx.Client:
        import httpx

        connect, read = self.attempt_timeouts()
        return httpx.Client(timeout=httpx.Timeout(read, connect=connect), **options)

    def retry(self, provider: str, call: Callable[[], Result]) -> Result:
        """`retry` with this vendor's attempts and a fresh call budget."""
        return retry(
            provider,
            call,
            attempts=self.retry_attempts,
            base_wait=self.retry_base_wait,
            budget=self.budget(),
        )

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

        return send(
            provider,
            attempt,
            attempts=self.retry_attempts,
            base_wait=self.retry_base_wait,
            budget=self.budget(),
        )

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
