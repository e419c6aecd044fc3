"""Decoding of ``POST /v1/chat/completions`` bodies.

The fast path decodes only what a stage needs and keeps the rest of the body as it came, so
fields the gateway does not know pass through untouched to OpenAI-compatible upstreams. The
well-known fields are type-checked here so that a client mistake gets a 400 naming the field
instead of an upstream error, or worse, a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import orjson

from freehold.echo import clip
from freehold.errors import InvalidRequest

__all__ = ["MAX_JSON_DEPTH", "ChatRequest", "EmbeddingsRequest", "decode_json_object", "parse_chat", "parse_embeddings"]

_NUMBER = (int, float)
# Top-level fields whose type we check when present. None means "any JSON value"; bool is
# excluded from numbers explicitly below because bool is an int subclass in Python.
_CHAT_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "stream": (bool,),
    "stream_options": (dict,),
    "n": (int,),
    "max_tokens": (int,),
    "max_completion_tokens": (int,),
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "presence_penalty": _NUMBER,
    "frequency_penalty": _NUMBER,
    "seed": (int,),
    "logprobs": (bool,),
    "top_logprobs": (int,),
    "tools": (list,),
    "tool_choice": (str, dict),
    "parallel_tool_calls": (bool,),
    "response_format": (dict,),
    "stop": (str, list),
    "user": (str,),
    "logit_bias": (dict,),
    "metadata": (dict,),
}
_AT_LEAST_ONE = frozenset({"n", "max_tokens", "max_completion_tokens"})
_TYPE_NAMES = {
    bool: "a boolean",
    dict: "an object",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
}
_MESSAGE_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})


@dataclass(slots=True)
class ChatRequest:
    """A decoded chat request.

    Attributes:
        body: the whole JSON object as sent; adapters read what they translate.
        model: the alias the client asked for.
        stream: whether the client wants SSE.
        drop_unsupported: set by the gateway from the alias: adapters leave out parameters the
            target cannot honor instead of rejecting the request.
    """

    body: dict[str, Any]
    model: str
    stream: bool
    drop_unsupported: bool = False


@dataclass(slots=True)
class EmbeddingsRequest:
    body: dict[str, Any]
    model: str


MAX_JSON_DEPTH: Final = 200
"""Levels of nesting a request body may use (the body object itself is the first)."""
# orjson reads 1,023 levels but writes only 254: a deeper body would parse, then fail when it is
# forwarded. The doors refuse over MAX_JSON_DEPTH, leaving room for the levels translations add.
# The check is one orjson.dumps of the body inside _PROBE_LEVELS lists (C speed, ~0.3 ns per byte;
# a walk in Python costs ~150 ns per object or array, which a body of tiny arrays would abuse).
_ORJSON_WRITE_DEPTH: Final = 254
_PROBE_LEVELS: Final = _ORJSON_WRITE_DEPTH - MAX_JSON_DEPTH
_probe_inner: list[Any] = [None]
_probe: list[Any] = _probe_inner
for _ in range(_PROBE_LEVELS - 1):
    _probe = [_probe]


def decode_json_object(raw: bytes) -> dict[str, Any]:
    """Parse a request body that must be one JSON object, nested at most ``MAX_JSON_DEPTH`` levels."""
    if not raw:
        raise InvalidRequest("Request body is empty; send a JSON object.", code="invalid_json")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"Request body is not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidRequest(f"Request body must be a JSON object, got {_json_type(body)}.", code="invalid_json")
    _probe_inner[0] = body
    try:
        orjson.dumps(_probe)
    except orjson.JSONEncodeError:
        raise InvalidRequest(
            f"Request body nests objects and arrays more than {MAX_JSON_DEPTH} levels deep; "
            f"this gateway accepts at most {MAX_JSON_DEPTH}.",
            code="json_too_deep",
        ) from None
    finally:
        _probe_inner[0] = None  # the probe must not keep a request alive
    return body


def parse_chat(raw: bytes) -> ChatRequest:
    """Decode and check a chat completion request."""
    body = decode_json_object(raw)
    model = _model(body)
    messages = body.get("messages")
    if messages is None:
        raise InvalidRequest(
            "Missing required parameter: 'messages'.", param="messages", code="missing_required_parameter"
        )
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest("'messages' must be a non-empty array of message objects.", param="messages")
    for i, message in enumerate(messages):
        _check_message(i, message)
    # Walk the request's few keys rather than the many typed fields (measurably cheaper per request).
    for key, value in body.items():
        types = _CHAT_FIELD_TYPES.get(key)
        if types is None or value is None:
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise InvalidRequest(
                f"'{key}' must be {' or '.join(_TYPE_NAMES[t] for t in types)}, got {_json_type(value)}.", param=key
            )
        if key in _AT_LEAST_ONE and isinstance(value, int) and value < 1:
            raise InvalidRequest(f"'{key}' must be at least 1, got {value}.", param=key)
    stream = body.get("stream") is True
    if body.get("stream_options") is not None and not stream:
        raise InvalidRequest("'stream_options' is only allowed when 'stream' is true.", param="stream_options")
    if (body.get("n") or 1) > 128:  # OpenAI's own cap; also bounds the work one request can ask for
        raise InvalidRequest(f"'n' must be at most 128, got {body['n']}.", param="n")
    return ChatRequest(body=body, model=model, stream=stream)


def parse_embeddings(raw: bytes) -> EmbeddingsRequest:
    """Decode and check an embeddings request."""
    body = decode_json_object(raw)
    model = _model(body)
    inp = body.get("input")
    if inp is None:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input", code="missing_required_parameter")
    ok = (isinstance(inp, str) and inp != "") or (
        isinstance(inp, list)
        and len(inp) > 0
        and (
            all(isinstance(x, str) for x in inp)
            or all(_is_int(x) for x in inp)
            or all(isinstance(x, list) and x and all(_is_int(t) for t in x) for x in inp)
        )
    )
    if not ok:
        raise InvalidRequest(
            "'input' must be a non-empty string, an array of strings, an array of token ids, "
            "or an array of token-id arrays.",
            param="input",
        )
    if body.get("encoding_format") not in (None, "float", "base64"):
        raise InvalidRequest("'encoding_format' must be 'float' or 'base64'.", param="encoding_format")
    dims = body.get("dimensions")
    if dims is not None and (not isinstance(dims, int) or isinstance(dims, bool) or dims < 1):
        raise InvalidRequest("'dimensions' must be a positive integer.", param="dimensions")
    return EmbeddingsRequest(body=body, model=model)


def _model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise InvalidRequest("Missing required parameter: 'model'.", param="model", code="missing_required_parameter")
    if not isinstance(model, str) or not model:
        got = "an empty string" if model == "" else _json_type(model)
        raise InvalidRequest(f"'model' must be a non-empty string, got {got}.", param="model")
    return model


def _check_message(i: int, message: object) -> None:
    """Type-check one message: its role, its content (parts included) and the fields adapters read.

    Fields the gateway does not know pass through unchecked, to OpenAI-compatible upstreams that
    may understand them; the known ones must have their documented types, because translations,
    estimates and policies read them (a number where text belongs once broke usage accounting).
    """
    if not isinstance(message, dict):
        raise InvalidRequest(
            f"'messages[{i}]' must be an object with 'role' and 'content', got {_json_type(message)}.",
            param=f"messages[{i}]",
        )
    role = message.get("role")
    if not isinstance(role, str) or role not in _MESSAGE_ROLES:
        got = clip(role) if isinstance(role, str) else _json_type(role)
        raise InvalidRequest(
            f"'messages[{i}].role' must be one of {', '.join(sorted(_MESSAGE_ROLES))}, got {got}.",
            param=f"messages[{i}].role",
        )
    for key, value in message.items():
        if value is None or key == "role":
            continue
        if key == "content":
            if isinstance(value, list):
                _check_parts(f"messages[{i}].content", value)
            elif not isinstance(value, str):
                raise InvalidRequest(
                    f"'messages[{i}].content' must be a string or an array of content parts, got {_json_type(value)}.",
                    param=f"messages[{i}].content",
                )
        elif key in _MESSAGE_STRINGS:
            _expect_str(value, f"messages[{i}].{key}")
        elif key == "tool_calls":
            _check_tool_calls(i, value)
        elif key == "function_call":
            _check_function(value, f"messages[{i}].function_call")


# Message fields that are strings when present.
_MESSAGE_STRINGS = frozenset({"name", "tool_call_id", "refusal"})
# Content part type → (the field holding its payload, the types that field may have). Part types
# not listed (e.g. vLLM's ``video_url``) pass through for upstreams that know them.
_PARTS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "text": ("text", str),
    "image_url": ("image_url", (dict, str)),
    "input_audio": ("input_audio", dict),
    "file": ("file", dict),
    "refusal": ("refusal", str),
}


def _check_parts(path: str, parts: list[Any]) -> None:
    for j, part in enumerate(parts):
        where = f"{path}[{j}]"
        if not isinstance(part, dict):
            raise InvalidRequest(
                f'\'{where}\' must be a content part object such as {{"type": "text", "text": "..."}}, '
                f"got {_json_type(part)}.",
                param=where,
            )
        kind = part.get("type")
        if not isinstance(kind, str):
            raise InvalidRequest(
                f"'{where}.type' must be a string naming the part's type (text, image_url, ...), "
                f"got {_json_type(kind)}.",
                param=f"{where}.type",
            )
        expected = _PARTS.get(kind)
        if expected is None:
            continue
        field, types = expected
        value = part.get(field)
        if not isinstance(value, types):
            wanted = "a string" if types is str else ("an object" if types is dict else "an object or a string")
            raise InvalidRequest(
                f"'{where}.{field}' must be {wanted} in a '{kind}' part, got {_json_type(value)}.",
                param=f"{where}.{field}",
            )
        if kind == "image_url" and isinstance(value, dict):
            _expect_str(value.get("url"), f"{where}.image_url.url")


def _check_tool_calls(i: int, calls: object) -> None:
    path = f"messages[{i}].tool_calls"
    if not isinstance(calls, list):
        raise InvalidRequest(f"'{path}' must be an array of tool calls, got {_json_type(calls)}.", param=path)
    for j, call in enumerate(calls):
        where = f"{path}[{j}]"
        if not isinstance(call, dict):
            raise InvalidRequest(f"'{where}' must be a tool call object, got {_json_type(call)}.", param=where)
        for key in ("id", "type"):
            if call.get(key) is not None:
                _expect_str(call[key], f"{where}.{key}")
        _check_function(call.get("function"), f"{where}.function")


def _check_function(function: object, path: str) -> None:
    """``{"name": str, "arguments": str}``: arguments are JSON *text*, as OpenAI defines them.

    Missing arguments are left to the upstream (translations read them as ``{}``).
    """
    if not isinstance(function, dict):
        raise InvalidRequest(
            f"'{path}' must be an object with 'name' and 'arguments', got {_json_type(function)}.", param=path
        )
    _expect_str(function.get("name"), f"{path}.name")
    if function.get("arguments") is not None:
        _expect_str(function["arguments"], f"{path}.arguments", hint=" (the arguments as JSON text)")


def _expect_str(value: object, path: str, hint: str = "") -> None:
    if not isinstance(value, str):
        raise InvalidRequest(f"'{path}' must be a string{hint}, got {_json_type(value)}.", param=path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)
