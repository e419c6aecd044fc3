"""A metered stream costs exactly what the same answer unstreamed costs, on every door and upstream.

The ledger is off here; every alias but ``oai-free`` has the toy ``Meter`` stage, whose ``done`` hook makes it metered
(as budgets and the ledger do) and writes each request's ``ctx.usage`` to a file this module
reads. Over the real server, the official SDKs ask the same question streamed and whole of an
OpenAI-compatible, an Anthropic and a Gemini upstream (each a loopback mock in its own wire
format, each reporting prompt-cache reads): the records must carry the same numbers, the
upstream's (``estimated`` false), and a client that did not ask for usage must not see any.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import orjson
import pytest

from tests.integration.conftest import (
    MASTER_KEY,
    SINGLE_ATTEMPT,
    Gateway,
    openai_deployment,
    start_gateway,
    stop_gateway,
)
from tests.integration.mock_openai import EXPECTED_KEY as OPENAI_KEY
from tests.integration.mock_openai import MockOpenAI
from tests.integration.mocks.anthropic_mock import EXPECTED_KEY as ANTHROPIC_KEY
from tests.integration.mocks.anthropic_mock import MockAnthropic
from tests.integration.mocks.gemini_mock import EXPECTED_KEY as GEMINI_KEY
from tests.integration.mocks.gemini_mock import MockGemini

MESSAGES: list[Any] = [{"role": "user", "content": "Say hello."}]
METERED = ("oai", "oai-split", "oai-burst", "claude", "gem")
# What each upstream's mock reports as read from (and written to) its prompt cache.
CACHE = {"oai": (4, 0), "oai-split": (0, 0), "oai-burst": (0, 0), "claude": (1000, 20), "gem": (2, 0)}


@pytest.fixture(scope="module")
def mocks() -> Iterator[tuple[MockOpenAI, MockAnthropic, MockGemini]]:
    servers = (MockOpenAI().start(), MockAnthropic().start(), MockGemini().start())
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def records_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stream-usage-records") / "usage.jsonl"


@pytest.fixture(scope="module")
def gw(
    mocks: tuple[MockOpenAI, MockAnthropic, MockGemini], records_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    oai, claude, gem = mocks
    gemini = {"provider": "gemini", "api_key": "env:GEMINI_API_KEY", "api_base": gem.api_base}
    aliases: dict[str, Any] = {
        "oai": {"deployments": [openai_deployment(oai, "gpt-4o-mini-cached", name="oai")]},
        "oai-split": {"deployments": [openai_deployment(oai, "split-stream", name="oai-split")]},
        "oai-burst": {"deployments": [openai_deployment(oai, "burst-stream", name="oai-burst")]},
        "oai-free": {"deployments": [openai_deployment(oai, "gpt-4o-mini", name="oai-free")]},
        "claude": {
            "deployments": [{"provider": "anthropic", "model": "claude-sonnet-4-5-cache", "api_base": claude.base_url}]
        },
        "gem": {"deployments": [{**gemini, "model": "gemini-2.5-flash-cached"}]},
    }
    meter = {"use": "tests.integration.toy_stages:Meter", "options": {"path": str(records_path)}}
    config = {
        "routing": SINGLE_ATTEMPT,
        "stages": [{**meter, "aliases": list(METERED)}],
        "aliases": aliases,
    }
    env = {
        "MOCK_OPENAI_KEY": OPENAI_KEY,
        "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
        "GEMINI_API_KEY": GEMINI_KEY,
        "FREEHOLD_MASTER_KEY": MASTER_KEY,
        "FREEHOLD_LEDGER": "off",  # the ledger meters every alias; off, only the Meter stage does
    }
    g = start_gateway(config, tmp_path_factory.mktemp("stream-usage"), env=env)
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


@pytest.fixture
def oai_client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
def claude_client(gw: Gateway) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def new_id() -> str:
    return "t-" + uuid.uuid4().hex


def record(path: Path, request_id: str) -> dict[str, Any]:
    """The usage ``Meter`` wrote for ``request_id``: its ``done`` runs just after the response ends."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_bytes().splitlines():
                seen = orjson.loads(line)
                if seen["request_id"] == request_id:
                    assert seen["usage"] is not None, seen
                    usage: dict[str, Any] = seen["usage"]
                    return usage
        time.sleep(0.02)
    raise AssertionError(f"no usage recorded for {request_id}")


def numbers(usage: dict[str, Any]) -> tuple[int, int, int, int, bool]:
    keys = ("prompt_tokens", "completion_tokens", "cached_input_tokens", "cache_write_tokens", "estimated")
    return tuple(usage[k] for k in keys)  # type: ignore[return-value]


def whole(client: openai.OpenAI, alias: str) -> dict[str, Any]:
    rid = new_id()
    answer = client.chat.completions.create(model=alias, messages=MESSAGES, extra_headers={"x-request-id": rid})
    assert answer.usage is not None
    return {"rid": rid, "text": answer.choices[0].message.content, "usage": answer.usage}


def streamed(client: openai.OpenAI, alias: str, **options: Any) -> tuple[str, list[Any]]:
    rid = new_id()
    chunks = list(
        client.chat.completions.create(
            model=alias, messages=MESSAGES, stream=True, extra_headers={"x-request-id": rid}, **options
        )
    )
    return rid, chunks


def text_of(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


@pytest.mark.parametrize("alias", METERED)
def test_a_stream_whose_client_did_not_ask_costs_what_the_whole_answer_costs(
    alias: str, gw: Gateway, oai_client: openai.OpenAI, records_path: Path
) -> None:
    answer = whole(oai_client, alias)
    rid, chunks = streamed(oai_client, alias)
    assert text_of(chunks) == answer["text"]
    for chunk in chunks:  # no usage-only chunk, and no ``usage`` (null or not) on any other one
        assert chunk.choices, chunk
        assert "usage" not in chunk.model_fields_set and not (chunk.model_extra or {}), chunk
    unstreamed, stream = record(records_path, answer["rid"]), record(records_path, rid)
    assert numbers(stream) == numbers(unstreamed)
    assert not stream["estimated"] and stream["ending"] == "complete"
    reported = answer["usage"]
    assert stream["prompt_tokens"] == reported.prompt_tokens
    assert stream["completion_tokens"] == reported.completion_tokens
    assert (stream["cached_input_tokens"], stream["cache_write_tokens"]) == CACHE[alias]


@pytest.mark.parametrize("alias", METERED)
def test_a_client_that_asked_for_usage_still_gets_it(
    alias: str, gw: Gateway, oai_client: openai.OpenAI, records_path: Path
) -> None:
    rid, chunks = streamed(oai_client, alias, stream_options={"include_usage": True})
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert all(c.usage is None for c in chunks[:-1])
    stream = record(records_path, rid)
    assert not stream["estimated"]
    assert stream["prompt_tokens"] == last.usage.prompt_tokens
    assert stream["completion_tokens"] == last.usage.completion_tokens
    details = last.usage.prompt_tokens_details
    assert details is not None and details.cached_tokens == CACHE[alias][0]


def test_the_openai_upstream_is_asked_for_usage_only_when_metered(
    gw: Gateway, mocks: tuple[MockOpenAI, MockAnthropic, MockGemini], oai_client: openai.OpenAI
) -> None:
    upstream = mocks[0]
    streamed(oai_client, "oai", stream_options={"include_usage": False})
    assert upstream.last().body["stream_options"] == {"include_usage": True}
    rid, chunks = streamed(oai_client, "oai-free")  # no stage meters it: relayed as the client asked
    assert "stream_options" not in upstream.last().body
    assert all(c.usage is None for c in chunks)


@pytest.mark.parametrize("alias", ["oai", "claude", "gem"])
def test_the_anthropic_door_records_a_stream_as_its_whole_answer(
    alias: str, gw: Gateway, claude_client: anthropic.Anthropic, records_path: Path
) -> None:
    rid_whole, rid_stream = new_id(), new_id()
    message = claude_client.messages.create(
        model=alias, max_tokens=100, messages=MESSAGES, extra_headers={"x-request-id": rid_whole}
    )
    with claude_client.messages.stream(
        model=alias, max_tokens=100, messages=MESSAGES, extra_headers={"x-request-id": rid_stream}
    ) as stream:
        final = stream.get_final_message()
    assert [b.model_dump(include={"type", "text"}) for b in final.content] == [
        b.model_dump(include={"type", "text"}) for b in message.content
    ]
    assert final.usage.output_tokens == message.usage.output_tokens
    unstreamed, streamed_ = record(records_path, rid_whole), record(records_path, rid_stream)
    assert numbers(streamed_) == numbers(unstreamed) and not streamed_["estimated"]
    cached, written = CACHE[alias]
    assert (streamed_["cached_input_tokens"], streamed_["cache_write_tokens"]) == (cached, written)
    # Anthropic's input_tokens leaves out the cache's reads and writes; the record's prompt counts them.
    assert streamed_["prompt_tokens"] == final.usage.input_tokens + cached + written


@pytest.mark.parametrize("alias", ["oai", "claude", "gem"])
def test_the_responses_door_records_a_stream_as_its_whole_answer(
    alias: str, gw: Gateway, oai_client: openai.OpenAI, records_path: Path
) -> None:
    rid_whole, rid_stream = new_id(), new_id()
    response = oai_client.responses.create(
        model=alias, input="Say hello.", store=False, extra_headers={"x-request-id": rid_whole}
    )
    with oai_client.responses.stream(
        model=alias, input="Say hello.", store=False, extra_headers={"x-request-id": rid_stream}
    ) as stream:
        final = stream.get_final_response()
    assert final.output_text == response.output_text
    assert final.usage is not None and response.usage is not None
    assert final.usage.input_tokens == response.usage.input_tokens
    unstreamed, streamed_ = record(records_path, rid_whole), record(records_path, rid_stream)
    assert numbers(streamed_) == numbers(unstreamed) and not streamed_["estimated"]
    assert streamed_["prompt_tokens"] == final.usage.input_tokens
    assert streamed_["cached_input_tokens"] == final.usage.input_tokens_details.cached_tokens == CACHE[alias][0]
