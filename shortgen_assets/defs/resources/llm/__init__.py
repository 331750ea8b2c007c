"""The LLM capability: the production plan and the trend-report write-up.

Each vendor is its own module here; the prompts live in `domain.plan.prompts` and the checks a
plan or report must pass in `domain.plan.checks`, so every vendor is held to the same rules.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from dagster import ConfigurableResource

from shortgen_assets.domain.schemas import (
    ProductionPlan,
    ProviderUsage,
    Theme,
    TrendItem,
    TrendReport,
)

# what the analysis measured; a vendor's write-up never replaces these
MEASURED_REPORT_FIELDS = (
    "analysed_count",
    "style_distribution",
    "hook_types",
    "duration_stats",
    "signal",
)


class LLMResource(ConfigurableResource):
    """Writes production plans and trend reports; `provider` names the vendor."""

    provider: ClassVar[str]

    @abstractmethod
    def plan(
        self, theme: Theme, report: TrendReport, job_id: int = 0
    ) -> tuple[ProductionPlan, ProviderUsage]:
        """A production plan for `theme` steered by `report` for job `job_id` (each job of a
        theme gets its own video), and what it cost."""

    @abstractmethod
    def refine_report(
        self, items: list[TrendItem], baseline: TrendReport
    ) -> tuple[TrendReport, ProviderUsage]:
        """The trend report written up from the measured `baseline` and the items it measured;
        the measured statistics (MEASURED_REPORT_FIELDS) always stay the baseline's."""
