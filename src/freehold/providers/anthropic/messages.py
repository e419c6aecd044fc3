"""OpenAI messages → the Messages API's ``system`` and alternating user/assistant turns (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

import orjson

from freehold.echo import clip
from freehold.errors import InvalidRequest
from freehold.providers.anthropic.wire import Block, ImageBlock, TextBlock, ToolResultBlock, Turn

__all__ = ["messages_to_upstream"]

_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_DATA_URL = re.compile(r"^data:(?P<mime>[^;,]+)(?:;[^;,]+)*;base64,(?P<data>.+)$", re.DOTALL)


def messages_to_upstream(messages: list[dict[str, Any]]) -> tuple[list[TextBlock], list[Turn]]:
    system: list[TextBlock] = []
    turns: list[Turn] = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        role = message["role"]
        blocks: list[Block]
        if role in ("system", "developer"):
            system.extend(_text_blocks(message.get("content"), where))
            continue
        if role == "user":
            blocks, turn_role = _user_blocks(message.get("content"), where), "user"
        elif role == "assistant":
            blocks, turn_role = _assistant_blocks(message, where), "assistant"
        elif role == "tool":
            blocks, turn_role = [_tool_result(message, where)], "user"
        else:
            raise InvalidRequest(
                f"'{where}.role' 'function' is the deprecated form of 'tool'; send tool results as role 'tool'.",
                param=f"{where}.role",
            )
        if not blocks:
            continue
        if turns and turns[-1]["role"] == turn_role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": cast(Any, turn_role), "content": blocks})
    return system, turns


def _text(text: str, part: Mapping[str, Any] | None = None) -> TextBlock:
    block: TextBlock = {"type": "text", "text": text}
    if part is not None and isinstance(part.get("cache_control"), dict):
        block["cache_control"] = part["cache_control"]  # Anthropic's own prompt-caching marker, passed on
    return block


def _text_blocks(content: object, where: str) -> list[TextBlock]:
    """Text-only content (system, developer, tool results): a string or an array of text parts."""
    if content is None:
        return []
    if isinstance(content, str):
        return [_text(content)] if content else []
    blocks: list[TextBlock] = []
    for j, part in enumerate(cast(list[Any], content)):
        if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise InvalidRequest(f"'{where}.content[{j}]' must be a text part here.", param=f"{where}.content[{j}]")
        if part["text"]:
            blocks.append(_text(part["text"], part))
    return blocks


def _user_blocks(content: object, where: str) -> list[Block]:
    if content is None or isinstance(content, str):
        return list(_text_blocks(content, where))
    blocks: list[Block] = []
    for j, part in enumerate(cast(list[Any], content)):
        param = f"{where}.content[{j}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            if part["text"]:
                blocks.append(_text(part["text"], part))
        elif kind == "image_url":
            blocks.append(_image(part, param))
        elif kind == "file":
            blocks.append(_document(part, param))
        else:
            raise InvalidRequest(
                f"'{param}' has type {clip(kind)}; the Messages API takes text, image_url and PDF file parts.",
                param=param,
            )
    return blocks


def _image(part: Mapping[str, Any], param: str) -> ImageBlock:
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str) or not url:
        raise InvalidRequest(f"'{param}.image_url.url' must be a URL or a data URL.", param=f"{param}.image_url")
    block: ImageBlock
    if url.startswith(("http://", "https://")):
        block = {"type": "image", "source": {"type": "url", "url": url}}
    else:
        match = _DATA_URL.match(url)
        if match is None or match["mime"] not in _IMAGE_TYPES:
            raise InvalidRequest(
                f"'{param}.image_url.url' must be an http(s) URL or a base64 data URL of a JPEG, PNG, GIF or WebP "
                "image (data:image/png;base64,...).",
                param=f"{param}.image_url",
            )
        block = {"type": "image", "source": {"type": "base64", "media_type": match["mime"], "data": match["data"]}}
    if isinstance(part.get("cache_control"), dict):
        block["cache_control"] = part["cache_control"]
    return block


def _document(part: Mapping[str, Any], param: str) -> Block:
    file = part.get("file")
    data = file.get("file_data") if isinstance(file, dict) else None
    match = _DATA_URL.match(data) if isinstance(data, str) else None
    if match is None or match["mime"] != "application/pdf":
        raise InvalidRequest(
            f"'{param}.file.file_data' must be a base64 data URL of a PDF (uploaded file ids are not supported).",
            param=f"{param}.file",
        )
    return {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": match["data"]}}


def _assistant_blocks(message: Mapping[str, Any], where: str) -> list[Block]:
    blocks: list[Block] = []
    for k, block in enumerate(message.get("thinking_blocks") or ()):  # replayed verbatim: the signature must match
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "thinking" and isinstance(block.get("signature"), str):
            blocks.append({"type": "thinking", "thinking": block.get("thinking", ""), "signature": block["signature"]})
        elif kind == "redacted_thinking" and isinstance(block.get("data"), str):
            blocks.append({"type": "redacted_thinking", "data": block["data"]})
        else:
            raise InvalidRequest(
                f"'{where}.thinking_blocks[{k}]' must be a block as the gateway returned it (thinking with its "
                "signature, or redacted_thinking with its data).",
                param=f"{where}.thinking_blocks[{k}]",
            )
    content = message.get("content")
    if isinstance(content, list):
        content = [
            {"type": "text", "text": p.get("refusal") or ""}
            if isinstance(p, dict) and p.get("type") == "refusal"
            else p
            for p in content
        ]
    blocks.extend(_text_blocks(content, where))
    if message.get("function_call") is not None:
        raise InvalidRequest(
            f"'{where}.function_call' is deprecated; send 'tool_calls' instead.", param=f"{where}.function_call"
        )
    for k, call in enumerate(message.get("tool_calls") or ()):
        param = f"{where}.tool_calls[{k}]"
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(call.get("id"), str) or not function.get("name"):
            raise InvalidRequest(f"'{param}' must have an 'id' and a 'function' with a 'name'.", param=param)
        arguments = function.get("arguments") or "{}"
        try:
            args = orjson.loads(arguments)
        except orjson.JSONDecodeError:
            args = None
        if not isinstance(args, dict):
            raise InvalidRequest(
                f"'{param}.function.arguments' must be a JSON object encoded as a string.",
                param=f"{param}.function.arguments",
            )
        blocks.append({"type": "tool_use", "id": call["id"], "name": function["name"], "input": args})
    return blocks


def _tool_result(message: Mapping[str, Any], where: str) -> ToolResultBlock:
    call_id = message.get("tool_call_id")
    if not isinstance(call_id, str) or not call_id:
        raise InvalidRequest(f"'{where}.tool_call_id' is required on a tool message.", param=f"{where}.tool_call_id")
    content = message.get("content")
    if isinstance(content, str):
        return {"type": "tool_result", "tool_use_id": call_id, "content": content}
    return {"type": "tool_result", "tool_use_id": call_id, "content": list(_text_blocks(content, where))}
