"""Check rules with figures: how far a narration may miss its target."""

from __future__ import annotations

import pytest

from shortgen_assets.defs.checks import voiceover_fits


@pytest.mark.parametrize(
    ("seconds", "target", "passed"),
    [(9.0, 10.0, True), (8.9, 10.0, False), (33.1, 30.0, False), (27.1, 30.0, True)],
)
def test_briefs_of_10_s_and_more_hold_ten_percent(seconds: float, target: float, passed: bool):
    assert voiceover_fits(seconds, target).passed is passed


def test_a_brief_under_10_s_may_miss_by_a_second_and_a_half() -> None:
    assert voiceover_fits(3.99, 5.0).passed
    result = voiceover_fits(3.4, 5.0)
    assert not result.passed
    assert result.description == "voiceover lasts 3.40 s, outside 3.50-6.50 s for 5 s"
