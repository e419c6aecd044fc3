"""Pure translation between OpenAI Chat Completions and Anthropic's Messages API (no I/O).

Requests: system/developer messages become the top-level ``system``; tool results become
``tool_result`` blocks in a user turn; consecutive turns of one role are merged (the API wants
them alternating); images become ``base64`` or ``url`` sources; ``reasoning_effort`` becomes a
``thinking`` budget. Parameters the Messages API has no field for are screened in ``params``:
hints dropped (and named in the ``Plan``), contracts refused through ``reject_or_drop``.

Answers: text blocks join into ``content``, ``tool_use`` blocks become ``tool_calls``, thinking
becomes ``reasoning_content``. The thinking blocks themselves (with their ``signature``) are
kept in the provider field ``thinking_blocks`` on the message; sent back on an assistant
message they are replayed verbatim, which is what multi-turn tool use with thinking needs.
JSON mode is emulated with a forced tool (``_json_mode`` says why); its input becomes ``content``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from freehold.catalog import lookup, max_output_tokens
from freehold.echo import clip
from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.providers.anthropic.messages import messages_to_upstream
from freehold.providers.anthropic.params import screen
from freehold.providers.anthropic.wire import FINISH_REASONS, Tool, Usage
from freehold.providers.emulation import JSON_TOOL_DESCRIPTION, Plan, json_tool_name, reject_or_drop
from freehold.providers.openai_format import REASONING_BUDGETS, completion, function_tools, usage
from freehold.schemas.chat import ChatRequest

__all__ = ["COUNT_TOKENS_FIELDS", "finish_reason", "from_upstream", "to_upstream", "translate", "usage_from"]

# Fields of the translated body that POST /v1/messages/count_tokens accepts.
COUNT_TOKENS_FIELDS = frozenset({"model", "messages", "system", "tools", "tool_choice", "thinking", "output_config"})
_NO_SAMPLING_VERSION = "2026-10-21"
_USER_ID_MAX = 256  # metadata.user_id's limit


def to_upstream(request: ChatRequest, model: str, version: str = "2023-06-01") -> dict[str, Any]:
    """The Messages API body for ``request`` (``translate`` without its ``Plan``)."""
    return translate(request, model, version)[0]


def translate(request: ChatRequest, model: str, version: str = "2023-06-01") -> tuple[dict[str, Any], Plan]:
    """The Messages API body for ``request`` (without ``stream``; the adapter sets it), and its ``Plan``.

    ``version`` is the deployment's ``anthropic-version``: from ``2026-10-21`` on, the API
    refuses ``temperature``, ``top_p`` and ``top_k`` outright; they are sampling hints, so they
    are dropped rather than refused.
    """
    body = request.body
    plan = Plan()
    screen(request, model, plan)
    system, turns = messages_to_upstream(body["messages"])
    out: dict[str, Any] = {"model": model, "messages": turns}
    if system:
        out["system"] = system
    for key in ("temperature", "top_p", "top_k"):
        if body.get(key) is None:
            continue
        if version >= _NO_SAMPLING_VERSION:
            plan.drop(key)
        else:
            out[key] = body[key]
    stop = body.get("stop")
    if stop:
        out["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    _user_id(request, out, plan)
    _service_tier(request, out, plan)

    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    max_tokens = int(limit) if limit is not None else max_output_tokens(model)
    thinking = _thinking(request, model, plan)
    if thinking is not None:
        out["thinking"] = thinking
        budget = thinking.get("budget_tokens")
        if isinstance(budget, int) and max_tokens <= budget:
            # The budget counts toward max_tokens and must stay below it; OpenAI's limit counts
            # reasoning too, so the answer keeps the room the client asked for on top of it.
            max_tokens = budget + max_tokens
    thinks = thinking is not None and thinking.get("type") != "disabled"
    _tools(request, model, out, plan, _json_mode(request, model, plan, thinks))
    _json_schema(request, model, out, plan)
    out["max_tokens"] = max_tokens
    return out, plan


# --- parameters ----------------------------------------------------------------------------


def _user_id(request: ChatRequest, out: dict[str, Any], plan: Plan) -> None:
    """``safety_identifier`` (OpenAI's successor to ``user``), else ``user``, as ``metadata.user_id``."""
    body = request.body
    for key in ("safety_identifier", "user"):
        value = body.get(key)
        if not isinstance(value, str) or not value:
            continue
        if "metadata" in out or len(value) > _USER_ID_MAX:
            plan.drop(key)  # a hint: the other one is already mapped, or Anthropic would refuse the length
        else:
            out["metadata"] = {"user_id": value}


def _tool_choice(choice: object) -> dict[str, Any] | None:
    if choice is None:
        return None
    if choice in ("auto", "none"):
        return {"type": choice}
    if choice == "required":
        return {"type": "any"}
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict) and choice["function"].get("name"):
        return {"type": "tool", "name": choice["function"]["name"]}
    raise InvalidRequest(
        "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}.",
        param="tool_choice",
    )


def _tools(request: ChatRequest, model: str, out: dict[str, Any], plan: Plan, json_mode: bool) -> None:
    body = request.body
    tools: list[Tool] = []
    for function in function_tools(request, model, "only function tools translate to the Messages API", plan):
        schema = function.get("parameters") or {"type": "object", "properties": {}}
        translated: Tool = {"name": function["name"], "input_schema": schema}
        if function.get("description"):
            translated["description"] = function["description"]
        if function.get("strict") is not None:
            translated["strict"] = bool(function["strict"])
        tools.append(translated)
    anthropic_choice = _tool_choice(body.get("tool_choice"))
    if json_mode and (anthropic_choice is None or anthropic_choice["type"] in ("auto", "none")):
        # A forced call to a client tool answers with tool calls, where JSON mode has nothing to
        # shape; otherwise the answer is the JSON tool's input, or (tools offered, auto) a call
        # to one of the client's tools, as OpenAI's JSON mode with tools may answer.
        name = json_tool_name({t["name"] for t in tools})
        offered = bool(tools) and (anthropic_choice is None or anthropic_choice["type"] == "auto")
        tools.append({"name": name, "description": JSON_TOOL_DESCRIPTION, "input_schema": {"type": "object"}})
        anthropic_choice = {"type": "any"} if offered else {"type": "tool", "name": name}
        plan.json_tool = name
    if tools:
        out["tools"] = tools
    if body.get("parallel_tool_calls") is False and tools:
        anthropic_choice = anthropic_choice or {"type": "auto"}
        if anthropic_choice["type"] != "none":
            anthropic_choice["disable_parallel_tool_use"] = True
    if anthropic_choice is not None and (tools or anthropic_choice["type"] == "none"):
        out["tool_choice"] = anthropic_choice


def _json_mode(request: ChatRequest, model: str, plan: Plan, thinks: bool) -> bool:
    """Whether JSON mode (``response_format: json_object``) is asked for and can be emulated.

    The Messages API has no schema-free JSON mode, and its structured outputs cannot stand in:
    they require ``additionalProperties: false`` on every object, so ``{"type": "object"}``
    would allow only ``{}``. A forced tool whose ``input_schema`` is ``{"type": "object"}`` is
    the faithful emulation: the API guarantees a tool's input is a JSON object, which is
    exactly what JSON mode promises, on every model with tool use. Extended thinking forbids
    forcing a tool, so JSON mode with thinking is refused (or dropped, if the alias says so).
    """
    fmt = request.body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_object":
        return False
    if thinks:
        why = "JSON mode is emulated by forcing a tool call, which Anthropic does not allow with extended thinking"
        reject_or_drop(request, "response_format", model, why, plan)
        return False
    return True


def _json_schema(request: ChatRequest, model: str, out: dict[str, Any], plan: Plan) -> None:
    fmt = request.body.get("response_format")
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if fmt is None or kind in ("text", "json_object"):
        return
    if kind != "json_schema":
        raise InvalidRequest(
            f"'response_format.type' must be text, json_object or json_schema; got {clip(kind)}.",
            param="response_format",
        )
    spec = fmt.get("json_schema")
    schema = spec.get("schema") if isinstance(spec, dict) else None
    if not isinstance(schema, dict):
        raise InvalidRequest(
            "'response_format.json_schema.schema' must be a JSON schema object.", param="response_format"
        )
    info = lookup(model)
    if info is not None and info.vendor == "anthropic" and not info.json_schema:
        # Without structured outputs nothing holds the answer to the schema: a contract not kept.
        why = "the model has no structured outputs (Claude 4.5 models and later have them)"
        reject_or_drop(request, "response_format", model, why, plan)
        return
    out["output_config"] = {"format": {"type": "json_schema", "schema": schema}}


def _service_tier(request: ChatRequest, out: dict[str, Any], plan: Plan) -> None:
    """OpenAI's tier as Anthropic's: ``auto`` may use Priority Tier capacity, ``standard_only`` never does."""
    tier = request.body.get("service_tier")
    if tier is None:
        return
    tiers = {"auto": "auto", "priority": "auto", "default": "standard_only"}
    translated = tiers.get(tier) if isinstance(tier, str) else None
    if translated is None:
        plan.drop("service_tier")  # flex, scale: a price and latency hint with no Anthropic equivalent
        return
    out["service_tier"] = translated


def _thinking(request: ChatRequest, model: str, plan: Plan) -> dict[str, Any] | None:
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
        reject_or_drop(request, "reasoning_effort", model, "the model has no extended thinking", plan)
        return None
    return {"type": "enabled", "budget_tokens": REASONING_BUDGETS[effort]}


# --- answers -------------------------------------------------------------------------------


def finish_reason(stop_reason: object) -> str:
    return FINISH_REASONS.get(stop_reason, "stop") if isinstance(stop_reason, str) else "stop"


def usage_from(u: Usage | Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's usage: prompt tokens include cache reads and writes, cached_tokens the reads.

    The writes ride in the extension keys of ``openai_format.usage`` (``cache_write_tokens``,
    and ``cache_creation`` by lifetime when Anthropic reports it).
    """
    read = u.get("cache_read_input_tokens") or 0
    created = u.get("cache_creation_input_tokens") or 0
    details = u.get("output_tokens_details") or {}
    by_ttl = u.get("cache_creation")
    return usage(
        (u.get("input_tokens") or 0) + read + created,
        u.get("output_tokens") or 0,
        cached_tokens=read,
        reasoning_tokens=details.get("thinking_tokens") or 0,
        cache_write_tokens=created,
        cache_creation=_cache_creation(by_ttl) if isinstance(by_ttl, Mapping) else None,
    )


def _cache_creation(by_ttl: Mapping[str, Any]) -> dict[str, int]:
    """Anthropic's cache writes by lifetime (5 minutes: 1.25x the input price; 1 hour: 2x)."""
    out: dict[str, int] = {}
    for key in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"):
        value = by_ttl.get(key)
        out[key] = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return out


def from_upstream(message: Mapping[str, Any], deployment: str, plan: Plan | None = None) -> dict[str, Any]:
    """A ``chat.completion`` from an Anthropic ``Message``, shaped as ``plan`` says (JSON mode)."""
    content = message.get("content")
    if message.get("type") != "message" or not isinstance(content, list):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered 200 with something that is not a Message.",
            deployment=deployment,
        )
    json_tool = plan.json_tool if plan is not None else None
    try:
        texts, reasoning, thinking_blocks, tool_calls, answer = _blocks(content, json_tool)
    except (KeyError, TypeError, AttributeError):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered 200 with a malformed content block.", deployment=deployment
        ) from None
    text: str | None = "".join(texts) if texts or not tool_calls else None
    out_message: dict[str, Any] = {
        "role": "assistant",
        "content": answer if answer is not None else text,
        "refusal": None,
        "annotations": [],
    }
    if tool_calls:
        out_message["tool_calls"] = tool_calls
    if thinking_blocks:
        out_message["reasoning_content"] = "".join(reasoning)
        out_message["thinking_blocks"] = thinking_blocks
    finish = finish_reason(message.get("stop_reason"))
    if finish == "tool_calls" and answer is not None and not tool_calls:  # only the JSON-mode tool was called
        finish = "stop"
    choice = {"index": 0, "message": out_message, "finish_reason": finish, "logprobs": None}
    return completion(str(message.get("model") or ""), [choice], usage_from(message.get("usage") or {}))


def _blocks(
    content: list[Any], json_tool: str | None
) -> tuple[list[str], list[str], list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """Texts, thinking texts, thinking blocks, tool calls, and the JSON-mode answer of a ``Message``'s content."""
    texts: list[str] = []
    reasoning: list[str] = []
    thinking_blocks: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    answer: str | None = None
    for block in content:
        kind = block.get("type")
        if kind == "text":
            texts.append(block["text"])
        elif kind == "tool_use" and json_tool is not None and block["name"] == json_tool:
            if answer is None:
                answer = orjson.dumps(block.get("input") or {}).decode()
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
    return texts, reasoning, thinking_blocks, tool_calls, answer
