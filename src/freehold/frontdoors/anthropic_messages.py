"""Anthropic's Messages API request (``POST /v1/messages``) → the canonical OpenAI chat body.

Pure functions, no I/O. ``check_request`` (from ``anthropic_validate``) checks the body with 400s
naming the field; ``to_canonical`` translates it; ``estimate_input_tokens`` is the documented fallback for
``count_tokens``. The answer side (message object, SSE events, errors) is in
``anthropic_response``.

Decisions where the formats differ:

- ``system`` (a string or text blocks) becomes one leading system message, blocks joined by a
  blank line.
- ``tool_result`` blocks become ``tool`` messages placed before the rest of their user turn
  (OpenAI wants them right after the assistant's tool calls). OpenAI tool messages carry text
  only, so images in a tool result ride in the user message that follows; ``is_error`` prefixes
  the text with ``Error:`` since OpenAI has no such flag.
- ``thinking`` and ``redacted_thinking`` blocks on assistant turns are dropped: their signatures
  verify only at Anthropic, and no canonical provider takes reasoning back as input.
- ``cache_control`` and the serving hints in ``anthropic_validate.IGNORED_FIELDS`` are dropped: they change cost
  or placement, never the answer. Fields with no canonical meaning that would change the answer
  (server tools, MCP servers, containers, ...) are rejected with a 400 naming the field.
- ``thinking.budget_tokens`` becomes the nearest ``reasoning_effort`` bucket;
  ``output_config.effort`` maps directly (``xhigh``/``max`` → ``high``).
- Streams always ask for ``stream_options.include_usage`` so that ``message_delta`` can report
  the output usage.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from freehold.frontdoors.anthropic_validate import EFFORTS, check_request
from freehold.providers.openai_format import REASONING_BUDGETS

__all__ = ["check_request", "estimate_input_tokens", "reasoning_effort_for_budget", "to_canonical"]

# --- translation -----------------------------------------------------------------------------


def reasoning_effort_for_budget(budget: int) -> str:
    """The ``reasoning_effort`` whose budget in ``REASONING_BUDGETS`` is nearest (ties go to the lower one)."""
    return min(
        REASONING_BUDGETS, key=lambda effort: (abs(REASONING_BUDGETS[effort] - budget), REASONING_BUDGETS[effort])
    )


def to_canonical(body: dict[str, Any]) -> dict[str, Any]:
    """The canonical (OpenAI Chat Completions) body for a checked Anthropic Messages body."""
    out: dict[str, Any] = {"model": body["model"], "messages": _messages(body)}
    if body.get("max_tokens") is not None:
        out["max_completion_tokens"] = body["max_tokens"]
    for key in ("temperature", "top_p", "top_k"):  # top_k is not OpenAI's; OpenAI-compatible servers pass it on
        if body.get(key) is not None:
            out[key] = body[key]
    if body.get("stop_sequences"):
        out["stop"] = list(body["stop_sequences"])
    user_id = (body.get("metadata") or {}).get("user_id")
    if user_id:
        out["user"] = user_id
    tools = body.get("tools")
    if tools:
        out["tools"] = [_tool(t) for t in tools]
        choice = body.get("tool_choice")
        if choice is not None:
            out["tool_choice"] = _tool_choice(choice)
            if choice.get("disable_parallel_tool_use"):
                out["parallel_tool_calls"] = False
    effort = _reasoning_effort(body)
    if effort is not None:
        out["reasoning_effort"] = effort
    fmt = (body.get("output_config") or {}).get("format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        out["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": fmt.get("schema") or {}, "strict": True},
        }
    if body.get("stream"):
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return out


def _reasoning_effort(body: dict[str, Any]) -> str | None:
    thinking = body.get("thinking") or {}
    if thinking.get("type") == "enabled":
        return reasoning_effort_for_budget(thinking["budget_tokens"])
    effort = (body.get("output_config") or {}).get("effort")
    return EFFORTS[effort] if effort is not None else None


def _system_text(system: object) -> str | None:
    if isinstance(system, str):
        return system or None
    if isinstance(system, list):
        text = "\n\n".join(block["text"] for block in system)
        return text or None
    return None


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    system = _system_text(body.get("system"))
    if system is not None:
        out.append({"role": "system", "content": system})
    for message in body["messages"]:
        if message["role"] == "user":
            out.extend(_user_turn(message["content"]))
        else:
            out.append(_assistant_turn(message["content"]))
    return out


def _text_content(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """A lone text part as a plain string (what every OpenAI-compatible server takes), else the parts."""
    if len(parts) == 1 and parts[0]["type"] == "text":
        text: str = parts[0]["text"]
        return text
    return parts


def _image_part(block: dict[str, Any]) -> dict[str, Any]:
    source = block["source"]
    if source["type"] == "base64":
        url = f"data:{source['media_type']};base64,{source['data']}"
    else:
        url = source["url"]
    return {"type": "image_url", "image_url": {"url": url}}


def _user_turn(content: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"role": "user", "content": content}]
    tool_messages: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for block in content:
        kind = block["type"]
        if kind == "text":
            parts.append({"type": "text", "text": block["text"]})
        elif kind == "image":
            parts.append(_image_part(block))
        elif kind == "tool_result":
            text, images = _tool_result(block)
            tool_messages.append({"role": "tool", "tool_call_id": block["tool_use_id"], "content": text})
            parts.extend(images)
    out = tool_messages
    if parts:
        out.append({"role": "user", "content": _text_content(parts)})
    return out


def _tool_result(block: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    content = block.get("content")
    images: list[dict[str, Any]] = []
    if isinstance(content, list):
        texts = []
        for inner in content:
            if inner["type"] == "text":
                texts.append(inner["text"])
            else:
                images.append(_image_part(inner))
        text = "\n".join(texts)
    else:
        text = content or ""
    if block.get("is_error"):
        text = f"Error: {text}" if text else "Error"
    return text, images


def _assistant_turn(content: str | list[dict[str, Any]]) -> dict[str, Any]:
    if isinstance(content, str):
        return {"role": "assistant", "content": content}
    parts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for block in content:
        kind = block["type"]
        if kind == "text":
            parts.append({"type": "text", "text": block["text"]})
        elif kind == "tool_use":
            arguments = orjson.dumps(block["input"]).decode()
            calls.append(
                {"id": block["id"], "type": "function", "function": {"name": block["name"], "arguments": arguments}}
            )
        # thinking / redacted_thinking: dropped (see the module docstring)
    message: dict[str, Any] = {"role": "assistant", "content": _text_content(parts) if parts else None}
    if calls:
        message["tool_calls"] = calls
    elif message["content"] is None:
        message["content"] = ""
    return message


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool["name"], "parameters": tool["input_schema"]}
    if tool.get("description"):
        function["description"] = tool["description"]
    if tool.get("strict") is True:
        function["strict"] = True
    return {"type": "function", "function": function}


def _tool_choice(choice: dict[str, Any]) -> str | dict[str, Any]:
    kind = choice["type"]
    if kind == "any":
        return "required"
    if kind == "tool":
        return {"type": "function", "function": {"name": choice["name"]}}
    return "none" if kind == "none" else "auto"


# --- token estimate ----------------------------------------------------------------------------

# Anthropic bills an image at about width*height/750 tokens and scales large images down to
# about 1.15 megapixels, so ~1600 tokens is its ceiling; without decoding the image we count that.
IMAGE_TOKENS = 1600
_PER_MESSAGE = 4  # role and turn framing


def _chars_to_tokens(text: str) -> int:
    """About four characters per token, at least one per word: close for English prose and code."""
    if not text:
        return 0
    return max(len(text.split()), math.ceil(len(text) / 4))


def estimate_input_tokens(body: dict[str, Any]) -> int:
    """A tokenizer-free estimate of a checked Anthropic body's input tokens.

    Used by ``count_tokens`` when the alias's first deployment cannot count exactly
    (``providers.base.TokenCounter``), and for ``message_start`` before the real usage is known.
    Text counts at about four characters per token; tool definitions and tool inputs count as
    their JSON; each image counts ``IMAGE_TOKENS``; each message adds ``_PER_MESSAGE``.
    """
    texts: list[str] = []
    images = 0
    system = _system_text(body.get("system"))
    if system:
        texts.append(system)
    for message in body["messages"]:
        content = message["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks:
            kind = block["type"]
            if kind == "text":
                texts.append(block["text"])
            elif kind == "image":
                images += 1
            elif kind == "tool_use":
                texts.append(block["name"] + " " + orjson.dumps(block["input"]).decode())
            elif kind == "tool_result":
                inner = block.get("content")
                if isinstance(inner, str):
                    texts.append(inner)
                elif isinstance(inner, list):
                    texts.extend(b["text"] for b in inner if b["type"] == "text")
                    images += sum(1 for b in inner if b["type"] == "image")
    for tool in body.get("tools") or ():
        texts.append(orjson.dumps(tool).decode())
    framing = _PER_MESSAGE * len(body["messages"]) + (_PER_MESSAGE if system else 0)
    return framing + sum(_chars_to_tokens(t) for t in texts) + IMAGE_TOKENS * images
