"""A Responses API request (``POST /v1/responses``) → the canonical chat body.

``input`` items become chat messages: messages keep their role (``developer`` becomes
``system``, which every chat server understands and which OpenAI's newer models treat as
developer instructions anyway), ``function_call`` items become an assistant message's
``tool_calls`` and ``function_call_output`` items become ``tool`` messages. ``instructions``
become a leading system message and are never stored: the API does not carry them over to a
response chained with ``previous_response_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freehold.echo import clip
from freehold.errors import InvalidRequest
from freehold.schemas.chat import decode_json_object

__all__ = ["ResponsesRequest", "items_to_messages", "normalize_input", "parse_request", "to_chat"]

_NUMBER = (int, float)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "input": (str, list),
    "instructions": (str,),
    "tools": (list,),
    "tool_choice": (str, dict),
    "parallel_tool_calls": (bool,),
    "max_output_tokens": (int,),
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "text": (dict,),
    "reasoning": (dict,),
    "metadata": (dict,),
    "user": (str,),
    "stream": (bool,),
    "store": (bool,),
    "previous_response_id": (str,),
    "service_tier": (str,),
    "prompt_cache_key": (str,),
    "safety_identifier": (str,),
    "include": (list,),
    "truncation": (str,),
    "stream_options": (dict,),
    "background": (bool,),
}
# Accepted and echoed but with nothing to translate: `include` asks for extras (encrypted
# reasoning, logprobs) a chat upstream does not produce; `truncation: auto` only matters once the
# context overflows, and then the upstream's context-length error reaches the client instead;
# `stream_options.include_obfuscation` pads events against side channels, pointless on a gateway.
_IGNORED = frozenset({"include", "truncation", "stream_options"})
# Sent on to the chat body under the same name.
_PASSED = ("temperature", "top_p", "user", "service_tier", "prompt_cache_key", "safety_identifier")
_TYPE_NAMES = {
    bool: "a boolean",
    dict: "an object",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
}
_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}


@dataclass(slots=True)
class ResponsesRequest:
    """A checked ``POST /v1/responses`` body.

    Attributes:
        body: the JSON object as sent (echoed fields are read from it).
        model: the alias asked for.
        stream: whether the client wants the event stream.
        store: whether to keep the response for ``previous_response_id`` and ``GET`` (default true).
        previous_response_id: the stored response this one continues, if any.
        input_items: this turn's input as a list of items (a string input becomes one user message).
    """

    body: dict[str, Any]
    model: str
    stream: bool
    store: bool
    previous_response_id: str | None
    input_items: list[dict[str, Any]]


def parse_request(raw: bytes) -> ResponsesRequest:
    """Decode and check the body; a client mistake is a 400 naming the field."""
    body = decode_json_object(raw)
    model = body.get("model")
    if model is None:
        raise InvalidRequest("Missing required parameter: 'model'.", param="model", code="missing_required_parameter")
    if not isinstance(model, str) or not model:
        raise InvalidRequest("'model' must be a non-empty string.", param="model")
    for key, value in body.items():
        if key == "model" or value is None:
            continue
        types = _FIELD_TYPES.get(key)
        if types is None:
            raise InvalidRequest(
                f"{clip(key)} is not supported by this gateway's Responses API; remove it.",
                param=key,
                code="unsupported_parameter",
            )
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise InvalidRequest(f"'{key}' must be {' or '.join(_TYPE_NAMES[t] for t in types)}.", param=key)
    limit = body.get("max_output_tokens")
    if limit is not None and limit < 1:
        raise InvalidRequest("'max_output_tokens' must be at least 1.", param="max_output_tokens")
    if body.get("background") is True:
        raise InvalidRequest(
            "'background' responses are not supported by this gateway; leave it out or false.",
            param="background",
            code="unsupported_parameter",
        )
    stream = body.get("stream") is True
    if body.get("stream_options") is not None and not stream:
        raise InvalidRequest("'stream_options' is only allowed when 'stream' is true.", param="stream_options")
    previous = body.get("previous_response_id")
    inp = body.get("input")
    if inp is None and previous is None:
        raise InvalidRequest("Missing required parameter: 'input'.", param="input", code="missing_required_parameter")
    items = normalize_input(inp)
    if not items and previous is None:
        raise InvalidRequest("'input' must not be empty.", param="input")
    return ResponsesRequest(
        body=body,
        model=model,
        stream=stream,
        store=body.get("store") is not False,
        previous_response_id=previous,
        input_items=items,
    )


def normalize_input(inp: str | list[Any] | None) -> list[dict[str, Any]]:
    """The input as a list of items; each item is checked when it is translated."""
    if inp is None:
        return []
    if isinstance(inp, str):
        return [{"type": "message", "role": "user", "content": inp}]
    for i, item in enumerate(inp):
        if not isinstance(item, dict):
            raise InvalidRequest(f"'input[{i}]' must be an object.", param=f"input[{i}]")
    return list(inp)


def to_chat(request: ResponsesRequest, history: list[dict[str, Any]]) -> dict[str, Any]:
    """The canonical chat body for ``request``, continuing ``history`` (a stored conversation)."""
    body = request.body
    messages: list[dict[str, Any]] = []
    if body.get("instructions"):
        messages.append({"role": "system", "content": body["instructions"]})
    # Only this turn's items are checked against the request's own indexes; stored ones are ours.
    messages += items_to_messages(history, offset=None)
    messages += items_to_messages(request.input_items, offset=0)
    if not messages:
        raise InvalidRequest("'input' must not be empty.", param="input")
    chat: dict[str, Any] = {"model": request.model, "messages": messages}
    if request.stream:
        chat["stream"] = True
        chat["stream_options"] = {"include_usage": True}  # response.completed carries usage
    for key in _PASSED:
        if body.get(key) is not None:
            chat[key] = body[key]
    if body.get("max_output_tokens") is not None:
        chat["max_completion_tokens"] = body["max_output_tokens"]
    if body.get("tools"):
        chat["tools"] = [_tool(i, tool) for i, tool in enumerate(body["tools"])]
        # Chat servers refuse these two without tools; without tools they mean nothing anyway.
        if body.get("tool_choice") is not None:
            chat["tool_choice"] = _tool_choice(body["tool_choice"])
        if body.get("parallel_tool_calls") is not None:
            chat["parallel_tool_calls"] = body["parallel_tool_calls"]
    text = body.get("text") or {}
    if text.get("format") is not None:
        response_format = _response_format(text["format"])
        if response_format is not None:
            chat["response_format"] = response_format
    if text.get("verbosity") is not None:
        chat["verbosity"] = text["verbosity"]
    effort = (body.get("reasoning") or {}).get("effort")
    if effort is not None:
        if not isinstance(effort, str):
            raise InvalidRequest("'reasoning.effort' must be a string.", param="reasoning.effort")
        chat["reasoning_effort"] = effort
    # `metadata` is only echoed: OpenAI's chat endpoint refuses it unless it stores the completion.
    return chat


# --- input items -------------------------------------------------------------------------


def items_to_messages(items: list[dict[str, Any]], offset: int | None = 0) -> list[dict[str, Any]]:
    """Chat messages for Responses input (or stored output) items.

    ``offset`` numbers the items in error messages (``input[i]``); None for stored items.
    """
    messages: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        where = f"input[{i + offset}]" if offset is not None else f"stored item {i}"
        kind = item.get("type", "message")
        if kind == "message":
            messages.append(_message(item, where))
        elif kind == "function_call":
            call = _function_call(item, where)
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant":
                # Text and calls of one assistant turn arrive as separate items; chat wants one message.
                last.setdefault("tool_calls", []).append(call)
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            messages.append(_function_output(item, where))
        elif kind == "reasoning":
            # A previous turn's reasoning: chat has no way to send it back (and most models ignore it).
            continue
        else:
            raise InvalidRequest(
                f"'{where}.type' is '{kind}', which this gateway cannot send to a chat model; "
                "use message, function_call and function_call_output items.",
                param=f"{where}.type",
                code="unsupported_parameter",
            )
    return messages


def _message(item: dict[str, Any], where: str) -> dict[str, Any]:
    role = item.get("role")
    if not isinstance(role, str) or role not in _ROLES:
        raise InvalidRequest(
            f"'{where}.role' must be one of user, assistant, system, developer; got {clip(role)}.",
            param=f"{where}.role",
        )
    content = item.get("content")
    if isinstance(content, str):
        return {"role": _ROLES[role], "content": content}
    if not isinstance(content, list):
        raise InvalidRequest(
            f"'{where}.content' must be a string or an array of content parts.", param=f"{where}.content"
        )
    parts = [_part(part, f"{where}.content[{j}]", role) for j, part in enumerate(content)]
    if len(parts) == 1 and parts[0]["type"] == "text":
        return {"role": _ROLES[role], "content": parts[0]["text"]}
    return {"role": _ROLES[role], "content": parts}


def _part(part: object, where: str, role: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise InvalidRequest(f"'{where}' must be an object.", param=where)
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text"):
        text = part.get("text")
        if not isinstance(text, str):
            raise InvalidRequest(f"'{where}.text' must be a string.", param=f"{where}.text")
        return {"type": "text", "text": text}
    if kind == "refusal" and role == "assistant" and isinstance(part.get("refusal"), str):
        return {"type": "refusal", "refusal": part["refusal"]}
    if kind == "input_image" and role == "user":
        url = part.get("image_url")
        if not isinstance(url, str) or not url:
            raise InvalidRequest(
                f"'{where}.image_url' must be an image URL or a data URL; file_id needs OpenAI's Files API, "
                "which this gateway does not serve.",
                param=f"{where}.image_url",
                code="unsupported_parameter",
            )
        image: dict[str, Any] = {"url": url}
        if part.get("detail") is not None:
            image["detail"] = part["detail"]
        return {"type": "image_url", "image_url": image}
    if kind == "input_file" and role == "user":
        data = part.get("file_data")
        if not isinstance(data, str) or not data:
            raise InvalidRequest(
                f"'{where}.file_data' must be a base64 data URL; file_id and file_url are not served by this gateway.",
                param=f"{where}.file_data",
                code="unsupported_parameter",
            )
        file: dict[str, Any] = {"file_data": data}
        if isinstance(part.get("filename"), str):
            file["filename"] = part["filename"]
        return {"type": "file", "file": file}
    raise InvalidRequest(
        f"'{where}.type' is {clip(kind)}, which is not a content part a {role} message can carry here.",
        param=f"{where}.type",
    )


def _function_call(item: dict[str, Any], where: str) -> dict[str, Any]:
    for key in ("call_id", "name", "arguments"):
        if not isinstance(item.get(key), str):
            raise InvalidRequest(f"'{where}.{key}' must be a string.", param=f"{where}.{key}")
    return {
        "id": item["call_id"],
        "type": "function",
        "function": {"name": item["name"], "arguments": item["arguments"]},
    }


def _function_output(item: dict[str, Any], where: str) -> dict[str, Any]:
    call_id = item.get("call_id")
    if not isinstance(call_id, str) or not call_id:
        raise InvalidRequest(f"'{where}.call_id' must be a string.", param=f"{where}.call_id")
    output = item.get("output")
    content: str | list[dict[str, Any]]
    if isinstance(output, str):
        content = output
    elif isinstance(output, list):
        # Chat tool messages carry text only.
        content = []
        for j, part in enumerate(output):
            if not isinstance(part, dict) or part.get("type") != "input_text" or not isinstance(part.get("text"), str):
                raise InvalidRequest(
                    f"'{where}.output[{j}]' must be an input_text part: a chat model takes text tool results only.",
                    param=f"{where}.output[{j}]",
                )
            content.append({"type": "text", "text": part["text"]})
    else:
        raise InvalidRequest(f"'{where}.output' must be a string or an array of parts.", param=f"{where}.output")
    return {"role": "tool", "tool_call_id": call_id, "content": content}


# --- tools and formats -------------------------------------------------------------------


def _tool(i: int, tool: object) -> dict[str, Any]:
    where = f"tools[{i}]"
    if not isinstance(tool, dict):
        raise InvalidRequest(f"'{where}' must be an object.", param=where)
    kind = tool.get("type")
    if kind != "function":
        raise InvalidRequest(
            f"Tool '{kind}' ({where}) is not supported by this gateway: it serves function tools only.",
            param=f"{where}.type",
            code="unsupported_parameter",
        )
    if not isinstance(tool.get("name"), str) or not tool["name"]:
        raise InvalidRequest(f"'{where}.name' must be a non-empty string.", param=f"{where}.name")
    function = {k: tool[k] for k in ("name", "description", "parameters", "strict") if tool.get(k) is not None}
    return {"type": "function", "function": function}


def _tool_choice(choice: str | dict[str, Any]) -> str | dict[str, Any]:
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise InvalidRequest("'tool_choice' must be none, auto, required or a function.", param="tool_choice")
        return choice
    kind = choice.get("type")
    if kind == "function" and isinstance(choice.get("name"), str):
        return {"type": "function", "function": {"name": choice["name"]}}
    if kind == "allowed_tools" and isinstance(choice.get("tools"), list):
        tools = []
        for tool in choice["tools"]:
            if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(tool.get("name"), str):
                raise InvalidRequest("'tool_choice.tools' may name function tools only.", param="tool_choice.tools")
            tools.append({"type": "function", "function": {"name": tool["name"]}})
        return {"type": "allowed_tools", "allowed_tools": {"mode": choice.get("mode", "auto"), "tools": tools}}
    raise InvalidRequest(
        f"'tool_choice' of type {clip(kind)} is not supported by this gateway: it serves function tools only.",
        param="tool_choice",
        code="unsupported_parameter",
    )


def _response_format(fmt: object) -> dict[str, Any] | None:
    if not isinstance(fmt, dict):
        raise InvalidRequest("'text.format' must be an object.", param="text.format")
    kind = fmt.get("type")
    if kind == "text":
        return None  # the chat default
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema":
        if not isinstance(fmt.get("name"), str) or not isinstance(fmt.get("schema"), dict):
            raise InvalidRequest(
                "'text.format' of type json_schema needs a 'name' and a 'schema' object.", param="text.format"
            )
        schema = {k: fmt[k] for k in ("name", "schema", "description", "strict") if fmt.get(k) is not None}
        return {"type": "json_schema", "json_schema": schema}
    raise InvalidRequest("'text.format.type' must be text, json_object or json_schema.", param="text.format.type")
