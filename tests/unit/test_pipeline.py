"""Stages in isolation: which hooks run, in which order, for which alias; the gateway-owned stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from freehold.config.load import parse_config
from freehold.config.routing import BreakerPolicy, RoutingDefaults
from freehold.context import RequestContext
from freehold.errors import ConfigError, InvalidRequest, LocalOnlyUnavailable, ProviderUnavailable
from freehold.gateway import Gateway
from freehold.pipeline import Pipeline, Stage, Stages, load_stage
from freehold.providers.base import Capabilities, Completion, StreamResponse
from freehold.routing.events import NullObserver
from freehold.routing.resilience import Engine
from freehold.routing.router import Candidate, Router
from freehold.schemas.chat import ChatRequest
from freehold.stores.breakers import MemoryBreakers
from freehold.stores.quota import QuotaTracker
from freehold.streaming import AnswerStream
from freehold.transport.sse import DONE, encode_event

# --- stages that write down what they saw --------------------------------------------------------------

Log = list[tuple[str, str]]
SIMULATED = {"provider": "simulated", "model": "s"}


class Before(Stage):
    def __init__(self, log: Log, tag: str) -> None:
        self.log, self.tag = log, tag

    async def before(self, ctx: RequestContext, request: Any) -> None:
        self.log.append(("before", self.tag))
        request.body["messages"][0]["content"] += f"+{self.tag}"


class After(Stage):
    def __init__(self, log: Log, tag: str) -> None:
        self.log, self.tag = log, tag

    async def after(self, ctx: RequestContext, answer: Any) -> None:
        self.log.append(("after", self.tag))


class Suffix(Stage):
    """Appends its tag to every text delta; holds nothing."""

    def __init__(self, tag: str, ends: list[str] | None = None) -> None:
        self.tag, self.ends = tag, ends

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        for choice in chunk.get("choices", []):
            if "content" in choice.get("delta", {}):
                choice["delta"]["content"] += self.tag
        return [chunk]

    def on_end(self, ctx: RequestContext, ending: Any) -> list[dict[str, Any]]:
        if self.ends is not None:
            self.ends.append(f"{self.tag}:{ending}")
        return []


class HoldAll(Stage):
    """Holds every chunk until the end, then releases them."""

    def __init__(self) -> None:
        self.held: list[dict[str, Any]] = []

    def on_chunk(self, ctx: RequestContext, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        self.held.append(chunk)
        return []

    def on_end(self, ctx: RequestContext, ending: Any) -> list[dict[str, Any]]:
        held, self.held = self.held, []
        return held


class Models(Stage):
    async def models(self, ctx: RequestContext, aliases: list[str]) -> list[str]:
        return [a for a in aliases if not a.startswith("hidden")]


def test_a_stage_s_name_defaults_to_its_class_and_its_hooks_do_nothing() -> None:
    assert Before([], "a").name == "Before"
    assert Stage().on_chunk(RequestContext("internal", "chat"), {"x": 1}) == [{"x": 1}]
    assert Stage().on_end(RequestContext("internal", "chat"), "complete") == []


def test_stages_are_sorted_by_the_hooks_they_override_in_contract_order() -> None:
    log: Log = []
    b1, a1, s1, b2, s2 = Before(log, "1"), After(log, "1"), Suffix("1"), Before(log, "2"), Suffix("2")
    stages = Stages.of([b1, a1, s1, b2, s2])
    assert stages.before == (b1, b2)  # in order: the client's side first
    assert stages.after == (a1,)
    assert stages.stream == (s2, s1)  # reversed: the stage nearest the provider sees a chunk first
    assert not Stages.of([Models()])  # a models-only stage costs requests nothing


def test_the_pipeline_composes_per_alias_and_unknown_aliases_get_the_global_stages() -> None:
    log: Log = []
    everywhere, only_a = Before(log, "g"), Before(log, "a")
    pipeline = Pipeline([(everywhere, None), (only_a, ["a"])], ["a", "b"])
    assert pipeline.stages("a").before == (everywhere, only_a)
    assert pipeline.stages("b").before == (everywhere,)
    assert pipeline.stages("nope").before == (everywhere,)
    assert not Pipeline([(only_a, ["a"])], ["a", "b"]).stages("b")


async def test_models_filters_chain() -> None:
    pipeline = Pipeline([(Models(), None)], ["a", "hidden-b"])
    assert await pipeline.models(RequestContext("models", "models"), ["a", "hidden-b"]) == ["a"]


@pytest.mark.parametrize(
    ("use", "options", "says"),
    [
        ("no_colon", {}, "package.module:Class"),
        ("freehold.nope:Thing", {}, "cannot import"),
        ("freehold.errors:FreeholdError", {}, "not a subclass"),
        ("tests.unit.test_pipeline:Suffix", {"wrong": 1}, "does not take these options"),
    ],
)
def test_a_stage_that_cannot_be_built_fails_at_load_with_its_path(use: str, options: dict[str, Any], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        load_stage(use, options)
    config = {"stages": [{"use": use, "options": options}], "aliases": {"a": {"deployments": [SIMULATED]}}}
    with pytest.raises(ConfigError) as info:
        parse_config(config)
    assert info.value.problems[0].startswith("stages[0]")


def test_a_stage_limited_to_an_unknown_alias_is_a_config_error() -> None:
    config = {
        "stages": [{"use": "tests.unit.test_pipeline:Suffix", "options": {"tag": "x"}, "aliases": ["nope"]}],
        "aliases": {"a": {"deployments": [SIMULATED]}},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(config)
    assert "stages[0].aliases[0]: 'nope' is not an alias" in info.value.problems[0]


# --- the gateway runs them -----------------------------------------------------------------------------


class Provider:
    """Answers every call; records the requests it was sent."""

    capabilities = Capabilities()

    def __init__(self, name: str, chunks: list[bytes] | None = None, cut: bool = False) -> None:
        self.name = name
        self.chunks = chunks or []
        self.cut = cut
        self.seen: list[dict[str, Any]] = []

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        self.seen.append(request.body)
        body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}], "usage": None}
        return Completion(orjson.dumps(body))

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        self.seen.append(request.body)
        return StreamResponse(self._events())

    async def _events(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.cut:
            raise ProviderUnavailable("cut", deployment=self.name)


def gateway(pipeline_of: dict[str, Provider], stages: list[tuple[Stage, list[str] | None]]) -> Gateway:
    router = Router({alias: [Candidate(p, 1.0)] for alias, p in pipeline_of.items()})
    defaults = RoutingDefaults()
    engine = Engine(router, defaults, MemoryBreakers(BreakerPolicy()), QuotaTracker({}), NullObserver())
    return Gateway(router, engine, pipeline=Pipeline(stages, router.aliases))


def request(model: str = "a", stream: bool = False) -> ChatRequest:
    body = {"model": model, "messages": [{"role": "user", "content": "x"}]}
    return ChatRequest(body=body, model=model, stream=stream)


async def test_before_runs_in_order_and_after_in_reverse_and_rewrites_reach_the_provider() -> None:
    log: Log = []
    provider = Provider("p")
    stages: list[tuple[Stage, list[str] | None]] = [
        (Before(log, "1"), None),
        (After(log, "1"), None),
        (Before(log, "2"), None),
        (After(log, "2"), None),
    ]
    gw = gateway({"a": provider}, stages)
    ctx = RequestContext("internal", "chat")
    await gw.chat(ctx, request())
    assert log == [("before", "1"), ("before", "2"), ("after", "2"), ("after", "1")]
    assert provider.seen[0]["messages"][0]["content"] == "x+1+2"
    assert ctx.alias == "a"


async def test_a_refusing_stage_stops_the_request_before_any_provider_call() -> None:
    class No(Stage):
        async def before(self, ctx: RequestContext, request: Any) -> None:
            raise InvalidRequest("no")

    provider = Provider("p")
    with pytest.raises(InvalidRequest):
        await gateway({"a": provider}, [(No(), None)]).chat(RequestContext("internal", "chat"), request())
    assert provider.seen == []


async def test_a_stage_may_restrict_the_deployments() -> None:
    class OnlyB(Stage):
        async def before(self, ctx: RequestContext, request: Any) -> None:
            ctx.restrict(lambda p: p.name == "b")

    a, b = Provider("a"), Provider("b")
    router = Router({"x": [Candidate(a, 1000.0), Candidate(b, 0.001)]})
    engine = Engine(router, RoutingDefaults(), MemoryBreakers(BreakerPolicy()), QuotaTracker({}), NullObserver())
    gw = Gateway(router, engine, pipeline=Pipeline([(OnlyB(), None)], router.aliases))
    for _ in range(5):
        assert (await gw.chat(RequestContext("internal", "chat"), request("x"))).deployment == "b"
    assert a.seen == []


async def test_a_restriction_s_own_error_only_when_the_restriction_left_nothing_to_serve() -> None:
    """Its error (e.g. 503 "local only") when it removed every deployment; the client's 400 when
    no deployment could serve this kind of request anyway."""
    a = Provider("a")
    router = Router({"x": [Candidate(a, 1.0)]})
    engine = Engine(router, RoutingDefaults(), MemoryBreakers(BreakerPolicy()), QuotaTracker({}), NullObserver())

    async def call(p: Any) -> Any:
        raise AssertionError("nothing may be called")

    for capable, raised in ((None, LocalOnlyUnavailable), (lambda p: False, InvalidRequest)):
        ctx = RequestContext("internal", "chat")
        ctx.restrict(lambda p: False, "only elsewhere", LocalOnlyUnavailable)
        with pytest.raises(raised) as info:
            await engine.run(ctx, "x", call, usable=capable)
        assert type(info.value) is raised


def chunk(text: str, finish: str | None = None) -> bytes:
    return encode_event({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]})


async def stream_text(gw: Gateway) -> tuple[str, list[bytes]]:
    answer = await gw.chat(RequestContext("internal", "chat"), request(stream=True))
    assert isinstance(answer.result, AnswerStream)
    pieces = [piece async for piece in answer.result.chunks()]
    text = ""
    for line in b"".join(pieces).split(b"\n"):
        if line.startswith(b"data: {"):
            text += orjson.loads(line[6:])["choices"][0]["delta"]["content"]
    return text, pieces


async def test_stream_stages_see_every_chunk_once_nearest_the_provider_first() -> None:
    ends: list[str] = []
    chunks = [chunk("a"), chunk("b") + chunk("c", "stop"), DONE]  # events in any pieces
    gw = gateway({"a": Provider("p", chunks)}, [(Suffix("1", ends), None), (Suffix("2", ends), None)])
    text, pieces = await stream_text(gw)
    assert text == "a21b21c21"  # stage 2 (nearer the provider) first, then stage 1
    assert pieces[-1].endswith(DONE)
    assert ends == ["2:complete", "1:complete"]


async def test_held_chunks_are_released_before_done_and_before_a_cut() -> None:
    gw = gateway({"a": Provider("p", [chunk("a"), chunk("b"), DONE])}, [(HoldAll(), None)])
    text, pieces = await stream_text(gw)
    assert text == "ab" and b"".join(pieces).endswith(DONE)
    held = gateway({"a": Provider("p", [chunk("a"), chunk("b")], cut=True)}, [(HoldAll(), None)])
    answer = await held.chat(RequestContext("internal", "chat"), request(stream=True))
    assert isinstance(answer.result, AnswerStream)
    got: list[bytes] = []
    with pytest.raises(ProviderUnavailable):
        async for piece in answer.result.chunks():
            got.append(piece)
    assert b'"a"' in b"".join(got) and b'"b"' in b"".join(got)
    assert answer.result.ending == "upstream_cut"


async def test_without_stream_stages_the_bytes_pass_untouched() -> None:
    raw = [b'data: {"choices":[{"delta":{"content":"a"}}]}\n\n', b"data: [DONE]\n\n"]
    gw = gateway({"a": Provider("p", raw)}, [(Before([], "x"), None)])
    answer = await gw.chat(RequestContext("internal", "chat"), request(stream=True))
    assert isinstance(answer.result, AnswerStream)
    assert [piece async for piece in answer.result.chunks()] == raw


class Accountant(Stage):
    """Writes down what ``done`` sees: the status, who answered, and the usage."""

    def __init__(self) -> None:
        self.seen: list[tuple[int | str, str, int, int | None]] = []

    def done(self, ctx: RequestContext, status: int | str) -> None:
        usage = ctx.usage
        self.seen.append((status, ctx.deployment, ctx.attempts, usage.completion_tokens if usage else None))


async def test_done_stages_get_the_usage_of_whole_answers_and_of_streams_as_they_end() -> None:
    accountant = Accountant()
    body = orjson.dumps(
        {"choices": [{"index": 0, "message": {"content": "hi"}}], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}
    )

    class Reporting(Provider):
        async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
            return Completion(body)

    gw = gateway({"a": Reporting("p", [chunk("a"), chunk("b", "stop"), DONE])}, [(accountant, None)])
    ctx = RequestContext("internal", "chat")
    await gw.chat(ctx, request())
    gw.done(ctx, 200)
    ctx = RequestContext("internal", "chat")
    answer = await gw.chat(ctx, request(stream=True))
    assert isinstance(answer.result, AnswerStream)
    assert ctx.usage is None  # not before the stream has ended
    _ = [piece async for piece in answer.result.chunks()]
    gw.done(ctx, 200)
    assert accountant.seen[0] == (200, "p", 1, 2)  # the upstream's numbers
    assert accountant.seen[1][:3] == (200, "p", 1) and accountant.seen[1][3] is not None  # estimated
