"""Validation of Anthropic Messages API bodies, with 400s naming the field at fault.

The checks follow the API reference's types and the limits Anthropic itself enforces (thinking
budget of at least 1024 and below ``max_tokens``), so a client mistake is answered here, in
Anthropic's error format, rather than by whichever upstream serves the alias. Fields this door
cannot translate are refused by name; serving hints that do not change the answer are accepted
and dropped (``IGNORED_FIELDS``).
"""

from __future__ import annotations

from typing import Any

from freehold.echo import clip
from freehold.errors import InvalidRequest

__all__ = ["EFFORTS", "IGNORED_FIELDS", "check_request"]

_NUMBER = (int, float)
_TYPE_NAMES = {
    bool: "a boolean",
    dict: "an object",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
}
# Top-level fields this door translates, and their JSON types.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "model": (str,),
    "max_tokens": (int,),
    "messages": (list,),
    "system": (str, list),
    "stream": (bool,),
    "stop_sequences": (list,),
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "top_k": (int,),
    "metadata": (dict,),
    "tools": (list,),
    "tool_choice": (dict,),
    "thinking": (dict,),
    "output_config": (dict,),
}
# Serving hints with no canonical counterpart that do not change the answer: dropped.
IGNORED_FIELDS = frozenset({"cache_control", "service_tier", "inference_geo", "speed", "diagnostics"})
EFFORTS = {"low": "low", "medium": "medium", "high": "high", "xhigh": "high", "max": "high"}
_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _expect(value: object, types: tuple[type, ...], path: str) -> None:
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        wanted = "a number" if types == _NUMBER else " or ".join(_TYPE_NAMES[t] for t in types)
        raise InvalidRequest(f"'{path}' must be {wanted}, got {_json_type(value)}.", param=path)


def _required(body: dict[str, Any], key: str, types: tuple[type, ...], path: str) -> Any:
    if key not in body or body[key] is None:
        raise InvalidRequest(f"Missing required field '{path}'.", param=path, code="missing_required_parameter")
    value = body[key]
    _expect(value, types, path)
    return value


def _block_type(block: object, path: str) -> str:
    if not isinstance(block, dict):
        raise InvalidRequest(f"'{path}' must be a content block object, got {_json_type(block)}.", param=path)
    kind = block.get("type")
    if not isinstance(kind, str):
        raise InvalidRequest(f"'{path}.type' must be a string naming the block type.", param=f"{path}.type")
    return kind


def check_request(body: dict[str, Any], *, count_only: bool = False) -> None:
    """Validate an Anthropic Messages body (``count_only``: the ``count_tokens`` variant, no ``max_tokens``).

    Raises:
        InvalidRequest: naming the field at fault.
    """
    model = _required(body, "model", (str,), "model")
    if not model:
        raise InvalidRequest("'model' must be a non-empty string.", param="model")
    if not count_only:
        max_tokens = _required(body, "max_tokens", (int,), "max_tokens")
        if max_tokens < 1:
            raise InvalidRequest(f"'max_tokens' must be at least 1, got {max_tokens}.", param="max_tokens")
    messages = _required(body, "messages", (list,), "messages")
    if not messages:
        raise InvalidRequest("'messages' must contain at least one message.", param="messages")
    for key, value in body.items():
        if key in _FIELD_TYPES:
            if value is not None:
                _expect(value, _FIELD_TYPES[key], key)
        elif key not in IGNORED_FIELDS and not (key == "max_tokens" and count_only):
            raise InvalidRequest(
                f"{clip(key)} is not supported by this gateway's Anthropic Messages endpoint; remove it.", param=key
            )
    for i, message in enumerate(messages):
        _check_message(message, f"messages[{i}]")
    _check_system(body.get("system"))
    for i, stop in enumerate(body.get("stop_sequences") or ()):
        _expect(stop, (str,), f"stop_sequences[{i}]")
    user_id = (body.get("metadata") or {}).get("user_id")
    if user_id is not None:
        _expect(user_id, (str,), "metadata.user_id")
    for i, tool in enumerate(body.get("tools") or ()):
        _check_tool(tool, f"tools[{i}]")
    if body.get("tool_choice") is not None:
        _check_tool_choice(body["tool_choice"])
    thinking = body.get("thinking")
    if thinking is not None:
        _check_thinking(thinking, body.get("max_tokens"))
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None and effort not in EFFORTS:
        raise InvalidRequest(
            f"'output_config.effort' must be one of {', '.join(EFFORTS)}, got {clip(effort)}.",
            param="output_config.effort",
        )


def _check_system(system: object) -> None:
    if isinstance(system, list):
        for j, block in enumerate(system):
            path = f"system[{j}]"
            if _block_type(block, path) != "text":
                raise InvalidRequest(f"'{path}.type' must be 'text' in a system prompt.", param=f"{path}.type")
            _required(block, "text", (str,), f"{path}.text")


def _check_message(message: object, path: str) -> None:
    if not isinstance(message, dict):
        raise InvalidRequest(f"'{path}' must be an object with 'role' and 'content'.", param=path)
    role = message.get("role")
    if role not in ("user", "assistant"):
        hint = " Put system instructions in the top-level 'system' field." if role == "system" else ""
        raise InvalidRequest(
            f"'{path}.role' must be 'user' or 'assistant', got {clip(role)}.{hint}", param=f"{path}.role"
        )
    content = _required(message, "content", (str, list), f"{path}.content")
    if isinstance(content, str):
        return
    for j, block in enumerate(content):
        _check_block(block, f"{path}.content[{j}]", role)


_USER_BLOCKS = ("text", "image", "tool_result")
_ASSISTANT_BLOCKS = ("text", "tool_use", "thinking", "redacted_thinking")


def _check_block(block: object, path: str, role: str) -> None:
    kind = _block_type(block, path)
    assert isinstance(block, dict)
    allowed = _USER_BLOCKS if role == "user" else _ASSISTANT_BLOCKS
    if kind not in allowed:
        raise InvalidRequest(
            f"'{path}.type' {clip(kind)} is not supported in a {role} turn by this gateway; "
            f"use one of {', '.join(allowed)}.",
            param=f"{path}.type",
        )
    if kind == "text":
        _required(block, "text", (str,), f"{path}.text")
    elif kind == "image":
        _check_image(block, path)
    elif kind == "tool_use":
        _required(block, "id", (str,), f"{path}.id")
        _required(block, "name", (str,), f"{path}.name")
        _required(block, "input", (dict,), f"{path}.input")
    elif kind == "tool_result":
        _required(block, "tool_use_id", (str,), f"{path}.tool_use_id")
        content = block.get("content")
        if content is not None:
            _expect(content, (str, list), f"{path}.content")
        if isinstance(content, list):
            for k, inner in enumerate(content):
                inner_path = f"{path}.content[{k}]"
                inner_kind = _block_type(inner, inner_path)
                if inner_kind == "text":
                    _required(inner, "text", (str,), f"{inner_path}.text")
                elif inner_kind == "image":
                    _check_image(inner, inner_path)
                else:
                    raise InvalidRequest(
                        f"'{inner_path}.type' must be 'text' or 'image' in a tool result, got {clip(inner_kind)}.",
                        param=f"{inner_path}.type",
                    )
        if block.get("is_error") is not None:
            _expect(block["is_error"], (bool,), f"{path}.is_error")


def _check_image(block: dict[str, Any], path: str) -> None:
    source = _required(block, "source", (dict,), f"{path}.source")
    kind = source.get("type")
    if kind == "base64":
        media = _required(source, "media_type", (str,), f"{path}.source.media_type")
        if media not in _IMAGE_TYPES:
            raise InvalidRequest(
                f"'{path}.source.media_type' must be one of {', '.join(sorted(_IMAGE_TYPES))}, got {clip(media)}.",
                param=f"{path}.source.media_type",
            )
        _required(source, "data", (str,), f"{path}.source.data")
    elif kind == "url":
        _required(source, "url", (str,), f"{path}.source.url")
    else:
        raise InvalidRequest(
            f"'{path}.source.type' must be 'base64' or 'url' (file references are not supported), got {clip(kind)}.",
            param=f"{path}.source.type",
        )


def _check_tool(tool: object, path: str) -> None:
    if not isinstance(tool, dict):
        raise InvalidRequest(f"'{path}' must be a tool object.", param=path)
    kind = tool.get("type")
    if kind not in (None, "custom"):
        raise InvalidRequest(
            f"'{path}.type' {clip(kind)} is an Anthropic server tool, which this gateway cannot run; "
            "define it as a client tool with 'name' and 'input_schema'.",
            param=f"{path}.type",
        )
    _required(tool, "name", (str,), f"{path}.name")
    schema = _required(tool, "input_schema", (dict,), f"{path}.input_schema")
    if schema.get("type", "object") != "object":
        raise InvalidRequest(f"'{path}.input_schema.type' must be 'object'.", param=f"{path}.input_schema.type")
    if tool.get("description") is not None:
        _expect(tool["description"], (str,), f"{path}.description")


def _check_tool_choice(choice: dict[str, Any]) -> None:
    kind = choice.get("type")
    if kind not in ("auto", "any", "tool", "none"):
        raise InvalidRequest(
            f"'tool_choice.type' must be one of auto, any, tool, none, got {clip(kind)}.", param="tool_choice.type"
        )
    if kind == "tool":
        _required(choice, "name", (str,), "tool_choice.name")
    if choice.get("disable_parallel_tool_use") is not None:
        _expect(choice["disable_parallel_tool_use"], (bool,), "tool_choice.disable_parallel_tool_use")


def _check_thinking(thinking: dict[str, Any], max_tokens: object) -> None:
    kind = thinking.get("type")
    if kind not in ("enabled", "disabled", "adaptive", "between_tools"):
        raise InvalidRequest(
            f"'thinking.type' must be one of enabled, disabled, adaptive, between_tools, got {clip(kind)}.",
            param="thinking.type",
        )
    if kind == "enabled":
        budget = _required(thinking, "budget_tokens", (int,), "thinking.budget_tokens")
        if budget < 1024:
            raise InvalidRequest(
                f"'thinking.budget_tokens' must be at least 1024, got {budget}.", param="thinking.budget_tokens"
            )
        if isinstance(max_tokens, int) and budget >= max_tokens:
            raise InvalidRequest(
                f"'thinking.budget_tokens' ({budget}) must be less than 'max_tokens' ({max_tokens}).",
                param="thinking.budget_tokens",
            )
