"""The canonical chat completion → a Responses API ``response`` object.

Output items, in the order the API produces them: a ``reasoning`` item (the message's
``reasoning_content``, as summary text), a ``message`` item (``output_text``, or ``refusal``),
then one ``function_call`` item per tool call. A completion cut by the token limit is
``incomplete`` with ``incomplete_details.reason: max_output_tokens``.
"""

from __future__ import annotations

import time
from typing import Any

from freehold.frontdoors.responses.request import ResponsesRequest
from freehold.ids import new_id

__all__ = [
    "finish",
    "function_call_item",
    "message_item",
    "new_response_id",
    "output_items",
    "reasoning_item",
    "response_from_completion",
    "skeleton",
    "usage_from_chat",
]

# finish_reason → (status, incomplete_details.reason)
_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def new_response_id() -> str:
    return "resp_" + new_id()


def skeleton(request: ResponsesRequest, response_id: str, created_at: int | None = None) -> dict[str, Any]:
    """The response as the API shows it while in progress: the request's settings echoed, no output yet."""
    body = request.body
    text: dict[str, Any] = {"format": (body.get("text") or {}).get("format") or {"type": "text"}}
    if (body.get("text") or {}).get("verbosity") is not None:
        text["verbosity"] = body["text"]["verbosity"]
    reasoning = body.get("reasoning") or {}
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()) if created_at is None else created_at,
        "status": "in_progress",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "metadata": body.get("metadata") or {},
        "model": request.model,
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True) is not False,
        "previous_response_id": request.previous_response_id,
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "service_tier": body.get("service_tier"),
        "store": request.store,
        "temperature": body.get("temperature", 1.0),
        "text": text,
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": body.get("tools") or [],
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation") or "disabled",
        "usage": None,
        "user": body.get("user"),
    }


def usage_from_chat(usage: object) -> dict[str, Any] | None:
    """Chat usage → Responses usage; cached tokens stay inside input, reasoning inside output."""
    if not isinstance(usage, dict):
        return None
    prompt = _count(usage.get("prompt_tokens"))
    completion = _count(usage.get("completion_tokens"))
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return {
        "input_tokens": prompt,
        "input_tokens_details": {
            "cached_tokens": _count(prompt_details.get("cached_tokens")),
            "cache_write_tokens": _count(prompt_details.get("cache_write_tokens")),
        },
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": _count(completion_details.get("reasoning_tokens"))},
        "total_tokens": _count(usage.get("total_tokens")) or prompt + completion,
    }


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def reasoning_item(item_id: str, text: str) -> dict[str, Any]:
    return {"id": item_id, "type": "reasoning", "summary": [{"type": "summary_text", "text": text}]}


def output_text_part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def message_item(item_id: str, parts: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return {"id": item_id, "type": "message", "status": status, "role": "assistant", "content": parts}


def function_call_item(item_id: str, call_id: str, name: str, arguments: str, status: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def output_items(message: dict[str, Any], finish_reason: str | None) -> list[dict[str, Any]]:
    """The output items of one assistant message."""
    status = "incomplete" if finish_reason in _INCOMPLETE else "completed"
    items: list[dict[str, Any]] = []
    reasoning = message.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        items.append(reasoning_item("rs_" + new_id(), reasoning))
    parts: list[dict[str, Any]] = []
    content = message.get("content")
    if isinstance(content, str) and content:
        parts.append(output_text_part(content))
    elif isinstance(content, list):  # some servers answer with text parts
        text = "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
        if text:
            parts.append(output_text_part(text))
    refusal = message.get("refusal")
    if isinstance(refusal, str) and refusal:
        parts.append({"type": "refusal", "refusal": refusal})
    if parts:
        items.append(message_item("msg_" + new_id(), parts, status))
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        items.append(
            function_call_item(
                "fc_" + new_id(),
                call.get("id") or "call_" + new_id(),
                function.get("name") or "",
                function.get("arguments") or "",
                "completed",
            )
        )
    return items


def finish(
    response: dict[str, Any], output: list[dict[str, Any]], finish_reason: str | None, usage: dict[str, Any] | None
) -> dict[str, Any]:
    """The final response: ``skeleton`` with output, status and usage filled in."""
    reason = _INCOMPLETE.get(finish_reason or "")
    done = {**response, "output": output, "usage": usage}
    if reason is None:
        done["status"] = "completed"
        done["completed_at"] = int(time.time())
    else:
        done["status"] = "incomplete"
        done["incomplete_details"] = {"reason": reason}
    return done


def response_from_completion(completion: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """A whole ``chat.completion`` → the final response, built on ``response`` (the skeleton)."""
    choices = completion.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    message = choice.get("message") or {}
    finish_reason = choice.get("finish_reason")
    return finish(
        response, output_items(message, finish_reason), finish_reason, usage_from_chat(completion.get("usage"))
    )
