"""Router aliases over HTTP: a scored prompt goes to ``strong`` above the threshold, else to ``weak``.

The real server loads a stub scorer from the gateway file
(``router.model: tests.integration.stub_scorer:KeywordScorer``) that reads the score from the
prompt, so each test puts its request on the side it wants. Checked on all three doors, whole and
streamed, with the official SDKs; the threshold override; a router as a rule's target; scoring
off the event loop; a failing scorer; and, when the difficulty router is installed, the real one.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.test_rules_http import sim

STUB = "tests.integration.stub_scorer:KeywordScorer"
CONFIG = {
    "routing": {"retries": {"max_attempts": 1}, "router_max_waiting": 2},
    "aliases": {
        "big": {"deployments": [sim("big-dep")]},
        "small": {"deployments": [sim("small-dep", local=True)]},
        "auto": {"router": {"strong": "big", "weak": "small", "model": STUB}},
        "auto-low": {"router": {"strong": "big", "weak": "small", "model": STUB, "threshold": 0.2}},
        "broken": {"router": {"strong": "big", "weak": "small", "model": "tests.integration.stub_scorer:Broken"}},
        "front": {"deployments": [sim("front-dep")], "routes": [{"when": {"has_tools": True}, "to": "auto"}]},
        "plain": {"deployments": [sim("plain-dep")]},
    },
}
HARD, EASY = "Prove it. difficulty=0.9", "Say hi. difficulty=0.1"


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(
        CONFIG, tmp_path_factory.mktemp("router"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_LOG_LEVEL": "info"}
    )
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


@pytest.fixture
def oa(gw: Gateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0)


@pytest.fixture
def an(gw: Gateway) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0)


def test_listed_in_models(oa: openai.OpenAI) -> None:
    assert {"auto", "auto-low", "big", "small"} <= {m.id for m in oa.models.list()}


@pytest.mark.parametrize(
    ("prompt", "side", "deployment", "score"),
    [(HARD, "strong", "big-dep", "0.900"), (EASY, "weak", "small-dep", "0.100")],
)
def test_chat_completions_whole_and_streamed(
    oa: openai.OpenAI, prompt: str, side: str, deployment: str, score: str
) -> None:
    target = deployment.removesuffix("-dep")
    raw = oa.chat.completions.with_raw_response.create(model="auto", messages=[{"role": "user", "content": prompt}])
    assert raw.parse().choices[0].message.content
    assert raw.headers["x-freehold-deployment"] == deployment
    assert raw.headers["x-freehold-route"] == f"{target}; from=auto; router={side}; score={score}; threshold=0.500"
    with oa.chat.completions.with_streaming_response.create(
        model="auto", messages=[{"role": "user", "content": prompt}], stream=True
    ) as resp:
        assert resp.headers["x-freehold-deployment"] == deployment
        assert f"router={side}" in resp.headers["x-freehold-route"]
        assert any("[DONE]" in line for line in resp.iter_lines())


@pytest.mark.parametrize(("prompt", "deployment"), [(HARD, "big-dep"), (EASY, "small-dep")])
def test_responses_door_whole_and_streamed(oa: openai.OpenAI, prompt: str, deployment: str) -> None:
    raw = oa.responses.with_raw_response.create(model="auto", input=prompt)
    assert raw.parse().output_text
    assert raw.headers["x-freehold-deployment"] == deployment
    with oa.responses.with_streaming_response.create(model="auto", input=prompt, stream=True) as resp:
        assert resp.headers["x-freehold-deployment"] == deployment
        assert "router=" in resp.headers["x-freehold-route"]
        assert any("response.completed" in line for line in resp.iter_lines())


@pytest.mark.parametrize(("prompt", "deployment"), [(HARD, "big-dep"), (EASY, "small-dep")])
def test_messages_door_whole_and_streamed(an: anthropic.Anthropic, prompt: str, deployment: str) -> None:
    messages: list[anthropic.types.MessageParam] = [{"role": "user", "content": prompt}]
    raw = an.messages.with_raw_response.create(model="auto", max_tokens=32, messages=messages)
    assert raw.parse().content
    assert raw.headers["x-freehold-deployment"] == deployment
    with an.messages.with_streaming_response.create(
        model="auto", max_tokens=32, messages=messages, stream=True
    ) as resp:
        assert resp.headers["x-freehold-deployment"] == deployment
        assert "router=" in resp.headers["x-freehold-route"]
        assert any("message_stop" in line for line in resp.iter_lines())
    # The SDK's own stream helper reads the events through.
    with an.messages.stream(model="auto", max_tokens=32, messages=messages) as stream:
        assert stream.get_final_message().content


def test_threshold_override(oa: openai.OpenAI) -> None:
    raw = oa.chat.completions.with_raw_response.create(
        model="auto-low", messages=[{"role": "user", "content": "difficulty=0.3"}]
    )
    raw.parse()
    assert raw.headers["x-freehold-route"] == "big; from=auto-low; router=strong; score=0.300; threshold=0.200"


def test_only_the_last_user_message_is_scored(oa: openai.OpenAI) -> None:
    raw = oa.chat.completions.with_raw_response.create(
        model="auto",
        messages=[
            {"role": "system", "content": "difficulty=0.99"},
            {"role": "user", "content": "difficulty=0.95"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "thanks"},
        ],
    )
    raw.parse()
    assert raw.headers["x-freehold-deployment"] == "small-dep"


def test_router_as_a_rule_target(gw: Gateway) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}
    resp = httpx.post(
        gw.base_url + "/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"model": "front", "messages": [{"role": "user", "content": HARD}], "tools": [tool]},
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-freehold-deployment"] == "big-dep"
    assert resp.headers.get_list("x-freehold-route") == [
        'auto; from=front; rule=1; reason="has_tools"',
        "big; from=auto; router=strong; score=0.900; threshold=0.500",
    ]


def test_scoring_does_not_block_other_requests(gw: Gateway) -> None:
    """A scorer that takes 0.6 s runs in a thread: requests to other aliases meanwhile take milliseconds."""

    async def run() -> tuple[float, list[float]]:
        async with httpx.AsyncClient(base_url=gw.base_url, headers={"Authorization": f"Bearer {MASTER_KEY}"}) as c:

            async def timed(model: str, text: str) -> float:
                start = time.perf_counter()
                r = await c.post(
                    "/chat/completions", json={"model": model, "messages": [{"role": "user", "content": text}]}
                )
                assert r.status_code == 200, r.text
                return time.perf_counter() - start

            slow = asyncio.create_task(timed("auto", "sleep=0.6 difficulty=0.9"))
            await asyncio.sleep(0.1)
            quick = [await timed("plain", "hi") for _ in range(5)]
            return await slow, quick

    slow, quick = asyncio.run(run())
    assert slow >= 0.6
    assert max(quick) < 0.3, quick


def test_a_burst_past_the_scoring_queue_goes_to_strong_unscored(gw: Gateway, tmp_path: Path) -> None:
    """With ``routing.router_max_waiting: 2`` prompts already scoring, the next is not queued behind them."""
    marks = [tmp_path / "s1", tmp_path / "s2"]

    async def run() -> tuple[httpx.Response, list[httpx.Response]]:
        async with httpx.AsyncClient(
            base_url=gw.base_url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=20
        ) as c:

            async def ask(text: str) -> httpx.Response:
                return await c.post(
                    "/chat/completions", json={"model": "auto", "messages": [{"role": "user", "content": text}]}
                )

            slow = [asyncio.create_task(ask(f"sleep=3 difficulty=0.1 mark={m}")) for m in marks]
            give_up = time.monotonic() + 2.5
            while not all(m.exists() for m in marks):  # both hold a scoring thread (the stub marks it)
                assert time.monotonic() < give_up, "the two slow prompts never started scoring"
                await asyncio.sleep(0.01)
            probe = await ask("difficulty=0.1")
            assert not any(s.done() for s in slow)  # answered while both threads were held, not after
            return probe, await asyncio.gather(*slow)

    probe, slow = asyncio.run(run())
    assert probe.status_code == 200, probe.text
    assert probe.headers["x-freehold-route"] == 'big; from=auto; router=strong; reason="router busy"'
    assert probe.headers["x-freehold-deployment"] == "big-dep"  # answered at once, by strong, unscored
    assert all(r.headers["x-freehold-deployment"] == "small-dep" for r in slow)  # the two scored ones: weak


def test_a_failing_scorer_sends_to_strong(oa: openai.OpenAI) -> None:
    raw = oa.chat.completions.with_raw_response.create(model="broken", messages=[{"role": "user", "content": "hi"}])
    raw.parse()
    assert raw.headers["x-freehold-route"] == 'big; from=broken; router=strong; reason="scorer failed"'


def test_embeddings_go_to_weak(oa: openai.OpenAI) -> None:
    raw = oa.embeddings.with_raw_response.create(model="auto", input="difficulty=0.9")
    assert raw.parse().data
    assert raw.headers["x-freehold-deployment"] == "small-dep"
    assert raw.headers["x-freehold-route"] == 'small; from=auto; router=weak; reason="embeddings"'


def test_the_log_line_names_the_decision(gw: Gateway, oa: openai.OpenAI) -> None:
    raw = oa.chat.completions.with_raw_response.create(model="auto", messages=[{"role": "user", "content": HARD}])
    raw.parse()
    rid = raw.headers["x-request-id"]
    deadline = time.monotonic() + 5
    while f"request {rid}: routed auto → big (router: strong, score=0.900; threshold=0.500)" not in gw.log():
        assert time.monotonic() < deadline, gw.log()[-2000:]
        time.sleep(0.05)


@pytest.mark.skipif(
    importlib.util.find_spec("freehold.routing.difficulty") is None,
    reason="freehold.routing.difficulty (the trained difficulty router) is not in this tree yet",
)
def test_the_default_router(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The shipped router over HTTP: a hard prompt and an easy one get scores on either side of its threshold."""
    config = {"aliases": {**CONFIG["aliases"], "auto": {"router": {"strong": "big", "weak": "small"}}}}  # type: ignore[dict-item]
    g = start_gateway(config, tmp_path_factory.mktemp("default-router"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    try:
        c = openai.OpenAI(base_url=g.base_url, api_key=MASTER_KEY, max_retries=0)
        routes = {}
        for prompt in (
            "What is 2 + 2?",
            "Let G be a finite group of order p^2 q for distinct primes p, q. Prove that G is solvable, and "
            "determine the number of Sylow p-subgroups in terms of p and q.",
        ):
            raw = c.chat.completions.with_raw_response.create(
                model="auto", messages=[{"role": "user", "content": prompt}]
            )
            raw.parse()
            routes[prompt] = raw.headers["x-freehold-route"]
        assert all("score=" in r and "threshold=" in r for r in routes.values()), routes
        scores = [float(r.split("score=")[1].split(";")[0]) for r in routes.values()]
        assert scores[0] < scores[1], routes
    finally:
        stop_gateway(g.process)
