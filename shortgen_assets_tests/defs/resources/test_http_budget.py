"""The call budget's stop rule, on a fake clock: no attempt starts that could not finish in time."""

from __future__ import annotations

import pytest

from shortgen_assets.defs.resources.http import Budget, ProviderError, RetryableStatus, retry
from shortgen_assets.defs.resources.publisher import Deadline


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_attempt_starts_only_if_its_worst_case_fits_in_what_is_left() -> None:
    clock = FakeClock()
    budget = Budget(10.0, attempt_worst_case=4.0, clock=clock)
    assert budget.next_attempt_fits(wait=6.0)
    clock.now += 3.0
    assert budget.next_attempt_fits(wait=3.0)
    assert not budget.next_attempt_fits(wait=3.5)


def test_retries_stop_when_the_budget_cannot_hold_another_attempt() -> None:
    clock = FakeClock()
    budget = Budget(4.0, attempt_worst_case=1.5, clock=clock)
    calls = []

    def overloaded() -> None:
        calls.append(clock.now)
        clock.now += 1.5  # each attempt takes its worst case
        raise RetryableStatus(503, "overloaded")

    with pytest.raises(ProviderError) as failure:
        retry("acme", overloaded, attempts=10, base_wait=0.0, budget=budget)
    assert calls == [100.0, 101.5]  # a third would end at 104.5, past the budget
    assert str(failure.value).startswith("acme: HTTP 503 after retries (2 attempts in 3 s;")
    assert failure.value.allow_retries is False  # final for the step: Dagster does not retry it


def test_a_publication_call_gets_the_call_budget_or_what_is_left_of_the_publication() -> None:
    roomy = Deadline("youtube", connect=1.0, read=2.0, total=1800.0, call_budget=170.0).call()
    assert (roomy.seconds, roomy.attempt_worst_case) == (170.0, 3.0)
    late = Deadline("youtube", connect=1.0, read=2.0, total=1800.0, call_budget=170.0)
    late.started -= 1795.0
    assert late.call().seconds == pytest.approx(5.0, abs=0.5)
