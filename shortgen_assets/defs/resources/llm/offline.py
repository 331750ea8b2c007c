"""The offline LLM vendor: the deterministic planner, and the measured report kept as it is."""

from __future__ import annotations

from typing import ClassVar

from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.schemas import (
    ProductionPlan,
    ProviderUsage,
    Theme,
    TrendItem,
    TrendReport,
)


class OfflineLLM(LLMResource):
    """No key, no network, no cost: plans built by rules from the theme and the report."""

    provider: ClassVar[str] = "offline"

    def plan(
        self, theme: Theme, report: TrendReport, job_id: int = 0
    ) -> tuple[ProductionPlan, ProviderUsage]:
        plan = build_plan(theme, report, job_id)
        return plan, ProviderUsage(provider="offline", model="offline-planner")

    def refine_report(
        self, items: list[TrendItem], baseline: TrendReport
    ) -> tuple[TrendReport, ProviderUsage]:
        return baseline, ProviderUsage(provider="offline", model="offline-analyzer")
