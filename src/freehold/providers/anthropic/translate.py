"""Pure translation between OpenAI Chat Completions and Anthropic's Messages API (no I/O).

Requests: system/developer messages become the top-level ``system``; tool results become
``tool_result`` blocks in a user turn; consecutive turns of one role are merged (the API wants
them alternating); images become ``base64`` or ``url`` sources; ``reasoning_effort`` becomes a
``thinking`` budget. Parameters Anthropic cannot honor go through ``reject_or_drop``.

Answers: text blocks join into ``content``, ``tool_use`` blocks become ``tool_calls``, thinking
becomes ``reasoning_content``. The thinking blocks themselves (with their ``signature``) are
kept in the provider field ``thinking_blocks`` on the message; sent back on an assistant
message they are replayed verbatim, which is what multi-turn tool use with thinking needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from freehold.catalog import lookup, max_output_tokens
from freehold.echo import clip
from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.providers.anthropic.messages import messages_to_upstream
from freehold.providers.anthropic.wire import FINISH_REASONS, Tool, Usage
from freehold.providers.openai_format import REASONING_BUDGETS, completion, function_tools, reject_or_drop, usage
from freehold.schemas.chat import ChatRequest

__all__ = ["COUNT_TOKENS_FIELDS", "finish_reason", "from_upstream", "to_upstream", "usage_from"]

# Request fields translated below; any other field that is set goes through reject_or_drop.
_TRANSLATED = frozenset(
    {
        "model",
        "messages",
        "stream",
        "stream_options",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "top_k",
        "stop",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "reasoning_effort",
        "thinking",
        "user",
        "service_tier",
        "n",
        "logprobs",
        "store",
    }
)
_WHY = {
    "n": "the Messages API returns one choice per request",
    "logprobs": "the Messages API does not return log probabilities",
    "top_logprobs": "the Messages API does not return log probabilities",
    "seed": "the Messages API has no sampling seed",
    "presence_penalty": "the Messages API has no presence penalty",
    "frequency_penalty": "the Messages API has no frequency penalty",
    "logit_bias": "the Messages API has no logit bias",
    "store": "Anthropic does not store completions for later retrieval",
}
# Fields of the translated body that POST /v1/messages/count_tokens accepts.
COUNT_TOKENS_FIELDS = frozenset({"model", "messages", "system", "tools", "tool_choice", "thinking", "output_config"})
_NO_SAMPLING_VERSION = "2026-10-21"


def to_upstream(request: ChatRequest, model: str, version: str = "2023-06-01") -> dict[str, Any]:
    """The Messages API body for ``request`` (without ``stream``; the adapter sets it).

    ``version`` is the deployment's ``anthropic-version``: from ``2026-10-21`` on, the API
    refuses ``temperature``, ``top_p`` and ``top_k`` outright.
    """
    body = request.body
    for key, value in body.items():
        if key not in _TRANSLATED and value is not None:
            reject_or_drop(request, key, model, _WHY.get(key, "the Messages API has no such parameter"))
    if (body.get("n") or 1) > 1:
        reject_or_drop(request, "n", model, _WHY["n"])
    if body.get("logprobs"):
        reject_or_drop(request, "logprobs", model, _WHY["logprobs"])
    if body.get("store"):
        reject_or_drop(request, "store", model, _WHY["store"])

    system, turns = messages_to_upstream(body["messages"])
    out: dict[str, Any] = {"model": model, "messages": turns}
    if system:
        out["system"] = system
    for key in ("temperature", "top_p", "top_k"):
        if body.get(key) is None:
            continue
        if version >= _NO_SAMPLING_VERSION:
            reject_or_drop(request, key, model, f"anthropic-version {version} removed the sampling parameters")
        else:
            out[key] = body[key]
    stop = body.get("stop")
    if stop:
        out["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if isinstance(body.get("user"), str) and body["user"]:
        out["metadata"] = {"user_id": body["user"]}
    _service_tier(request, model, out)
    _tools(request, model, out)
    _response_format(request, model, out)

    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    max_tokens = int(limit) if limit is not None else max_output_tokens(model)
    thinking = _thinking(request, model)
    if thinking is not None:
        out["thinking"] = thinking
        budget = thinking.get("budget_tokens")
        if isinstance(budget, int) and max_tokens <= budget:
            # The budget counts toward max_tokens and must stay below it; OpenAI's limit counts
            # reasoning too, so the answer keeps the room the client asked for on top of it.
            max_tokens = budget + max_tokens
    out["max_tokens"] = max_tokens
    return out


# --- parameters ----------------------------------------------------------------------------


def _tools(request: ChatRequest, model: str, out: dict[str, Any]) -> None:
    body = request.body
    tools: list[Tool] = []
    for function in function_tools(request, model, "only function tools translate to the Messages API"):
        schema = function.get("parameters") or {"type": "object", "properties": {}}
        translated: Tool = {"name": function["name"], "input_schema": schema}
        if function.get("description"):
            translated["description"] = function["description"]
        if function.get("strict") is not None:
            translated["strict"] = bool(function["strict"])
        tools.append(translated)
    if tools:
        out["tools"] = tools
    choice = body.get("tool_choice")
    anthropic_choice: dict[str, Any] | None
    if choice is None:
        anthropic_choice = None
    elif choice in ("auto", "none"):
        anthropic_choice = {"type": choice}
    elif choice == "required":
        anthropic_choice = {"type": "any"}
    elif isinstance(choice, dict) and isinstance(choice.get("function"), dict) and choice["function"].get("name"):
        anthropic_choice = {"type": "tool", "name": choice["function"]["name"]}
    else:
        raise InvalidRequest(
            "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": "
            '{"name": ...}}.',
            param="tool_choice",
        )
    if body.get("parallel_tool_calls") is False and tools:
        anthropic_choice = anthropic_choice or {"type": "auto"}
        if anthropic_choice["type"] != "none":
            anthropic_choice["disable_parallel_tool_use"] = True
    if anthropic_choice is not None and (tools or anthropic_choice["type"] == "none"):
        out["tool_choice"] = anthropic_choice


def _response_format(request: ChatRequest, model: str, out: dict[str, Any]) -> None:
    fmt = request.body.get("response_format")
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if fmt is None or kind == "text":
        return
    if kind == "json_schema":
        spec = fmt.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise InvalidRequest(
                "'response_format.json_schema.schema' must be a JSON schema object.", param="response_format"
            )
        out["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
        return
    reject_or_drop(
        request,
        "response_format",
        model,
        f"type {clip(kind)} has no Messages API equivalent (there is no schema-free JSON mode); "
        "use type 'json_schema' with a schema",
    )


def _service_tier(request: ChatRequest, model: str, out: dict[str, Any]) -> None:
    tier = request.body.get("service_tier")
    if tier is None:
        return
    translated = {"auto": "auto", "default": "standard_only"}.get(tier) if isinstance(tier, str) else None
    if translated is None:
        reject_or_drop(request, "service_tier", model, "Anthropic's tiers are 'auto' and 'default' (standard only)")
        return
    out["service_tier"] = translated


def _thinking(request: ChatRequest, model: str) -> dict[str, Any] | None:
    """The ``thinking`` config from ``reasoning_effort``, or Anthropic's own ``thinking`` passed through."""
    body = request.body
    effort = body.get("reasoning_effort")
    if effort is None or effort == "none":
        native = body.get("thinking")
        return native if isinstance(native, dict) else None
    if effort not in REASONING_BUDGETS:
        raise InvalidRequest(
            f"'reasoning_effort' must be one of none, {', '.join(REASONING_BUDGETS)}; got {clip(effort)}.",
            param="reasoning_effort",
        )
    info = lookup(model)
    if info is not None and not info.reasoning:
        reject_or_drop(request, "reasoning_effort", model, "the model has no extended thinking")
        return None
    return {"type": "enabled", "budget_tokens": REASONING_BUDGETS[effort]}


# --- answers -------------------------------------------------------------------------------


def finish_reason(stop_reason: object) -> str:
    return FINISH_REASONS.get(stop_reason, "stop") if isinstance(stop_reason, str) else "stop"


def usage_from(u: Usage | Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's usage: prompt tokens include cache reads and writes, cached_tokens the reads."""
    read = u.get("cache_read_input_tokens") or 0
    created = u.get("cache_creation_input_tokens") or 0
    details = u.get("output_tokens_details") or {}
    out = usage(
        (u.get("input_tokens") or 0) + read + created,
        u.get("output_tokens") or 0,
        cached_tokens=read,
        reasoning_tokens=details.get("thinking_tokens") or 0,
    )
    out["prompt_tokens_details"]["cache_creation_tokens"] = created  # priced apart from plain input
    return out


def from_upstream(message: Mapping[str, Any], deployment: str) -> dict[str, Any]:
    """A ``chat.completion`` from an Anthropic ``Message``."""
    content = message.get("content")
    if message.get("type") != "message" or not isinstance(content, list):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered 200 with something that is not a Message.",
            deployment=deployment,
        )
    try:
        texts, reasoning, thinking_blocks, tool_calls = _blocks(content)
    except (KeyError, TypeError, AttributeError):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered 200 with a malformed content block.", deployment=deployment
        ) from None
    out_message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(texts) if texts or not tool_calls else None,
        "refusal": None,
        "annotations": [],
    }
    if tool_calls:
        out_message["tool_calls"] = tool_calls
    if thinking_blocks:
        out_message["reasoning_content"] = "".join(reasoning)
        out_message["thinking_blocks"] = thinking_blocks
    finish = finish_reason(message.get("stop_reason"))
    choice = {"index": 0, "message": out_message, "finish_reason": finish, "logprobs": None}
    return completion(str(message.get("model") or ""), [choice], usage_from(message.get("usage") or {}))


def _blocks(content: list[Any]) -> tuple[list[str], list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Texts, thinking texts, thinking blocks and tool calls of a ``Message``'s content, in order."""
    texts: list[str] = []
    reasoning: list[str] = []
    thinking_blocks: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    for block in content:
        kind = block.get("type")
        if kind == "text":
            texts.append(block["text"])
        elif kind == "tool_use":
            arguments = orjson.dumps(block.get("input") or {}).decode()
            tool_calls.append(
                {"id": block["id"], "type": "function", "function": {"name": block["name"], "arguments": arguments}}
            )
        elif kind == "thinking":
            reasoning.append(block["thinking"])
            thinking_blocks.append({"type": "thinking", "thinking": block["thinking"], "signature": block["signature"]})
        elif kind == "redacted_thinking":
            thinking_blocks.append({"type": "redacted_thinking", "data": block["data"]})
    return texts, reasoning, thinking_blocks, tool_calls
