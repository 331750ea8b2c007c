"""LLM vendors: the offline planner, and Claude through the anthropic SDK against recorded HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import jsonschema
import pytest
import respx

from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.defs.resources.llm import LLMResource
from shortgen_assets.defs.resources.llm.anthropic import AnthropicLLM, tool_input_schema
from shortgen_assets.defs.resources.llm.offline import OfflineLLM
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.schemas import ProductionPlan, TrendItem, TrendReport
from shortgen_assets_tests.defs.resources.respx_httpx2 import HTTPX2Mocker
from shortgen_assets_tests.domain.plan.test_planning import make_report, make_theme

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anthropic"
BASE_URL = "https://api.anthropic.com"


def recorded(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=json.loads((FIXTURES / name).read_text()))


def tool_input(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())["content"][0]["input"]


def claude(**overrides: Any) -> AnthropicLLM:
    fields: dict[str, Any] = {"api_key": "sk-ant-test", "retry_attempts": 3, "retry_base_wait": 0.0}
    return AnthropicLLM(**{**fields, **overrides})


@pytest.fixture
def messages_api() -> Iterator[respx.Route]:
    """The Messages API as the SDK reaches it (through httpx2), recorded by respx."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False, using=HTTPX2Mocker.name) as mock:
        yield mock.post("/v1/messages")


def sent(route: respx.Route, index: int) -> dict[str, Any]:
    return json.loads(route.calls[index].request.content)


THEME = make_theme(duration_seconds=20)
REPORT = make_report()


# --- offline -------------------------------------------------------------------------------------


def test_offline_plan_is_the_deterministic_planner_at_no_cost() -> None:
    plan, usage = OfflineLLM().plan(THEME, REPORT)
    assert plan == build_plan(THEME, REPORT)
    assert (usage.provider, usage.model, usage.cost_usd) == ("offline", "offline-planner", 0.0)


def test_offline_report_is_the_baseline_unchanged() -> None:
    report, usage = OfflineLLM().refine_report(ITEMS, REPORT)
    assert report is REPORT
    assert (usage.provider, usage.cost_usd, usage.input_tokens) == ("offline", 0.0, 0)


# --- tool schema ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [ProductionPlan, TrendReport])
def test_tool_schema_is_valid_json_schema_without_refs_or_extra_fields(model: type) -> None:
    schema = tool_input_schema(model)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and "$defs" not in schema
    assert "$ref" not in json.dumps(schema)

    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for node in objects(schema):
        if "properties" in node:
            assert node["additionalProperties"] is False
        else:  # a free-form map such as style_distribution keeps its value schema
            assert node["additionalProperties"] == {"type": "integer"}


def test_tool_schema_accepts_good_plans_and_rejects_invented_fields() -> None:
    validator = jsonschema.Draft202012Validator(tool_input_schema(ProductionPlan))
    validator.validate(tool_input("plan_valid.json"))
    validator.validate(build_plan(THEME, REPORT).model_dump(mode="json"))
    invented = {**tool_input("plan_valid.json"), "mood_board": "x"}
    assert not validator.is_valid(invented)
    scene_extra = tool_input("plan_valid.json")
    scene_extra["scenes"][0]["camera"] = "drone"
    assert not validator.is_valid(scene_extra)


# --- plan with Claude ----------------------------------------------------------------------------


def test_valid_reply_becomes_the_plan_with_tokens_and_cost(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("plan_valid.json"))
    plan, usage = claude().plan(THEME, REPORT)

    assert plan == ProductionPlan.model_validate(tool_input("plan_valid.json"))
    assert (usage.provider, usage.model) == ("anthropic", "claude-sonnet-4-5-20250929")
    assert (usage.input_tokens, usage.output_tokens) == (1843, 712)
    assert usage.cost_usd == pytest.approx((1843 * 3 + 712 * 15) / 1e6)

    request = messages_api.calls[0].request
    assert request.headers["authorization"] == "Bearer sk-ant-test"
    assert request.headers["anthropic-version"]  # the SDK's API version
    assert request.headers["x-stainless-retry-count"] == "0"  # the shared policy retries
    body = sent(messages_api, 0)
    assert body["model"] == "claude-sonnet-4-5"
    assert body["tool_choice"] == {"type": "tool", "name": "submit_production_plan"}
    assert body["tools"][0]["input_schema"] == tool_input_schema(ProductionPlan)
    prompt = body["messages"][0]["content"]
    assert "RocketNotes" in prompt and "sum to exactly 20 s" in prompt and "40-64 words" in prompt


def test_invalid_reply_is_repaired_once(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=[recorded("plan_invalid.json"), recorded("plan_valid.json")])
    plan, usage = claude().plan(THEME, REPORT)

    assert plan.cta_text == "Download RocketNotes free today."
    assert (usage.input_tokens, usage.output_tokens) == (1843 * 2, 498 + 712)
    repair = sent(messages_api, 1)["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert (
        repair[1]["content"] == json.loads((FIXTURES / "plan_invalid.json").read_text())["content"]
    )
    result = repair[2]["content"][0]
    assert result["type"] == "tool_result" and result["is_error"] is True
    assert result["tool_use_id"] == "toolu_01Xk3pJr7Wv2nTq9bHs4cM8d"
    assert "cta_text: Field required" in result["content"]


def test_semantic_problems_are_sent_back_too(messages_api: respx.Route) -> None:
    wrong_sum = tool_input("plan_valid.json")
    wrong_sum["scenes"] = wrong_sum["scenes"][:2]
    reply = json.loads((FIXTURES / "plan_valid.json").read_text())
    reply["content"][0]["input"] = wrong_sum
    messages_api.mock(side_effect=[httpx.Response(200, json=reply), recorded("plan_valid.json")])
    claude().plan(THEME, REPORT)
    feedback = sent(messages_api, 1)["messages"][2]["content"][0]["content"]
    assert "scene durations sum to 10.00 s but the target is 20.00 s" in feedback


def test_invalid_twice_fails_clearly(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=[recorded("plan_invalid.json"), recorded("plan_invalid.json")])
    with pytest.raises(ProviderError, match="invalid submit_production_plan input twice"):
        claude().plan(THEME, REPORT)
    assert messages_api.call_count == 2


def test_refusal_fails_clearly(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("plan_refusal.json"))
    with pytest.raises(ProviderError, match=r"refused.*can.t help"):
        claude().plan(THEME, REPORT)


def test_reply_without_tool_call_is_a_refusal(messages_api: respx.Route) -> None:
    reply = json.loads((FIXTURES / "plan_refusal.json").read_text()) | {"stop_reason": "end_turn"}
    messages_api.mock(return_value=httpx.Response(200, json=reply))
    with pytest.raises(ProviderError, match="did not call submit_production_plan"):
        claude().plan(THEME, REPORT)


def test_cut_off_reply_names_max_tokens(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("plan_cut_off.json"))
    with pytest.raises(ProviderError, match="max_tokens=8192"):
        claude().plan(THEME, REPORT)


@pytest.mark.parametrize(("status", "body"), [(429, "error_429.json"), (529, "error_529.json")])
def test_rate_limit_and_overload_are_retried(
    messages_api: respx.Route, status: int, body: str
) -> None:
    messages_api.mock(side_effect=[recorded(body, status), recorded("plan_valid.json")])
    plan, _ = claude().plan(THEME, REPORT)
    assert plan.title.startswith("RocketNotes")
    assert messages_api.call_count == 2


def test_server_error_fails_after_retries(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("error_500.json", 500))
    with pytest.raises(ProviderError, match=r"Anthropic: HTTP 500 after retries.*api_error"):
        claude(retry_attempts=3).plan(THEME, REPORT)
    assert messages_api.call_count == 3


def test_timeouts_are_retried_then_fail_clearly(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(ProviderError, match="Anthropic: timed out after retries"):
        claude(retry_attempts=2).plan(THEME, REPORT)
    assert messages_api.call_count == 2


def test_lost_connections_are_retried_then_fail_clearly(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(ProviderError, match=r"Anthropic: unreachable after retries.*refused"):
        claude(retry_attempts=2).plan(THEME, REPORT)
    assert messages_api.call_count == 2


def test_refused_key_fails_at_once(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("error_401.json", 401))
    with pytest.raises(ProviderError, match=r"HTTP 401.*ANTHROPIC_API_KEY"):
        claude().plan(THEME, REPORT)
    assert messages_api.call_count == 1


def test_missing_key_names_the_variable(messages_api: respx.Route) -> None:
    with pytest.raises(ProviderError, match="ANTHROPIC_API_KEY"):
        claude(api_key="").plan(THEME, REPORT)
    assert messages_api.call_count == 0


def test_price_table_matches_snapshots_and_is_configurable(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("plan_valid.json"))
    custom = {"claude-sonnet-4-5-2025": {"input": 1.0, "output": 2.0}}
    _, usage = claude(model="claude-sonnet-4-5-20250929", prices_usd_per_mtok=custom).plan(
        THEME, REPORT
    )
    assert usage.cost_usd == pytest.approx((1843 * 1 + 712 * 2) / 1e6)
    with pytest.raises(ProviderError, match="no price for model 'gpt-x'"):
        claude(model="gpt-x").plan(THEME, REPORT)


# --- trend report with Claude --------------------------------------------------------------------

ITEMS = [
    TrendItem(
        platform=platform,
        external_id=external_id,
        source="sample",
        title=title,
        hashtags=["studytok", "productivity"],
        views=views,
        likes=views // 12,
        comments=views // 300,
        shares=views // 150,
        duration_seconds=seconds,
        posted_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
    )
    for platform, external_id, title, views, seconds in [
        ("tiktok", "7301", "Why nobody told me this study trick sooner?", 1_840_000, 24),
        ("youtube", "dQw4", "POV: your planner finally works", 920_000, 31),
        ("tiktok", "7302", "My 5am routine for exam season", 310_000, 45),
    ]
]


def test_report_reply_is_validated_and_keeps_measured_statistics(
    messages_api: respx.Route,
) -> None:
    messages_api.mock(return_value=recorded("report_valid.json"))
    report, usage = claude().refine_report(ITEMS, REPORT)

    assert report.clusters[0].label == "Exam-season study hacks"
    assert report.analysed_count == REPORT.analysed_count  # the reply said 31
    assert report.duration_stats == REPORT.duration_stats
    assert (usage.input_tokens, usage.output_tokens) == (2950, 1104)
    assert usage.cost_usd == pytest.approx((2950 * 3 + 1104 * 15) / 1e6)
    body = sent(messages_api, 0)
    assert body["tool_choice"] == {"type": "tool", "name": "submit_trend_report"}
    assert '"id": "dQw4"' in body["messages"][0]["content"]


def test_invalid_report_is_repaired(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=[recorded("report_invalid.json"), recorded("report_valid.json")])
    report, usage = claude().refine_report(ITEMS, REPORT)

    assert report.recommended_duration_seconds == 28
    assert usage.output_tokens == 1088 + 1104
    feedback = sent(messages_api, 1)["messages"][2]["content"][0]
    assert feedback["is_error"] is True
    assert "recommended_duration_seconds" in feedback["content"]


def test_hallucinated_trends_are_sent_back(messages_api: respx.Route) -> None:
    reply = json.loads((FIXTURES / "report_invalid.json").read_text())
    reply["content"][0]["input"]["recommended_duration_seconds"] = 30  # schema-valid now
    messages_api.mock(side_effect=[httpx.Response(200, json=reply), recorded("report_valid.json")])
    claude().refine_report(ITEMS, REPORT)
    feedback = sent(messages_api, 1)["messages"][2]["content"][0]["content"]
    assert "tiktok 9999 is not one of the analysed videos" in feedback
    assert "cluster_id 7 is not a cluster" in feedback


def test_report_rate_limit_then_success(messages_api: respx.Route) -> None:
    messages_api.mock(side_effect=[recorded("error_429.json", 429), recorded("report_valid.json")])
    report, _ = claude().refine_report(ITEMS, REPORT)
    assert report.summary.startswith("Study-hack")
    assert messages_api.call_count == 2


def test_report_server_error_fails(messages_api: respx.Route) -> None:
    messages_api.mock(return_value=recorded("error_500.json", 500))
    with pytest.raises(ProviderError, match="HTTP 500"):
        claude(retry_attempts=2).refine_report(ITEMS, REPORT)
    assert messages_api.call_count == 2


def test_resource_configures_and_runs_inside_dagster() -> None:
    @dg.asset
    def plan_title(llm: LLMResource) -> str:
        return llm.plan(THEME, REPORT)[0].title

    result = dg.materialize(
        [plan_title],
        resources={"llm": OfflineLLM()},
    )
    assert result.success
    assert result.output_for_node("plan_title") == build_plan(THEME, REPORT).title
