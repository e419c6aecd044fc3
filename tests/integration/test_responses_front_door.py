"""OpenAI's Responses API front door, end to end.

The official ``openai`` SDK (``client.responses``) → the real gateway → the loopback OpenAI mock
(chat completions) or the simulated provider. Answers are re-validated with the SDK's own types
(strictly: the SDK itself parses leniently), and streams go through the SDK's stream helper, which
raises on a wrong event order.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
import pytest
from aiohttp import web
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway
from tests.integration.mock_openai import EXPECTED_KEY, MockOpenAI, Recorded

EVENT = TypeAdapter(ResponseStreamEvent)
PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
MOCK_TEXT = "Hello from the mock upstream."
MOCK_USAGE = (9, 6, 15)
REASONING = "The user greets me; greet back."


class ReasoningMock(MockOpenAI):
    """The OpenAI mock plus a ``reasoner`` model answering with ``reasoning_content`` (DeepSeek/vLLM style)."""

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())  # aiohttp keeps the body, so the parent can read it again
        if body.get("model") != "reasoner":
            return await super()._chat(request)
        self.requests.append(Recorded(request.path, dict(request.headers), body))
        assert request.headers.get("Authorization") == f"Bearer {EXPECTED_KEY}"
        usage = {
            "prompt_tokens": 11,
            "completion_tokens": 20,
            "total_tokens": 31,
            "prompt_tokens_details": {"cached_tokens": 3},
            "completion_tokens_details": {"reasoning_tokens": 12},
        }
        base = {"id": "chatcmpl-r1", "created": int(time.time()), "model": "reasoner-1"}
        if not body.get("stream"):
            message = {"role": "assistant", "content": "Hi!", "reasoning_content": REASONING}
            choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            return web.json_response({**base, "object": "chat.completion", "choices": [choice], "usage": usage})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        chunk = {**base, "object": "chat.completion.chunk"}
        deltas = [{"role": "assistant", "content": ""}]
        deltas += [{"reasoning_content": w} for w in ("The user greets me;", " greet back.")]
        deltas += [{"content": "Hi!"}]
        for delta in deltas:
            choice = {"index": 0, "delta": delta, "finish_reason": None}
            await resp.write(b"data: " + json.dumps({**chunk, "choices": [choice]}).encode() + b"\n\n")
        end = {"index": 0, "delta": {}, "finish_reason": "stop"}
        await resp.write(b"data: " + json.dumps({**chunk, "choices": [end]}).encode() + b"\n\n")
        await resp.write(b"data: " + json.dumps({**chunk, "choices": [], "usage": usage}).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


@pytest.fixture(scope="module")
def mock() -> Iterator[ReasoningMock]:
    m = ReasoningMock().start()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def gw(mock: ReasoningMock, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    def upstream(model: str) -> dict[str, Any]:
        return {"deployments": [{"provider": "openai", "model": model, "api_base": mock.base_url, "api_key": "env:K"}]}

    def sim(**extra: Any) -> dict[str, Any]:
        return {
            "deployments": [
                {"provider": "simulated", "model": "sim-1", "ttft_ms": 1, "tokens_per_second": 5000, **extra}
            ]
        }

    config = {
        "aliases": {
            "gpt": upstream("gpt-4o-mini"),
            "reasoner": upstream("reasoner"),
            "error-429": upstream("error-429"),
            "sim": sim(),
            "sim-cut": sim(faults=[{"kind": "stream_cut", "every": 1, "after_tokens": 3}]),
        }
    }
    gateway = start_gateway(
        config, tmp_path_factory.mktemp("responses"), env={"K": EXPECTED_KEY, "FREEHOLD_MASTER_KEY": MASTER_KEY}
    )
    yield gateway
    stop_gateway(gateway.process)
    log = gateway.log()
    assert EXPECTED_KEY not in log and MASTER_KEY not in log
    assert "Traceback" not in log


@pytest.fixture
def client(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
async def aclient(gw: Gateway) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def strict(response: Response) -> Response:
    """Validate again, strictly: the SDK builds its objects without checking required fields."""
    return Response.model_validate(response.to_dict(mode="json"))


def usage_of(response: Response) -> tuple[int, int, int]:
    assert response.usage is not None
    return response.usage.input_tokens, response.usage.output_tokens, response.usage.total_tokens


# --- whole answers --------------------------------------------------------------------------


def test_string_input_with_instructions(client: openai.OpenAI, mock: ReasoningMock) -> None:
    raw = client.responses.with_raw_response.create(model="gpt", input="Say hello.", instructions="Be brief.")
    response = Response.model_validate(raw.http_response.json())
    assert response.id.startswith("resp_") and response.object == "response" and response.status == "completed"
    assert response.output_text == MOCK_TEXT == raw.parse().output_text
    message = response.output[0]
    assert message.type == "message" and message.id.startswith("msg_") and message.role == "assistant"
    assert message.content[0].type == "output_text" and message.content[0].annotations == []
    assert usage_of(response) == MOCK_USAGE
    assert response.instructions == "Be brief." and response.model == "gpt" and response.store is True
    assert raw.headers["x-freehold-deployment"] and raw.headers["x-request-id"].startswith("req_")
    sent = mock.last().body
    assert sent["model"] == "gpt-4o-mini"
    assert sent["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]
    assert "input" not in sent and "instructions" not in sent and "store" not in sent


async def test_async_item_list_with_image(aclient: openai.AsyncOpenAI, mock: ReasoningMock) -> None:
    response = await aclient.responses.create(
        model="gpt",
        input=[
            {"role": "developer", "content": "Describe images in one word."},
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is this?"},
                    {"type": "input_image", "image_url": PIXEL, "detail": "low"},
                ],
            },
        ],
        temperature=0.3,
        max_output_tokens=50,
        metadata={"team": "a"},
        user="u-1",
    )
    strict(response)
    assert response.output_text == MOCK_TEXT
    assert response.metadata == {"team": "a"} and response.temperature == 0.3 and response.max_output_tokens == 50
    sent = mock.last().body
    assert sent["messages"] == [
        {"role": "system", "content": "Describe images in one word."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": PIXEL, "detail": "low"}},
            ],
        },
    ]
    assert sent["temperature"] == 0.3 and sent["max_completion_tokens"] == 50 and sent["user"] == "u-1"
    assert "metadata" not in sent


def test_json_schema_format_reaches_upstream_as_response_format(client: openai.OpenAI, mock: ReasoningMock) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    response = client.responses.create(
        model="gpt",
        input="Answer in JSON.",
        text={"format": {"type": "json_schema", "name": "reply", "schema": schema, "strict": True}},
        reasoning={"effort": "low"},
    )
    strict(response)
    sent = mock.last().body
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": schema, "strict": True},
    }
    assert sent["reasoning_effort"] == "low"
    assert response.text is not None and response.text.format is not None
    assert response.text.format.type == "json_schema"


def test_function_tool_round_trip_via_previous_response_id(client: openai.OpenAI, mock: ReasoningMock) -> None:
    first = client.responses.create(model="gpt", input="Weather in Paris?", tools=[WEATHER], tool_choice="auto")
    strict(first)
    (call,) = [o for o in first.output if o.type == "function_call"]
    assert call.id is not None and call.id.startswith("fc_") and call.status == "completed"
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "Paris"}
    sent = mock.last().body
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {k: WEATHER[k] for k in ("name", "description", "parameters")},
        }
    ]
    assert sent["tool_choice"] == "auto"
    assert first.tools[0].type == "function" and first.tools[0].name == "get_weather"

    second = client.responses.create(
        model="gpt",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": '{"temp_c": 21}'}],
        tools=[WEATHER],
    )
    strict(second)
    assert second.previous_response_id == first.id
    assert mock.last().body["messages"] == [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.call_id,
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": call.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.call_id, "content": '{"temp_c": 21}'},
    ]


def test_simulated_tool_round_trip_answers_after_the_result(client: openai.OpenAI) -> None:
    first = client.responses.create(model="sim", input="Weather in Paris?", tools=[WEATHER])
    (call,) = [o for o in strict(first).output if o.type == "function_call"]
    assert json.loads(call.arguments) == {"city": "example"}
    second = client.responses.create(
        model="sim",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}],
        tools=[WEATHER],
    )
    assert strict(second).output_text and not [o for o in second.output if o.type == "function_call"]
    # A third turn continues the whole chain, the stored tool exchange included.
    third = client.responses.create(model="sim", previous_response_id=second.id, input="Thanks!")
    assert strict(third).status == "completed"
    assert third.usage is not None and second.usage is not None
    assert third.usage.input_tokens > second.usage.input_tokens


def test_reasoning_is_surfaced_as_a_summary(client: openai.OpenAI) -> None:
    response = strict(client.responses.create(model="reasoner", input="Hello", reasoning={"effort": "high"}))
    assert [o.type for o in response.output] == ["reasoning", "message"]
    assert response.output[0].type == "reasoning" and response.output[0].summary[0].text == REASONING
    assert response.output_text == "Hi!"
    assert response.usage is not None and response.usage.output_tokens_details.reasoning_tokens == 12
    assert response.usage.input_tokens_details.cached_tokens == 3
    with client.responses.stream(model="reasoner", input="Hello") as stream:
        events = [e.type for e in stream]
        final = stream.get_final_response()
    assert "response.reasoning_summary_text.delta" in events
    assert final.output[0].type == "reasoning" and final.output[0].summary[0].text == REASONING
    assert usage_of(final) == usage_of(response)


def test_token_limit_makes_an_incomplete_response(client: openai.OpenAI) -> None:
    response = strict(client.responses.create(model="sim", input="Talk.", max_output_tokens=3))
    assert response.status == "incomplete"
    assert response.incomplete_details is not None and response.incomplete_details.reason == "max_output_tokens"
    events = list(client.responses.create(model="sim", input="Talk.", max_output_tokens=3, stream=True))
    assert events[-1].type == "response.incomplete"
    assert events[-1].response.incomplete_details is not None


# --- streams --------------------------------------------------------------------------------


def test_raw_stream_events_in_order_with_the_same_usage(client: openai.OpenAI, mock: ReasoningMock) -> None:
    whole = client.responses.create(model="gpt", input="Say hello.")
    events = list(client.responses.create(model="gpt", input="Say hello.", stream=True))
    for event in events:
        EVENT.validate_python(event.to_dict(mode="json"))
    types = [e.type for e in events]
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert set(types[4:-4]) == {"response.output_text.delta"}
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == MOCK_TEXT
    completed = events[-1]
    assert completed.type == "response.completed"
    assert usage_of(completed.response) == usage_of(whole) == MOCK_USAGE
    assert mock.last().body["stream_options"] == {"include_usage": True}


def test_stream_bytes_are_named_events_without_done(gw: Gateway) -> None:
    with httpx.stream(
        "POST",
        gw.base_url + "/responses",
        json={"model": "sim", "input": "hi", "stream": True},
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        timeout=10,
    ) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        body = resp.read().decode()
    blocks = [b for b in body.split("\n\n") if b]
    assert "[DONE]" not in body
    for block in blocks:
        name, data = block.split("\n")
        assert name.startswith("event: ") and data.startswith("data: ")
        assert json.loads(data[6:])["type"] == name[7:]


def test_stream_helper_matches_the_whole_answer(client: openai.OpenAI) -> None:
    whole = strict(client.responses.create(model="sim", input="Tell me about gateways.", instructions="Be brief."))
    with client.responses.stream(model="sim", input="Tell me about gateways.", instructions="Be brief.") as stream:
        deltas = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    strict(final)
    assert final.output_text == deltas == whole.output_text
    assert usage_of(final) == usage_of(whole)
    assert final.id != whole.id and client.responses.retrieve(final.id).output_text == final.output_text


async def test_async_stream_helper_with_tools(aclient: openai.AsyncOpenAI) -> None:
    async with aclient.responses.stream(model="sim", input="Weather?", tools=[WEATHER]) as stream:
        kinds = [e.type async for e in stream]
        final = await stream.get_final_response()
    assert "response.function_call_arguments.delta" in kinds and "response.function_call_arguments.done" in kinds
    (call,) = [o for o in strict(final).output if o.type == "function_call"]
    assert call.name == "get_weather" and json.loads(call.arguments) == {"city": "example"}
    again = await aclient.responses.create(
        model="sim",
        previous_response_id=final.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}],
        stream=True,
    )
    events = [e async for e in again]
    assert events[-1].type == "response.completed" and events[-1].response.output_text


def test_stream_cut_ends_with_error_and_failed(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="sim-cut", input="Talk a while.", stream=True))
    assert [e.type for e in events[-2:]] == ["error", "response.failed"]
    error, failed = events[-2], events[-1]
    assert error.type == "error" and "ended the stream" in error.message
    assert failed.type == "response.failed" and failed.response.status == "failed"
    assert failed.response.error is not None and failed.response.error.code == "server_error"
    with pytest.raises(openai.NotFoundError):  # a failed response is not kept for chaining
        client.responses.retrieve(failed.response.id)


# --- stored responses -----------------------------------------------------------------------


def test_retrieve_and_delete(client: openai.OpenAI) -> None:
    created = client.responses.create(model="sim", input="Remember me.")
    fetched = strict(client.responses.retrieve(created.id))
    assert fetched.to_dict() == created.to_dict()
    assert client.responses.delete(created.id) is None
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError) as info:
        client.responses.create(model="sim", input="Go on.", previous_response_id=created.id)
    assert info.value.param == "previous_response_id" and info.value.code == "previous_response_not_found"
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)


async def test_store_false_keeps_nothing(aclient: openai.AsyncOpenAI) -> None:
    response = await aclient.responses.create(model="sim", input="Forget me.", store=False)
    assert response.store is False
    with pytest.raises(openai.NotFoundError):
        await aclient.responses.retrieve(response.id)


def test_delete_reply_shape(gw: Gateway, client: openai.OpenAI) -> None:
    created = client.responses.create(model="sim", input="x")
    resp = httpx.delete(f"{gw.base_url}/responses/{created.id}", headers={"Authorization": f"Bearer {MASTER_KEY}"})
    assert resp.status_code == 200 and resp.json() == {"id": created.id, "object": "response", "deleted": True}


# --- errors -----------------------------------------------------------------------------------


def test_built_in_tool_is_a_400_naming_it(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model="gpt", input="x", tools=[{"type": "web_search"}])
    assert info.value.param == "tools[0].type" and "web_search" in info.value.message


def test_upstream_rate_limit_keeps_retry_after(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.responses.create(model="error-429", input="x")
    assert info.value.response.headers["retry-after"] == "20"


def test_unknown_alias_and_missing_key(gw: Gateway, client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.responses.create(model="nope", input="x")
    assert info.value.param == "model"
    with openai.OpenAI(base_url=gw.base_url, api_key="wrong", max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError):
            bad.responses.create(model="sim", input="x")
        with pytest.raises(openai.AuthenticationError):
            bad.responses.retrieve("resp_123")
