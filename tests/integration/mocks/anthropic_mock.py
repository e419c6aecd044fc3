"""A loopback mock of Anthropic's Messages API, speaking its real wire format.

It checks what the real API checks that a translator could get wrong (``x-api-key``,
``anthropic-version``, required ``max_tokens``, user/assistant turns alternating, block shapes,
``tool_result`` ids answering the previous turn's ``tool_use``, thinking budget below
``max_tokens``, thinking blocks replayed with the signature it issued) and answers 400
``invalid_request_error`` otherwise. Behaviour is chosen by the model name:

| model                | behaviour                                                                  |
| -------------------- | -------------------------------------------------------------------------- |
| anything else        | text; tools → ``tool_use``; tool results → text quoting them; thinking on → |
|                      | a signed thinking block first; ``output_config.format`` → JSON text; a     |
|                      | tool whose schema has no properties gets ``{"answer": TEXT}``              |
| ``*parallel*``       | two ``tool_use`` blocks (unless ``disable_parallel_tool_use``)              |
| ``*cache*``          | usage with cache reads (1000) and writes (20: 15 for 5 minutes, 5 for 1 h) |
| ``claude-stop``      | ``stop_reason: stop_sequence`` with the request's first stop sequence      |
| ``claude-max``       | ``stop_reason: max_tokens``                                                |
| ``claude-refusal``   | ``stop_reason: refusal``                                                   |
| ``error-<name>``     | the error ``<name>`` of tests/fixtures/anthropic/errors.json, with headers  |
| ``stream-error``     | streams some text, then ``event: error`` (overloaded_error)                 |
| ``stream-cut``       | streams some text, then closes the connection without ``message_stop``      |
| ``stream-endless``   | streams ``message_start``, then a ``content_block_delta`` whose ``data:``   |
|                      | line never ends (64 KiB pieces, up to 64 MiB or until the client leaves)   |

Streams are the same ``Message`` as the whole answer, cut into ``message_start``,
``content_block_start/delta/stop`` (with a ``ping``), ``message_delta`` and ``message_stop``,
so a streamed and a whole answer to one request report the same usage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

EXPECTED_KEY = "sk-ant-api03-mock-4f7d2c9e1b8a"
TEXT = "Hello from the mock Claude."
ERRORS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "anthropic" / "errors.json").read_text()
)
_TOP_LEVEL = {
    "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p",
    "top_k", "tools", "tool_choice", "thinking", "output_config", "service_tier",
}  # fmt: skip
_COUNT_FIELDS = {"model", "messages", "system", "tools", "tool_choice", "thinking", "output_config"}
_MEDIA = {"image/jpeg", "image/png", "image/gif", "image/webp"}


class Invalid(Exception):
    """The request breaks a rule the real API enforces; the message says which."""


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class MockAnthropic(LoopbackServer):
    requests: list[Recorded] = field(default_factory=list)
    _counter: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_post("/v1/messages/count_tokens", self._count_tokens)
        return app

    def last(self, path: str = "/v1/messages") -> Recorded:
        return next(r for r in reversed(self.requests) if r.path == path)

    # --- wire helpers ---------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        self._counter += 1
        reset = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "request-id": f"req_mock{self._counter:08d}",
            "anthropic-organization-id": "org-mock",
            "anthropic-ratelimit-requests-limit": "4000",
            "anthropic-ratelimit-requests-remaining": "3999",
            "anthropic-ratelimit-requests-reset": reset,
            "anthropic-ratelimit-tokens-limit": "400000",
            "anthropic-ratelimit-tokens-remaining": "399000",
            "anthropic-ratelimit-tokens-reset": reset,
        }

    def _error(self, status: int, err_type: str, message: str, extra: dict[str, str] | None = None) -> web.Response:
        headers = {**self._headers(), **(extra or {})}
        body = {"type": "error", "error": {"type": err_type, "message": message}, "request_id": headers["request-id"]}
        return web.json_response(body, status=status, headers=headers)

    def _fixture_error(self, name: str) -> web.Response:
        spec = ERRORS[name]
        headers = {**self._headers(), **spec["headers"]}
        for key in [k for k in headers if k.endswith("-reset") and k in spec["headers"]]:
            # the recorded resets are in the past now; keep their distance from each other
            offset = 17 if headers.get(key.replace("-reset", "-remaining")) == "0" else 2
            headers[key] = (datetime.now(UTC) + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return web.json_response(spec["body"], status=spec["status"], headers=headers)

    async def _receive(self, request: web.Request, count_only: bool) -> dict[str, Any] | web.Response:
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            return self._error(400, "invalid_request_error", "There was an issue with the format of your request.")
        self.requests.append(Recorded(request.path, dict(request.headers), body))
        # The key comes as x-api-key (documented for every version) or, from the 2.x SDKs, as a bearer token.
        if EXPECTED_KEY not in (request.headers.get("x-api-key"), request.headers.get("Authorization", "")[7:]):
            return self._error(401, "authentication_error", "invalid x-api-key")
        version = request.headers.get("anthropic-version")
        if version not in ("2023-06-01", "2026-10-21"):
            return self._error(400, "invalid_request_error", f"anthropic-version: invalid version {version!r}")
        try:
            if version >= "2026-10-21":
                for key in ("temperature", "top_p", "top_k"):
                    if key in body:
                        raise Invalid(f"{key}: is not supported on API version {version}")
            check(body, count_only)
        except Invalid as exc:
            return self._error(400, "invalid_request_error", str(exc))
        return body

    # --- endpoints ------------------------------------------------------------------------

    async def _count_tokens(self, request: web.Request) -> web.Response:
        body = await self._receive(request, count_only=True)
        if isinstance(body, web.Response):
            return body
        return web.json_response({"input_tokens": input_tokens(body)}, headers=self._headers())

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        body = await self._receive(request, count_only=False)
        if isinstance(body, web.Response):
            return body
        model = body["model"]
        if model.startswith("error-"):
            return self._fixture_error(model.removeprefix("error-"))
        message = answer(body, f"msg_mock{self._counter:06d}")
        if not body.get("stream"):
            return web.json_response(message, headers=self._headers())
        resp = web.StreamResponse(headers={**self._headers(), "Content-Type": "text/event-stream; charset=utf-8"})
        await resp.prepare(request)
        events = stream_events(message)
        if model == "stream-endless":
            await resp.write(sse(*events[0]))
            await resp.write(b'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, ')
            try:
                for _ in range(1024):
                    await resp.write(b"a" * 65536)
            except OSError:  # the client hung up
                pass
            return resp
        if model in ("stream-error", "stream-cut"):
            for name, data in events[:5]:
                await resp.write(sse(name, data))
            if model == "stream-error":
                await resp.write(
                    sse("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                )
                await resp.write_eof()
            else:
                assert request.transport is not None
                request.transport.close()
            return resp
        for name, data in events:
            await resp.write(sse(name, data))
        await resp.write_eof()
        return resp


def sse(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


# --- request checks (what the real API would refuse) -------------------------------------------


def check(body: dict[str, Any], count_only: bool) -> None:
    allowed = _COUNT_FIELDS if count_only else _TOP_LEVEL
    for key in body:
        if key not in allowed:
            raise Invalid(f"{key}: Extra inputs are not permitted")
    if not isinstance(body.get("model"), str):
        raise Invalid("model: Field required")
    if not count_only and (not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1):
        raise Invalid("max_tokens: Field required")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise Invalid("messages: at least one message is required")
    system = body.get("system")
    if system is not None and not isinstance(system, str):
        for block in system:
            if block.get("type") != "text" or not block.get("text"):
                raise Invalid("system: text content blocks must be non-empty")
    tool_names = {t["name"] for t in body.get("tools") or ()}
    for i, tool in enumerate(body.get("tools") or ()):
        if set(tool) - {"name", "description", "input_schema", "strict", "cache_control"}:
            raise Invalid(f"tools.{i}: Extra inputs are not permitted")
        if tool.get("input_schema", {}).get("type") != "object":
            raise Invalid(f"tools.{i}.input_schema.type: Input should be 'object'")
    choice = body.get("tool_choice")
    if choice is not None:
        if choice.get("type") not in ("auto", "any", "tool", "none"):
            raise Invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'")
        if choice["type"] == "tool" and choice.get("name") not in tool_names:
            raise Invalid(f"tool_choice.name: no tool named {choice.get('name')!r}")
    thinking = body.get("thinking")
    if thinking is not None and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024:
            raise Invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
        if not count_only and budget >= body["max_tokens"]:
            raise Invalid("`max_tokens` must be greater than `thinking.budget_tokens`.")
    fmt = (body.get("output_config") or {}).get("format")
    if fmt is not None and (fmt.get("type") != "json_schema" or not isinstance(fmt.get("schema"), dict)):
        raise Invalid("output_config.format: Input should be a json_schema format")
    previous: dict[str, Any] | None = None
    for i, message in enumerate(messages):
        _check_message(i, message, previous, thinking is not None and thinking.get("type") == "enabled")
        previous = message


def _check_message(i: int, message: dict[str, Any], previous: dict[str, Any] | None, thinking: bool) -> None:
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise Invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
    if previous is not None and previous["role"] == role:
        raise Invalid('messages: roles must alternate between "user" and "assistant"')
    if i == 0 and role != "user":
        raise Invalid('messages: first message must use the "user" role')
    content = message.get("content")
    if isinstance(content, str):
        return
    if not isinstance(content, list) or not content:
        raise Invalid(f"messages.{i}.content: must be a string or a non-empty list of blocks")
    offered = {
        b["id"] for b in (previous or {}).get("content") or () if isinstance(b, dict) and b.get("type") == "tool_use"
    }
    seen_other = False
    for j, block in enumerate(content):
        where = f"messages.{i}.content.{j}"
        kind = block.get("type")
        if kind == "text":
            if not isinstance(block.get("text"), str) or not block["text"]:
                raise Invalid(f"{where}: text content blocks must be non-empty")
            seen_other = True
        elif kind == "image" and role == "user":
            source = block.get("source") or {}
            if source.get("type") == "base64":
                if source.get("media_type") not in _MEDIA or not source.get("data") or "," in source["data"]:
                    raise Invalid(f"{where}.source: invalid base64 image source")
            elif source.get("type") != "url" or not str(source.get("url", "")).startswith(("http://", "https://")):
                raise Invalid(f"{where}.source: Input should be a base64 or url source")
            seen_other = True
        elif kind == "document" and role == "user":
            seen_other = True
        elif kind == "tool_result" and role == "user":
            if block.get("tool_use_id") not in offered:
                raise Invalid(
                    f"{where}: unexpected `tool_use_id` found in `tool_result` blocks: {block.get('tool_use_id')}. "
                    "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                )
            if seen_other:
                raise Invalid(f"{where}: tool_result blocks must come first in the user turn")
        elif kind == "tool_use" and role == "assistant":
            if not isinstance(block.get("input"), dict) or not block.get("id") or not block.get("name"):
                raise Invalid(f"{where}: tool_use needs id, name and an input object")
        elif kind == "thinking" and role == "assistant":
            if not str(block.get("signature", "")).startswith("mock-sig-"):
                raise Invalid(f"{where}.signature: Invalid `signature` in `thinking` block")
        elif kind == "redacted_thinking" and role == "assistant":
            pass
        else:
            raise Invalid(f"{where}.type: {kind!r} is not allowed in a {role} message")
    if thinking and role == "assistant" and any(b.get("type") == "tool_use" for b in content):
        if content[0].get("type") not in ("thinking", "redacted_thinking"):
            raise Invalid(
                f"messages.{i}.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
                f"`{content[0].get('type')}`. When `thinking` is enabled, a final `assistant` message must start "
                "with a thinking block."
            )


# --- answers -----------------------------------------------------------------------------------


def input_tokens(body: dict[str, Any]) -> int:
    """A deterministic count: 8 per message and 1 per 4 characters of JSON."""
    return 8 * len(body["messages"]) + len(json.dumps([body["messages"], body.get("system"), body.get("tools")])) // 4


def _placeholder(schema: dict[str, Any], top: bool = False) -> Any:
    kind = schema.get("type")
    if kind == "object" and top and "properties" not in schema:  # any object: the model answers in it
        return {"answer": TEXT}
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: _placeholder(props.get(k) or {}) for k in schema.get("required") or props}
    return {"string": "example", "integer": 1, "number": 1.5, "boolean": True, "array": []}.get(kind, None)


def answer(body: dict[str, Any], message_id: str) -> dict[str, Any]:
    """The ``Message`` the mock answers ``body`` with."""
    model = body["model"]
    last = body["messages"][-1]
    last_blocks = last["content"] if isinstance(last["content"], list) else [{"type": "text", "text": last["content"]}]
    results = [b for b in last_blocks if b.get("type") == "tool_result"]
    images = [b for b in last_blocks if b.get("type") == "image"]
    tools = body.get("tools") or []
    choice = body.get("tool_choice") or {"type": "auto"}
    thinking = (body.get("thinking") or {}).get("type") == "enabled"
    content: list[dict[str, Any]] = []
    thinking_tokens = 0
    if thinking:
        content.append(
            {
                "type": "thinking",
                "thinking": "Let me think about this step by step.",
                "signature": f"mock-sig-{message_id}",
            }
        )
        thinking_tokens = 9
    stop_reason = "end_turn"
    if tools and not results and choice["type"] != "none":
        tool = next((t for t in tools if t["name"] == choice.get("name")), tools[0])
        cities = (
            ["Paris", "Tokyo"] if "parallel" in model and not choice.get("disable_parallel_tool_use") else ["Paris"]
        )
        for n, city in enumerate(cities):
            args = _placeholder(tool["input_schema"], top=True)
            if "city" in (tool["input_schema"].get("properties") or {}):
                args["city"] = city
            content.append(
                {"type": "tool_use", "id": f"toolu_mock{message_id[-6:]}{n}", "name": tool["name"], "input": args}
            )
        stop_reason = "tool_use"
    else:
        if results:
            said = [
                r["content"] if isinstance(r["content"], str) else "".join(b["text"] for b in r["content"])
                for r in results
            ]
            text = "Tool said: " + "; ".join(said)
        elif images:
            kinds = [b["source"]["type"] if b["source"]["type"] == "url" else b["source"]["media_type"] for b in images]
            text = f"I see {len(images)} image(s): {', '.join(kinds)}."
        elif (body.get("output_config") or {}).get("format"):
            text = json.dumps(_placeholder(body["output_config"]["format"]["schema"]))
        else:
            text = TEXT
        content.append({"type": "text", "text": text})
    stop_sequence = None
    if model == "claude-stop" and body.get("stop_sequences"):
        stop_reason, stop_sequence = "stop_sequence", body["stop_sequences"][0]
    elif model == "claude-max":
        stop_reason = "max_tokens"
    elif model == "claude-refusal":
        stop_reason = "refusal"
    cached = "cache" in model
    output = thinking_tokens + sum(len(json.dumps(b)) // 8 for b in content)
    usage: dict[str, Any] = {
        "input_tokens": input_tokens(body),
        "cache_creation_input_tokens": 20 if cached else 0,
        "cache_read_input_tokens": 1000 if cached else 0,
        "cache_creation": {
            "ephemeral_5m_input_tokens": 15 if cached else 0,
            "ephemeral_1h_input_tokens": 5 if cached else 0,
        },
        "output_tokens": output,
        "service_tier": "standard",
    }
    if thinking:
        usage["output_tokens_details"] = {"thinking_tokens": thinking_tokens}
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model + "-20250929",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": usage,
    }


def _pieces(text: str, n: int = 3) -> list[str]:
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)]


def stream_events(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``message`` as the event sequence the streaming API sends."""
    usage = message["usage"]
    start_usage = {k: v for k, v in usage.items() if k != "output_tokens_details"} | {"output_tokens": 1}
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None, "usage": start_usage}
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(message["content"]):
        kind = block["type"]
        if kind == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in block["text"].split(" ")]
            deltas = [{"type": "text_delta", "text": (" " if i else "") + d["text"]} for i, d in enumerate(deltas)]
        elif kind == "tool_use":
            opening = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": ""}]
            deltas += [{"type": "input_json_delta", "partial_json": p} for p in _pieces(json.dumps(block["input"]))]
        else:  # thinking
            opening = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p} for p in _pieces(block["thinking"])]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        events.append(
            ("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening})
        )
        if index == 0:
            events.append(("ping", {"type": "ping"}))
        events += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    final_usage = {"output_tokens": usage["output_tokens"]}
    if "output_tokens_details" in usage:
        final_usage["output_tokens_details"] = usage["output_tokens_details"]
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": message["stop_sequence"]}
    events.append(("message_delta", {"type": "message_delta", "delta": delta, "usage": final_usage}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events
