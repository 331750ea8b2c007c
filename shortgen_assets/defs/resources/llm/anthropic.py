"""Claude through the `anthropic` SDK: typed messages, forced tool use for structured output.

Claude must answer by calling a tool whose `input_schema` is the pydantic model's JSON schema; the
input is validated with pydantic and the domain checks, one repair round sends the problems back
as an error `tool_result`, and a second invalid reply fails the step. The SDK's own retries are
off (`max_retries=0`): a rate limit, overload, server error or timeout goes through the shared
policy in `resources.http` (tenacity, then a `ProviderError`), like every other vendor. The SDK is
imported when Claude is first called, so loading the definitions does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, Field, ValidationError

from shortgen_assets.defs.resources.http import (
    HttpVendor,
    ProviderError,
    RetryableStatus,
    Unreachable,
    rejected_key,
    require_key,
)
from shortgen_assets.defs.resources.llm import MEASURED_REPORT_FIELDS, LLMResource
from shortgen_assets.domain.plan.checks import plan_problems
from shortgen_assets.domain.plan.prompts import (
    PLAN_SYSTEM,
    PLAN_TOOL,
    REPORT_SYSTEM,
    REPORT_TOOL,
    plan_prompt,
    report_prompt,
)
from shortgen_assets.domain.plan.speakable import speakable_problems
from shortgen_assets.domain.schemas import (
    ProductionPlan,
    ProviderUsage,
    Theme,
    TrendItem,
    TrendReport,
)

if TYPE_CHECKING:
    from anthropic import Anthropic
    from anthropic.types import Message, MessageParam, ToolUseBlock

Model = TypeVar("Model", bound=BaseModel)

ANTHROPIC = "Anthropic"
KEY_ENV = "ANTHROPIC_API_KEY"
# 403 is a permission problem and 409 a conflict: neither gets better by waiting
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
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


class AnthropicLLM(LLMResource, HttpVendor):
    """Claude (Messages API); `api_key` comes from ANTHROPIC_API_KEY."""

    provider: ClassVar[str] = "anthropic"
    api_key: str = Field(description=KEY_ENV)
    model: str = "claude-sonnet-4-5"
    base_url: str = "https://api.anthropic.com"
    max_tokens: int = Field(8192, ge=256)
    timeout_seconds: float = Field(120.0, gt=0, description="read timeout of one request")
    prices_usd_per_mtok: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {name: dict(price) for name, price in DEFAULT_PRICES.items()},
        description="model (or model prefix) -> {'input': USD, 'output': USD} per million tokens",
    )

    def plan(
        self, theme: Theme, report: TrendReport, job_id: int = 0
    ) -> tuple[ProductionPlan, ProviderUsage]:
        return self._structured(
            system=PLAN_SYSTEM,
            prompt=plan_prompt(theme, report, job_id),
            tool=PLAN_TOOL,
            description="Submit the complete production plan for the short video.",
            schema=ProductionPlan,
            parse=ProductionPlan.model_validate,
            problems=lambda plan: _plan_problems(plan, theme),
        )

    def refine_report(
        self, items: list[TrendItem], baseline: TrendReport
    ) -> tuple[TrendReport, ProviderUsage]:
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
        require_key(ANTHROPIC, self.api_key, KEY_ENV)
        messages: list[MessageParam] = [{"role": "user", "content": prompt}]
        usage = ProviderUsage(provider=self.provider, model=self.model)
        with self._client() as client:
            for attempt in (1, 2):
                reply = self._create(
                    client,
                    system=system,
                    tools=[
                        {
                            "name": tool,
                            "description": description,
                            "input_schema": tool_input_schema(schema),
                        }
                    ],
                    tool_choice={"type": "tool", "name": tool},
                    messages=messages,
                )
                usage = _add_usage(usage, reply, price)
                block = _tool_use(reply, tool, self.max_tokens)
                result, found = _check(block.input, parse, problems)
                if result is not None and not found:
                    return result, usage
                if attempt == 1:
                    messages = [
                        *messages,
                        {"role": "assistant", "content": reply.content},
                        {"role": "user", "content": _repair_turn(block.id, tool, found)},
                    ]
        raise ProviderError(
            f"{ANTHROPIC}: {self.model} returned an invalid {tool} input twice; problems: "
            f"{'; '.join(found[:10])}. Try again or use a stronger model."
        )

    def _client(self) -> Anthropic:
        import anthropic

        connect, read = self.attempt_timeouts()
        timeout = anthropic.Timeout(read, connect=connect)
        return anthropic.Anthropic(
            api_key=self.api_key, base_url=self.base_url, max_retries=0, timeout=timeout
        )

    def _create(self, client: Anthropic, **request: Any) -> Message:
        """One Messages API call under the shared retry policy."""
        import anthropic

        def call() -> Message:
            try:
                return client.messages.create(
                    model=self.model, max_tokens=self.max_tokens, **request
                )
            except anthropic.APIStatusError as exc:
                raise _status_failure(exc) from None
            except anthropic.APIConnectionError as exc:
                timed_out = isinstance(exc, anthropic.APITimeoutError)
                raise Unreachable(str(exc.__cause__ or exc), timed_out=timed_out) from None

        return self.retry(ANTHROPIC, call)

    def _price(self) -> dict[str, float]:
        """Price of `model`: an exact entry, else the longest prefix (dated snapshots)."""
        matches = [name for name in self.prices_usd_per_mtok if self.model.startswith(name)]
        if not matches:
            raise ProviderError(
                f"{ANTHROPIC}: no price for model {self.model!r}; add it to "
                "AnthropicLLM.prices_usd_per_mtok as {'input': USD, 'output': USD} per "
                "million tokens"
            )
        price = self.prices_usd_per_mtok[max(matches, key=len)]
        if set(price) != {"input", "output"}:
            raise ProviderError(
                f"{ANTHROPIC}: price for {self.model!r} must have exactly 'input' and 'output'"
            )
        return price


def _status_failure(exc: Any) -> Exception:
    """What an HTTP error from the SDK means for the retry policy (`exc`: APIStatusError)."""
    status, body = exc.status_code, exc.response.text[:300]
    if status in (401, 403):
        return rejected_key(ANTHROPIC, status, body, KEY_ENV)
    if status in RETRY_STATUS:
        return RetryableStatus(status, body)
    return ProviderError(f"{ANTHROPIC}: HTTP {status}: {body}")


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


def _tool_use(reply: Message, tool: str, max_tokens: int) -> ToolUseBlock:
    """The reply's call of `tool`, or a clear error for a refusal or a cut-off reply."""
    text = " ".join(block.text for block in reply.content if block.type == "text")
    if reply.stop_reason == "refusal":
        raise ProviderError(f"{ANTHROPIC}: the model refused the request: {text[:300]!r}")
    if reply.stop_reason == "max_tokens":
        raise ProviderError(
            f"{ANTHROPIC}: the reply was cut off at max_tokens={max_tokens}; raise "
            "AnthropicLLM.max_tokens"
        )
    for block in reply.content:
        if block.type == "tool_use" and block.name == tool:
            return block
    raise ProviderError(
        f"{ANTHROPIC}: the model did not call {tool} (stop_reason {reply.stop_reason!r}), "
        f"treated as a refusal: {text[:300]!r}"
    )


def _check(
    raw: Any, parse: Callable[[Any], Model], problems: Callable[[Model], list[str]]
) -> tuple[Model | None, list[str]]:
    try:
        result = parse(raw)
    except ValidationError as error:
        return None, [
            f"{'.'.join(str(part) for part in item['loc']) or '(top level)'}: {item['msg']}"
            for item in error.errors()
        ]
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


def _add_usage(usage: ProviderUsage, reply: Message, price: dict[str, float]) -> ProviderUsage:
    """Tokens of every call so far (a repair round is billed too) and their cost."""
    input_tokens = usage.input_tokens + reply.usage.input_tokens
    output_tokens = usage.output_tokens + reply.usage.output_tokens
    cost = (input_tokens * price["input"] + output_tokens * price["output"]) / 1_000_000
    return usage.model_copy(
        update={
            "model": reply.model,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": round(cost, 6),
        }
    )


def _plan_problems(plan: ProductionPlan, theme: Theme) -> list[str]:
    found = [p for problems in plan_problems(plan).values() for p in problems]
    found.extend(speakable_problems(plan, theme))
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
