"""Each registered provider type's fixture set: its config, its recorded answers, what they must become.

A wire format's set holds answers recorded in the vendor's own format (``tests/fixtures/<vendor>/``):
a whole text answer and the same answer streamed, a tool-calling answer both ways, an error answer
of each kind with the vendor's headers, and what the canonical (OpenAI) answer must say about each
(text, usage, tool calls, the wait a rate limit asks for, the quota hint its headers give). The
OpenAI-compatible presets share OpenAI's set; ``simulated`` has no wire, so its set says how to make
it answer each way (its config's faults, a request it refuses) and leaves exact values unknown.

A new provider type must add its set here: ``test_every_provider_type_has_a_fixture_set`` says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from freehold.errors import (
    ContextWindowExceeded,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from freehold.providers.base import RateLimitHint
from freehold.providers.presets import PRESETS
from freehold.transport.fake import FakeReply, FakeRequest
from freehold.transport.seam import EVENT_STREAM

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = "sk-contract-4c1b9e7d2a6f"
SECRET = "contract/Secret+Key/0123456789abcdefghij"

ERROR_KINDS: dict[str, type[ProviderError]] = {
    "auth": ProviderAuthError,
    "rate_limit": ProviderRateLimited,
    "server": ProviderUnavailable,
    "bad_request": ProviderRejected,
    "context_window": ContextWindowExceeded,
}
"""Each error kind the suite scripts, and the class the adapter must turn it into."""


def read(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def load(path: str) -> Any:
    return json.loads(read(path))


@dataclass(frozen=True)
class Expected:
    """What a canonical answer must say; None where it is not known in advance (``simulated``)."""

    text: str | None = None
    usage: tuple[int, int, int] | None = None
    """prompt, completion and total tokens."""
    cached: int | None = None
    cache_written: int | None = None
    """``prompt_tokens_details.cache_write_tokens``, for vendors that report cache writes (priced apart)."""
    calls: tuple[tuple[str, dict[str, Any]], ...] | None = None
    """(name, arguments) of each tool call, in order."""
    streamed_usage: bool = True
    """The stream ends with a usage chunk (a pass-through relays a recording made without one as it is)."""


@dataclass(frozen=True)
class Setup:
    """How to make a provider answer one way: the replies its upstream gives, config and request additions."""

    replies: tuple[FakeReply | ProviderError, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Embeddings:
    setup: Setup
    """The answer to one request for ``inputs``, as floats."""
    inputs: tuple[str, ...]
    dimensions: int
    packs_base64: bool = False
    """The adapter packs ``encoding_format: base64`` itself (its upstream sends floats only)."""


@dataclass(frozen=True)
class Vendor:
    """One provider type's fixture set (see the module docstring)."""

    config: Mapping[str, Any]
    env: Mapping[str, str]
    text: Expected
    tools: Expected
    errors: Mapping[str, Setup]
    wait: float | None
    """The ``retry_after`` the rate-limit error must carry."""
    hint: RateLimitHint | None
    """The quota hint the rate-limit error must carry (None: the vendor sends no such headers)."""
    answers: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)
    """``text``/``tools`` → (whole answer, the same answer streamed), in the vendor's format."""
    ok_headers: Mapping[str, str] = field(default_factory=dict)
    request_id: str | None = None
    """The upstream request id the canonical answer passes on, if the vendor sends one."""
    stream_type: str = EVENT_STREAM
    stream_error: bytes | None = None
    """A stream that ends in the vendor's own error event after some output."""
    streams: Callable[[FakeRequest], bool] = lambda sent: sent.json().get("stream") is True
    """Whether a request the adapter sent asks the vendor for a stream."""
    relays: bool = False
    """A pass-through: the client's body is forwarded with the model rewritten, answers relayed as received."""
    embeddings: Embeddings | None = None
    count_tokens: Setup | None = None
    counted_fields: frozenset[str] = frozenset()
    """What a token-counting request sends (for the request of ``test_token_count``)."""
    simulated: bool = False

    @property
    def wire(self) -> bool:
        return not self.simulated

    def whole(self, which: str) -> Setup:
        if self.simulated:
            return Setup()
        headers = {"content-type": "application/json", **self.ok_headers}
        return Setup((FakeReply(200, headers, (self.answers[which][0],)),))

    def streamed(self, which: str, seed: int | None = None) -> Setup:
        if self.simulated:
            return Setup()
        data = self.answers[which][1]
        return Setup((FakeReply.stream(data, seed=seed, content_type=self.stream_type, headers=self.ok_headers),))

    def cut(self) -> Setup:
        """The text answer's stream, its connection dropped after more than half of it."""
        if self.simulated:
            return Setup(config={"faults": [{"kind": "stream_cut", "every": 1, "after_tokens": 2}]})
        data = self.answers["text"][1]
        return Setup((FakeReply.stream(data, seed=5, cut_at=len(data) * 2 // 3, content_type=self.stream_type),))

    def ended_early(self) -> Setup:
        """The text answer's stream ending cleanly, at an event's end, before its final events."""
        events = _events(self.answers["text"][1], self.stream_type)
        early = b"".join(events[: len(events) * 2 // 3])
        return Setup((FakeReply.stream(early, seed=6, content_type=self.stream_type),))

    def broken_stream(self) -> Setup:
        assert self.stream_error is not None
        return Setup((FakeReply.stream(self.stream_error, seed=9, content_type=self.stream_type),))


def _events(data: bytes, stream_type: str) -> list[bytes]:
    """A recorded stream cut into its events: SSE's blank-line ends, or the event-stream's length prelude."""
    if stream_type == EVENT_STREAM:
        return [event + b"\n\n" for event in data.split(b"\n\n") if event]
    events = []
    while data:
        size = int.from_bytes(data[:4], "big")
        events.append(data[:size])
        data = data[size:]
    return events


def _error(spec: Mapping[str, Any]) -> Setup:
    """A recorded error (``{"status", "headers", "body"}``) as the reply that sends it."""
    return Setup((FakeReply.json(spec["body"], spec["status"], spec.get("headers")),))


def _body(path: str, status: int, headers: Mapping[str, str] | None = None) -> Setup:
    return Setup((FakeReply(status, {"content-type": "application/json", **(headers or {})}, (read(path),)),))


WEATHER_PARIS = ("get_weather", {"city": "Paris"})
WEATHER_TOKYO = ("get_weather", {"city": "Tokyo"})

_openai_errors = load("openai/errors.json")
_openai_429 = load("openai/ratelimit_429_requests.json")
OPENAI = Vendor(
    config={"model": "gpt-4o-mini", "api_key": "env:CONTRACT_KEY"},
    env={"CONTRACT_KEY": KEY},
    answers={
        "text": (read("openai/chat_text.json"), read("openai/chat_text.sse")),
        "tools": (read("openai/chat_tools.json"), read("openai/chat_tools.sse")),
    },
    ok_headers={"x-request-id": "req_contract_openai"},
    request_id="req_contract_openai",
    text=Expected("Hello! How can I help you today?", (19, 10, 29), 0),
    tools=Expected(usage=(81, 46, 127), calls=(WEATHER_PARIS, WEATHER_TOKYO)),
    errors={
        "auth": _error(_openai_errors["authentication"]),
        "rate_limit": _error(_openai_429),
        "server": _error(_openai_errors["server"]),
        "bad_request": _error(_openai_errors["invalid_request"]),
        "context_window": _error(_openai_errors["context_length"]),
    },
    wait=_openai_429["retry_after"],
    hint=RateLimitHint(**_openai_429["hint"]),
    relays=True,
    embeddings=Embeddings(_body("openai/embeddings.json", 200), ("first", "second"), 4),
)

AZURE = Vendor(
    config={"model": "gpt-4o-mini", "api_base": "https://contract.openai.azure.com", "api_key": "env:CONTRACT_KEY"},
    env={"CONTRACT_KEY": KEY},
    answers={
        "text": (read("azure/chat_response_text.json"), read("azure/chat_stream.sse")),
        "tools": (read("azure/chat_response_tools.json"), read("azure/chat_stream_tools.sse")),
    },
    ok_headers={"apim-request-id": "6f0a7c3e-0000", "x-request-id": "req_contract_azure"},
    request_id="req_contract_azure",
    text=Expected("Hello from Azure.", (24, 5, 29), 0),
    tools=Expected(usage=(121, 15, 136), calls=(WEATHER_PARIS,), streamed_usage=False),
    errors={
        "auth": _body("azure/error_unauthorized.json", 401),
        "rate_limit": _body("azure/error_rate_limit.json", 429, load("azure/error_rate_limit.headers.json")),
        "server": _body("azure/error_server.json", 500),
        "bad_request": _body("azure/error_content_filter.json", 400),
        "context_window": _body("azure/error_context_length.json", 400),
    },
    wait=5.5,  # retry-after-ms wins over the whole seconds of retry-after
    hint=RateLimitHint(remaining_requests=0, remaining_tokens=0),
    relays=True,
    embeddings=Embeddings(_body("azure/embeddings_response.json", 200), ("first",), 4),
)

_anthropic_errors = load("anthropic/errors.json")
ANTHROPIC = Vendor(
    config={"model": "claude-sonnet-4-5", "api_key": "env:CONTRACT_KEY"},
    env={"CONTRACT_KEY": KEY},
    answers={
        "text": (read("anthropic/message_text.json"), read("anthropic/message_text.sse")),
        "tools": (read("anthropic/message_tool_use.json"), read("anthropic/message_tool_use.sse")),
    },
    ok_headers={"request-id": "req_contract_anthropic", "anthropic-ratelimit-requests-remaining": "49"},
    request_id="req_contract_anthropic",
    text=Expected("Hello! How can I help you today?", (12, 12, 24), 0),
    # Prompt tokens include the cache's reads and writes; cached_tokens are the reads.
    tools=Expected(
        usage=(1070, 140, 1210),
        cached=1000,
        cache_written=20,
        calls=(("get_weather", {"city": "Paris", "unit": "celsius"}), WEATHER_TOKYO),
    ),
    errors={
        "auth": _error(_anthropic_errors["authentication"]),
        "rate_limit": _error(_anthropic_errors["rate_limit"]),
        "server": _error(_anthropic_errors["api_error"]),
        "bad_request": _error(_anthropic_errors["invalid_request"]),
        "context_window": _error(_anthropic_errors["prompt_too_long"]),
    },
    wait=17.0,
    # The recorded resets are in the past: the limits have refilled, nothing to wait for.
    hint=RateLimitHint(remaining_requests=0, remaining_tokens=29000, reset_requests=0.0, reset_tokens=0.0),
    stream_error=read("anthropic/stream_error.sse"),
    count_tokens=Setup((FakeReply.json({"input_tokens": 42}),)),
    counted_fields=frozenset({"model", "messages", "system", "tools", "tool_choice", "thinking"}),
)

GEMINI = Vendor(
    config={"model": "gemini-2.5-flash", "api_key": "env:CONTRACT_KEY"},
    env={"CONTRACT_KEY": KEY},
    answers={
        "text": (read("gemini/response_text.json"), read("gemini/response_text.sse")),
        "tools": (read("gemini/response_parallel_calls.json"), read("gemini/stream_tools.sse")),
    },
    # Completion tokens include the thoughts (9 + 40); the prompt's 4 cached tokens are in its 12.
    text=Expected("Hello! How can I help you today?", (12, 49, 61), 4),
    tools=Expected(usage=(58, 14, 72), calls=(WEATHER_PARIS, WEATHER_TOKYO)),
    errors={
        "auth": _body("gemini/error_api_key.json", 400),  # Gemini answers a bad key with 400 API_KEY_INVALID
        "rate_limit": _body("gemini/error_429.json", 429),
        "server": _body("gemini/error_500.json", 500),
        "bad_request": _body("gemini/error_bad_field.json", 400),
        "context_window": _body("gemini/error_context.json", 400),
    },
    wait=36.0,  # from the body's RetryInfo: Gemini sends no Retry-After
    hint=None,
    streams=lambda sent: sent.url.endswith(":streamGenerateContent?alt=sse"),
    stream_error=read("gemini/stream_error.sse"),
    embeddings=Embeddings(_body("gemini/embed_batch.response.json", 200), ("first", "second"), 3, packs_base64=True),
)

_bedrock_errors = load("bedrock/errors.json")
BEDROCK = Vendor(
    config={
        "model": "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "region": "us-east-1",
        "aws_access_key_id": "env:CONTRACT_AK",
        "aws_secret_access_key": "env:CONTRACT_SK",
    },
    env={"CONTRACT_AK": "AKIACONTRACT00000001", "CONTRACT_SK": SECRET},
    answers={
        "text": (read("bedrock/converse_response_text.json"), read("bedrock/converse_stream_text.bin")),
        "tools": (read("bedrock/converse_response_tools.json"), read("bedrock/converse_stream_tools.bin")),
    },
    ok_headers={"x-amzn-RequestId": "5f0d1c2e-contract"},
    request_id="5f0d1c2e-contract",
    stream_type="application/vnd.amazon.eventstream",
    # Prompt tokens include the cache's reads (4) and writes (2).
    text=Expected("Hello from Bedrock.", (17, 7, 24), 4, cache_written=2),
    tools=Expected(usage=(17, 7, 24), cached=4, cache_written=2, calls=(WEATHER_PARIS, WEATHER_TOKYO)),
    errors={
        "auth": _error(_bedrock_errors["unrecognized_client"]),
        "rate_limit": _error(_bedrock_errors["throttling"]),
        "server": _error(_bedrock_errors["internal"]),
        "bad_request": _error(_bedrock_errors["validation"]),
        "context_window": _error(_bedrock_errors["context"]),
    },
    wait=3.0,
    hint=None,
    streams=lambda sent: (
        sent.url.endswith("/converse-stream") and sent.headers["Accept"] == "application/vnd.amazon.eventstream"
    ),
    stream_error=read("bedrock/converse_stream_exception.bin"),
)

SIMULATED = Vendor(
    config={"model": "sim", "ttft_ms": 0, "tokens_per_second": 1_000_000, "max_tokens": 12, "embedding_dimensions": 8},
    env={},
    simulated=True,
    text=Expected(),
    tools=Expected(calls=(("get_weather", {"city": "example"}),)),
    errors={
        "rate_limit": Setup(config={"faults": [{"kind": "rate_limit", "every": 1, "retry_after": 7}]}),
        "server": Setup(config={"faults": [{"kind": "server_error", "every": 1}]}),
        # A tool whose parameters are not a schema object: refused as OpenAI refuses it.
        "bad_request": Setup(body={"tools": [{"type": "function", "function": {"name": "f", "parameters": []}}]}),
    },
    wait=7.0,
    hint=None,
    embeddings=Embeddings(Setup(), ("first", "second"), 8, packs_base64=True),
)

_NATIVE = {
    "openai": OPENAI,
    "azure": AZURE,
    "anthropic": ANTHROPIC,
    "gemini": GEMINI,
    "bedrock": BEDROCK,
    "simulated": SIMULATED,
}


def vendor_for(provider_type: str) -> Vendor:
    """The fixture set of a registered provider type; the presets speak OpenAI's wire format."""
    if provider_type in PRESETS:
        return OPENAI
    return _NATIVE[provider_type]


def has_fixture_set(provider_type: str) -> bool:
    return provider_type in PRESETS or provider_type in _NATIVE
