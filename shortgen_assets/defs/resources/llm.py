"""The LLM capability: the production plan and the trend-report write-up.

`offline` (default) is the deterministic planner and keeps the measured report as it is.
`anthropic` calls the Messages API with forced tool use, so Claude must answer with a tool input
that matches the pydantic model's JSON schema; the reply is validated with pydantic and the
domain checks, one repair round sends the problems back as an error `tool_result`, and a second
invalid reply fails the step. The prompts themselves are built in `domain.prompts`.

Why raw httpx through `resources.http.send` rather than the anthropic SDK: every provider then
shares one retry policy (tenacity: 429, 529 and 5xx with exponential backoff) and one error type
(`ProviderError`), the documented request shape sits in one readable place, and respx records the
exact HTTP exchange; the SDK would bring a second retry layer to disable and its own exceptions to
translate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import httpx
from dagster import ConfigurableResource
from pydantic import BaseModel, Field, ValidationError

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.domain.plan.checks import plan_problems
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.plan.prompts import (
    PLAN_SYSTEM,
    PLAN_TOOL,
    REPORT_SYSTEM,
    REPORT_TOOL,
    plan_prompt,
    report_prompt,
)
from shortgen_assets.domain.schemas import (
    ProductionPlan,
    ProviderUsage,
    Theme,
    TrendItem,
    TrendReport,
)

Model = TypeVar("Model", bound=BaseModel)

ANTHROPIC = "Anthropic"
ANTHROPIC_VERSION = "2023-06-01"
# 403 is a permission problem and 409 a conflict: neither gets better by waiting
ANTHROPIC_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
MEASURED_REPORT_FIELDS = (
    "analysed_count",
    "style_distribution",
    "hook_types",
    "duration_stats",
    "signal",
)
MAX_ERRORS_SENT = 30
# USD per million tokens (input, output), from Anthropic's published pricing
DEFAULT_PRICES = {
    "claude-sonnet-4-5": {"input": 3.0, "output": 15.0},
    "claude-sonnet-4": {"input": 3.0, "output": 15.0},
    "claude-opus-4-5": {"input": 5.0, "output": 25.0},
    "claude-opus-4-1": {"input": 15.0, "output": 75.0},
    "claude-haiku-4-5": {"input": 1.0, "output": 5.0},
    "claude-3-5-haiku": {"input": 0.8, "output": 4.0},
}


def tool_input_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema as a tool `input_schema`: `$defs` inlined (no `$ref` to resolve)
    and `additionalProperties: false` on every object with declared properties, so Claude cannot
    invent fields. Free-form maps (`dict[str, int]`) keep their value schema."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = definitions[node["$ref"].rsplit("/", 1)[-1]]
            return resolve({**target, **{k: v for k, v in node.items() if k != "$ref"}})
        resolved = {key: resolve(value) for key, value in node.items()}
        if resolved.get("type") == "object" and "properties" in resolved:
            resolved["additionalProperties"] = False
        return resolved

    return resolve(schema)


def _validation_problems(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in item['loc']) or '(top level)'}: {item['msg']}"
        for item in error.errors()
    ]


class LLMResource(ConfigurableResource):
    """Writes production plans and trend reports: offline planner or Claude (Messages API)."""

    provider: Literal["offline", "anthropic"] = "offline"
    api_key: str | None = Field(None, description="Anthropic key (ANTHROPIC_API_KEY)")
    model: str = "claude-sonnet-4-5"
    base_url: str = "https://api.anthropic.com"
    max_tokens: int = Field(8192, ge=256)
    timeout_seconds: float = 120.0
    retry_attempts: int = 4
    retry_base_wait: float = 1.0
    prices_usd_per_mtok: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {name: dict(price) for name, price in DEFAULT_PRICES.items()},
        description="model (or model prefix) -> {'input': USD, 'output': USD} per million tokens",
    )

    # --- public API ---------------------------------------------------------------------------

    def plan(self, theme: Theme, report: TrendReport) -> tuple[ProductionPlan, ProviderUsage]:
        """A production plan for `theme` steered by `report`, and what it cost."""
        if self.provider == "offline":
            return build_plan(theme, report), ProviderUsage(
                provider="offline", model="offline-planner"
            )
        return self._structured(
            system=PLAN_SYSTEM,
            prompt=plan_prompt(theme, report),
            tool=PLAN_TOOL,
            description="Submit the complete production plan for the short video.",
            schema=ProductionPlan,
            parse=ProductionPlan.model_validate,
            problems=lambda plan: _plan_problems(plan, theme),
        )

    def refine_report(
        self, items: list[TrendItem], baseline: TrendReport
    ) -> tuple[TrendReport, ProviderUsage]:
        """The trend report written up by the model from the measured `baseline` and the items;
        offline, the baseline itself. Measured statistics always stay the baseline's."""
        if self.provider == "offline":
            return baseline, ProviderUsage(provider="offline", model="offline-analyzer")
        measured = {name: getattr(baseline, name) for name in MEASURED_REPORT_FIELDS}
        return self._structured(
            system=REPORT_SYSTEM,
            prompt=report_prompt(items, baseline),
            tool=REPORT_TOOL,
            description="Submit the finished trend report.",
            schema=TrendReport,
            parse=lambda raw: TrendReport.model_validate(raw).model_copy(update=measured),
            problems=lambda report: _report_problems(report, items),
        )

    # --- Anthropic ----------------------------------------------------------------------------

    def _structured(
        self,
        *,
        system: str,
        prompt: str,
        tool: str,
        description: str,
        schema: type[BaseModel],
        parse: Callable[[Any], Model],
        problems: Callable[[Model], list[str]],
    ) -> tuple[Model, ProviderUsage]:
        """Ask for `tool`'s input; repair once with the problems; fail clearly after that."""
        price = self._price()
        request = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "tools": [
                {
                    "name": tool,
                    "description": description,
                    "input_schema": tool_input_schema(schema),
                },
            ],
            "tool_choice": {"type": "tool", "name": tool},
            "messages": [{"role": "user", "content": prompt}],
        }
        usage = ProviderUsage(provider="anthropic", model=self.model)
        for attempt in (1, 2):
            reply = self._post(request)
            usage = _add_usage(usage, reply, price)
            block = _tool_use(reply, tool, self.max_tokens)
            result, found = _check(block.get("input"), parse, problems)
            if result is not None and not found:
                return result, usage
            if attempt == 1:
                request["messages"] = [
                    *request["messages"],
                    {"role": "assistant", "content": reply["content"]},
                    {"role": "user", "content": _repair_turn(block["id"], tool, found)},
                ]
        raise ProviderError(
            f"{ANTHROPIC}: {self.model} returned an invalid {tool} input twice; problems: "
            f"{'; '.join(found[:10])}. Try again or use a stronger model."
        )

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self.api_key:
            raise ProviderError(
                f"{ANTHROPIC}: no API key; set ANTHROPIC_API_KEY or choose the offline LLM provider"
            )
        headers = {
            "x-api-key": self.api_key,
            "anthropic-version": ANTHROPIC_VERSION,
            "content-type": "application/json",
        }
        with httpx.Client(base_url=self.base_url, timeout=self.timeout_seconds) as client:

            def call() -> httpx.Response:
                response = client.post("/v1/messages", json=body, headers=headers)
                if response.status_code in (401, 403):
                    raise ProviderError(
                        f"{ANTHROPIC}: HTTP {response.status_code}, the key was refused "
                        f"({response.text[:200]}); check ANTHROPIC_API_KEY"
                    )
                return response

            response = send(
                ANTHROPIC,
                call,
                attempts=self.retry_attempts,
                base_wait=self.retry_base_wait,
                retry_status=ANTHROPIC_RETRY_STATUS,
            )
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{ANTHROPIC}: reply is not JSON: {response.text[:200]}") from None

    def _price(self) -> dict[str, float]:
        """Price of `model`: an exact entry, else the longest prefix (dated snapshots)."""
        matches = [name for name in self.prices_usd_per_mtok if self.model.startswith(name)]
        if not matches:
            raise ProviderError(
                f"{ANTHROPIC}: no price for model {self.model!r}; add it to "
                "LLMResource.prices_usd_per_mtok as {'input': USD, 'output': USD} per "
                "million tokens"
            )
        price = self.prices_usd_per_mtok[max(matches, key=len)]
        if set(price) != {"input", "output"}:
            raise ProviderError(
                f"{ANTHROPIC}: price for {self.model!r} must have exactly 'input' and 'output'"
            )
        return price


def _tool_use(reply: dict[str, Any], tool: str, max_tokens: int) -> dict[str, Any]:
    """The reply's call of `tool`, or a clear error for a refusal or a cut-off reply."""
    stop = reply.get("stop_reason")
    text = " ".join(b.get("text", "") for b in reply.get("content", []) if b.get("type") == "text")
    if stop == "refusal":
        raise ProviderError(f"{ANTHROPIC}: the model refused the request: {text[:300]!r}")
    if stop == "max_tokens":
        raise ProviderError(
            f"{ANTHROPIC}: the reply was cut off at max_tokens={max_tokens}; raise "
            "LLMResource.max_tokens"
        )
    for block in reply.get("content", []):
        if block.get("type") == "tool_use" and block.get("name") == tool:
            return block
    raise ProviderError(
        f"{ANTHROPIC}: the model did not call {tool} (stop_reason {stop!r}), treated as a "
        f"refusal: {text[:300]!r}"
    )


def _check(
    raw: Any, parse: Callable[[Any], Model], problems: Callable[[Model], list[str]]
) -> tuple[Model | None, list[str]]:
    try:
        result = parse(raw)
    except ValidationError as error:
        return None, _validation_problems(error)
    return result, problems(result)


def _repair_turn(tool_use_id: str, tool: str, problems: list[str]) -> list[dict[str, Any]]:
    listed = "\n".join(f"- {p}" for p in problems[:MAX_ERRORS_SENT])
    return [
        {
            "type": "tool_result",
            "tool_use_id": tool_use_id,
            "is_error": True,
            "content": f"The input was rejected:\n{listed}",
        },
        {
            "type": "text",
            "text": f"Fix every problem above and call {tool} again with the complete input.",
        },
    ]


def _add_usage(
    usage: ProviderUsage, reply: dict[str, Any], price: dict[str, float]
) -> ProviderUsage:
    counts = reply.get("usage") or {}
    input_tokens = usage.input_tokens + int(counts.get("input_tokens", 0))
    output_tokens = usage.output_tokens + int(counts.get("output_tokens", 0))
    cost = (input_tokens * price["input"] + output_tokens * price["output"]) / 1_000_000
    return usage.model_copy(
        update={
            "model": reply.get("model", usage.model),
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": round(cost, 6),
        }
    )


def _plan_problems(plan: ProductionPlan, theme: Theme) -> list[str]:
    found = [p for problems in plan_problems(plan).values() for p in problems]
    if plan.duration_target != theme.duration_seconds:
        found.append(f"duration_target must be {theme.duration_seconds}")
    return found


def _report_problems(report: TrendReport, items: list[TrendItem]) -> list[str]:
    known = {(item.platform, item.external_id) for item in items}
    clusters = {cluster.cluster_id for cluster in report.clusters}
    found = [
        f"top_trends: {t.platform} {t.external_id} is not one of the analysed videos"
        for t in report.top_trends
        if (t.platform, t.external_id) not in known
    ]
    found += [
        f"recommendations: cluster_id {r.cluster_id} is not a cluster of this report"
        for r in report.recommendations
        if r.cluster_id not in clusters
    ]
    found += [
        f"top_hashtags: write {tag!r} without '#'" for tag in report.top_hashtags if "#" in tag
    ]
    return found
