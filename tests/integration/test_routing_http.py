"""Aliases over several deployments, the simulated provider, and cancellation, over HTTP."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway
from tests.integration.mock_openai import MockOpenAI

MESSAGES = [{"role": "user", "content": "Tell me about gateways."}]


@pytest.fixture
def client(gateway: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gateway.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def test_failover_to_the_next_deployment(client: openai.OpenAI, mock_upstream: MockOpenAI) -> None:
    before = len(mock_upstream.requests)
    raw = client.chat.completions.with_raw_response.create(model="failover", messages=MESSAGES)
    assert raw.parse().choices[0].message.content == "Hello from the mock upstream."
    assert raw.headers["x-freehold-deployment"] == "healthy"
    assert "x-freehold-alias" not in raw.headers  # a deployment of the requested alias answered
    # A 503 is retried once on the same deployment (routing.retries.max_attempts: 2), then falls back.
    assert raw.headers["x-freehold-attempts"] == "3"
    assert [r.body["model"] for r in mock_upstream.requests[before:]] == ["error-503", "error-503", "gpt-4o-mini"]


def test_failover_for_streams_happens_before_the_first_byte(client: openai.OpenAI) -> None:
    with client.chat.completions.with_streaming_response.create(
        model="failover", messages=MESSAGES, stream=True
    ) as resp:
        assert resp.headers["x-freehold-deployment"] == "healthy"
        text = "".join(c.choices[0].delta.content or "" for c in resp.parse() if c.choices)
    assert "mock" in text


def test_weighted_balancing(client: openai.OpenAI) -> None:
    served = Counter(
        client.chat.completions.with_raw_response.create(model="balanced", messages=MESSAGES).headers[
            "x-freehold-deployment"
        ]
        for _ in range(200)
    )
    assert set(served) == {"heavy", "light"}
    # weight 3:1 → expect ~150:50; 5+ sigma away from 1:1.
    assert 120 <= served["heavy"] <= 180


def test_client_disconnect_cancels_the_upstream_stream(gateway: Gateway, mock_upstream: MockOpenAI) -> None:
    before = len(mock_upstream.disconnects)
    with (
        httpx.Client(timeout=10) as http,
        http.stream(
            "POST",
            gateway.base_url + "/chat/completions",
            headers={"Authorization": f"Bearer {MASTER_KEY}"},
            json={"model": "slow-stream", "messages": MESSAGES, "stream": True},
        ) as resp,
    ):
        lines = resp.iter_lines()
        assert next(lines).startswith("data: ")
        left_at = time.monotonic()
    # The upstream stream would run 20 s; the gateway must drop it as soon as the client is gone.
    deadline = time.monotonic() + 3
    while len(mock_upstream.disconnects) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mock_upstream.disconnects) == before + 1
    assert mock_upstream.disconnects[-1] - left_at < 1.5


@pytest.mark.parametrize("stream", [False, True])
def test_client_leaving_while_upstream_is_silent_cancels_it(
    gateway: Gateway, mock_upstream: MockOpenAI, stream: bool
) -> None:
    """No byte flows back to notice the departure by: the gateway must watch the client itself."""
    before = len(mock_upstream.disconnects)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            gateway.base_url + "/chat/completions",
            headers={"Authorization": f"Bearer {MASTER_KEY}"},
            json={"model": "slow-start", "messages": MESSAGES, "stream": stream},
            timeout=httpx.Timeout(5, read=0.5),
        )
    left_at = time.monotonic()
    deadline = left_at + 3
    while len(mock_upstream.disconnects) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(mock_upstream.disconnects) == before + 1, "the upstream request was not cancelled"
    assert mock_upstream.disconnects[-1] - left_at < 1.0


# --- the built-in simulated provider, through the same path -----------------------------------


def test_simulated_completion_is_deterministic_with_usage(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(model="sim", messages=MESSAGES, max_tokens=12)
    second = client.chat.completions.create(model="sim", messages=MESSAGES, max_tokens=12)
    assert first.choices[0].message.content == second.choices[0].message.content
    assert first.choices[0].finish_reason == "length"
    assert first.usage is not None and first.usage.completion_tokens == 12 and first.usage.prompt_tokens > 0


def test_simulated_stream_matches_non_stream(client: openai.OpenAI) -> None:
    whole = client.chat.completions.create(model="sim", messages=MESSAGES, max_tokens=20)
    chunks = list(
        client.chat.completions.create(
            model="sim", messages=MESSAGES, max_tokens=20, stream=True, stream_options={"include_usage": True}
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert chunks[-1].usage is not None and whole.usage is not None
    assert chunks[-1].usage.total_tokens == whole.usage.total_tokens


def test_simulated_rate_limit_fault_reaches_client_with_retry_after(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="sim-429", messages=MESSAGES)
    assert info.value.response.headers["retry-after"] == "7"


def test_simulated_stream_cut_ends_with_error_event(client: openai.OpenAI) -> None:
    got = []
    with pytest.raises(openai.APIError):
        for chunk in client.chat.completions.create(model="sim-cut", messages=MESSAGES, stream=True):
            got.append(chunk)
    assert len(got) >= 2


def test_simulated_tools(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}, "k": {"type": "integer"}},
                "required": ["q", "k"],
            },
        },
    }
    completion = client.chat.completions.create(model="sim", messages=MESSAGES, tools=[tool])
    call = completion.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "lookup"  # type: ignore[union-attr]
    assert completion.choices[0].finish_reason == "tool_calls"


def test_simulated_embeddings(client: openai.OpenAI) -> None:
    a = client.embeddings.create(model="sim", input=["same text", "same text", "other"])
    assert a.data[0].embedding == a.data[1].embedding != a.data[2].embedding
    assert len(a.data[0].embedding) == 384
