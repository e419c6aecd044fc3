"""The routing stage without a server: rule order, lazy facts, chains, the router, and scorer loading."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from freehold.config.load import parse_config
from freehold.context import Principal, RequestContext
from freehold.governance.model import Key, Team
from freehold.routing.rules import RoutingStage, build_plans, load_scorer
from freehold.routing.signals import BudgetShares, prompt_text
from freehold.schemas.chat import ChatRequest

SIM = {"provider": "simulated", "model": "sim"}


class Fixed:
    def __init__(self, value: float, threshold: float = 0.5) -> None:
        self.value, self.threshold, self.seen = value, threshold, []

    def score(self, prompt: str) -> float:
        self.seen.append(prompt)
        return self.value


def stage(specs: dict[str, Any], scorer: Fixed | None = None, shares: BudgetShares | None = None) -> RoutingStage:
    cfg = parse_config({"aliases": {"a": {"deployments": [SIM]}, "b": {"deployments": [SIM]}, **specs}})
    return RoutingStage(build_plans(cfg, load=lambda _: scorer or Fixed(0.0)), shares)


def run(st: RoutingStage, body: dict[str, Any], ctx: RequestContext | None = None) -> tuple[str, RequestContext]:
    ctx = ctx or RequestContext("chat_completions", "chat")
    request = ChatRequest(body, body["model"], False)
    asyncio.run(st.before(ctx, request))
    return request.model, ctx


def body(text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"model": "r", "messages": [{"role": "user", "content": text}], **extra}


def test_first_match_wins_and_every_hop_is_recorded() -> None:
    st = stage(
        {
            "r": {
                "deployments": [SIM],
                "routes": [
                    {"when": {"prompt_tokens_over": 10}, "to": "a"},
                    {"when": {"prompt_tokens_over": 5}, "to": "b"},
                ],
            }
        }
    )
    target, ctx = run(st, body("x" * 100))
    assert target == "a"
    assert ctx.decisions is not None and ctx.decisions[0].action == "r → a"
    assert run(st, body("x" * 20))[0] == "b"  # 9 estimated tokens
    target, ctx = run(st, body("x"))
    assert target == "r"
    assert ctx.headers == [(b"x-freehold-route", b"r; from=r; rule=none")]


def test_budget_share_is_read_only_when_cheaper_conditions_hold_and_is_cached() -> None:
    reads: list[str] = []

    async def reader(key: Key, team: Team | None) -> float | None:
        reads.append(key.id)
        return 0.9

    st = stage(
        {"r": {"deployments": [SIM], "routes": [{"when": {"has_tools": True, "budget_used_over": 0.8}, "to": "a"}]}},
        shares=BudgetShares(reader, ttl=60),
    )
    key = Key("key_1", "k", "h", "1234")
    ctx = RequestContext("chat_completions", "chat", principal=Principal("key_1", "key", key=key))
    assert run(st, body(), ctx)[0] == "r"
    assert reads == []  # no tools: the share was never asked
    tools = [{"type": "function", "function": {"name": "f"}}]
    for _ in range(3):
        ctx = RequestContext("chat_completions", "chat", principal=Principal("key_1", "key", key=key))
        assert run(st, body(tools=tools), ctx)[0] == "a"
    assert reads == ["key_1"]  # cached


def test_router_scores_the_last_user_message_and_chains() -> None:
    scorer = Fixed(0.7)
    st = stage(
        {
            "auto": {"router": {"strong": "a", "weak": "b"}},
            "r": {"deployments": [SIM], "routes": [{"when": {"has_tools": False}, "to": "auto"}]},
        },
        scorer,
    )
    target, ctx = run(
        st, {"model": "r", "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "q"}]}
    )
    assert target == "a"
    assert scorer.seen == ["q"]
    assert [v for _, v in ctx.headers or []] == [
        b'auto; from=r; rule=1; reason="not has_tools"',
        b"a; from=auto; router=strong; score=0.700; threshold=0.500",
    ]


def test_headers_are_printable_ascii() -> None:
    st = stage({"r": {"deployments": [SIM], "routes": [{"when": {"teams": ['équipe"x']}, "to": "a"}]}})
    team = Team("team_1", 'équipe"x')
    key = Key("key_1", "k", "h", "1234", team_id="team_1")
    ctx = RequestContext("chat_completions", "chat", principal=Principal("key_1", "key", key=key, team=team))
    target, ctx = run(st, body(), ctx)
    assert target == "a"
    assert ctx.headers == [(b"x-freehold-route", b'a; from=r; rule=1; reason="teams=?quipe?x"')]


def test_prompt_text() -> None:
    assert (
        prompt_text(
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "a"},
                            {"type": "image_url"},
                            {"type": "text", "text": "b"},
                        ],
                    }
                ]
            }
        )
        == "a\nb"
    )
    assert prompt_text({"messages": [{"role": "user", "content": "x" * 10_000}]}) == "x" * 8000
    assert prompt_text({"messages": []}) == ""


def test_load_scorer_errors() -> None:
    with pytest.raises(ValueError, match="cannot load 'no.such.module:Thing'"):
        load_scorer("no.such.module:Thing")
    with pytest.raises(ValueError, match="failed to build a scorer"):
        load_scorer("os.path:join")
    with pytest.raises(ValueError, match="did not give a scorer"):
        load_scorer("os.path:sep")
    assert load_scorer("tests.integration.stub_scorer:KeywordScorer").score("difficulty=0.25") == 0.25


def test_missing_difficulty_module_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> Any:
        if name == "freehold.routing.difficulty":
            raise ImportError("No module named 'freehold.routing.difficulty'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(ValueError, match=r"pip install 'freehold\[router\]'"):
        load_scorer("default")


def test_a_score_that_is_not_a_number_sends_to_strong() -> None:
    st = stage({"auto": {"router": {"strong": "a", "weak": "b"}}}, Fixed(float("nan")))
    target, ctx = run(st, {"model": "auto", "messages": [{"role": "user", "content": "q"}]})
    assert target == "a"
    assert ctx.headers == [(b"x-freehold-route", b'a; from=auto; router=strong; reason="scorer failed"')]


def test_a_router_that_cannot_run_fails_at_load_not_on_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the extra's weights the model loads lazily; load_scorer scores once so start-up says so."""
    pytest.importorskip("numpy", reason="the router extra")
    from freehold.routing import difficulty

    def missing(self: object, prompt: str) -> float:
        raise ImportError("No module named 'safetensors'; install the 'router' extra")

    monkeypatch.setattr(difficulty.DifficultyRouter, "score", missing)
    with pytest.raises(ValueError, match="cannot run router 'default': No module named 'safetensors'"):
        load_scorer("default")


def test_a_burst_beyond_the_routers_queue_goes_to_strong_unscored() -> None:
    """Prompts past ``routing.router_max_waiting`` do not wait for the scorer's threads: they go to strong at once."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    waiting = 8
    release = threading.Event()

    class Slow(Fixed):
        def score(self, prompt: str) -> float:
            release.wait(5)
            return super().score(prompt)

    scorer = Slow(0.0)  # weak, once scored
    cfg = parse_config({"routing": {"router_max_waiting": waiting},
                        "aliases": {"a": {"deployments": [SIM]}, "b": {"deployments": [SIM]},
                                    "auto": {"router": {"strong": "a", "weak": "b"}}}})  # fmt: skip
    with ThreadPoolExecutor(max_workers=1) as pool:
        plans = build_plans(cfg, load=lambda _: scorer)
        st = RoutingStage(plans, executor=pool, max_waiting=cfg.routing.router_max_waiting)

        async def burst() -> list[tuple[str, RequestContext]]:
            async def one() -> tuple[str, RequestContext]:
                ctx = RequestContext("chat_completions", "chat")
                request = ChatRequest(body(model="auto"), "auto", False)
                await st.before(ctx, request)
                return request.model, ctx

            tasks = [asyncio.ensure_future(one()) for _ in range(waiting + 5)]
            for _ in range(200):  # until the overflow has answered, while the scorer still holds the rest
                await asyncio.sleep(0.01)
                if sum(t.done() for t in tasks) >= 5:
                    break
            assert sum(t.done() for t in tasks) == 5
            release.set()
            return await asyncio.gather(*tasks)

        results = asyncio.run(burst())
    targets = [t for t, _ in results]
    assert targets.count("a") == 5 and targets.count("b") == waiting
    busy = [ctx for t, ctx in results if t == "a"]
    assert all(b'reason="router busy"' in ctx.headers[0][1] for ctx in busy if ctx.headers)
