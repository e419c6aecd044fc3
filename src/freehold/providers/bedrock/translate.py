"""Pure translation between OpenAI Chat Completions and Bedrock Converse (no I/O).

Choices made where the two formats do not line up:

- ``system``/``developer`` messages, wherever they stand, become the top-level ``system`` blocks.
- ``tool`` messages become ``toolResult`` blocks of a user turn; consecutive turns of one role are
  merged (Converse wants user and assistant to alternate; parallel tool results share one turn).
- Images must be ``data:`` URLs (Converse takes inline bytes or S3 locations, never http URLs);
  PDFs sent as ``file`` parts (base64 data URLs) become ``document`` blocks.
- ``tool_choice: "none"`` sends no ``toolConfig`` (so no tool can be called). Converse needs a
  ``toolConfig`` whenever the conversation holds tool calls, so there it is a 400 (or, if the alias
  drops unsupported parameters, ``auto``).
- ``response_format: json_schema`` maps to Converse's native ``outputConfig.textFormat``;
  ``json_object`` has no native equivalent: for Claude it is a forced tool whose input object
  becomes ``content`` (as on Anthropic's own API, ``anthropic.translate._json_mode`` says why),
  for other models it is refused (or dropped).
- ``parallel_tool_calls: false`` cannot be sent: the answer keeps its first tool call only.
- Hints Converse has no field for are dropped and named (``params``); ``metadata`` becomes
  ``requestMetadata``, ``top_k`` Claude's ``additionalModelRequestFields.top_k``.
- ``reasoning_effort`` becomes Anthropic's ``thinking`` budget for Claude models; others reject it.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from freehold.catalog import max_output_tokens
from freehold.echo import clip
from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.providers.bedrock.params import request_metadata, screen
from freehold.providers.bedrock.wire import (
    ContentBlock,
    ConverseRequest,
    ImageFormat,
    InferenceConfig,
    Message,
    Tool,
    ToolChoice,
)
from freehold.providers.emulation import JSON_TOOL_DESCRIPTION, Plan, json_tool_name
from freehold.providers.openai_format import REASONING_BUDGETS, completion, function_tools, reject_or_drop, usage
from freehold.schemas.chat import ChatRequest

__all__ = [
    "catalog_name",
    "finish_reason",
    "from_upstream",
    "is_anthropic",
    "openai_usage",
    "to_upstream",
    "translate",
]

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}
_IMAGE_FORMATS: dict[str, ImageFormat] = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)
_TTL_KEYS = {"5m": "ephemeral_5m_input_tokens", "1h": "ephemeral_1h_input_tokens"}
_REGION_PREFIXES = ("us.", "eu.", "apac.", "jp.", "au.", "ca.", "global.", "us-gov.")


def is_anthropic(model: str) -> bool:
    """A Claude model (foundation model id, inference profile id or ARN)."""
    return "anthropic." in model or "claude" in model


def catalog_name(model: str) -> str:
    """The catalog's name for a Bedrock model id: ``us.anthropic.claude-x-20250929-v1:0`` → ``claude-x-20250929``."""
    name = model.rsplit("/", 1)[-1]
    for prefix in _REGION_PREFIXES:
        name = name.removeprefix(prefix)
    name = name.split(".", 1)[1] if "." in name else name
    return re.sub(r"-v\d+(:\d+)?$", "", name)


# --- request ------------------------------------------------------------------------------


def _text_of(content: Any, param: str) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    parts = []
    for j, part in enumerate(content):
        if not isinstance(part, dict) or part.get("type") not in ("text", "refusal"):
            raise InvalidRequest(f"'{param}[{j}]' must be a text part here.", param=f"{param}[{j}]")
        parts.append(str(part.get("text") or part.get("refusal") or ""))
    return "".join(parts)


def _image(part: dict[str, Any], param: str, request: ChatRequest, model: str, plan: Plan) -> ContentBlock | None:
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str):
        raise InvalidRequest(f"'{param}.image_url' must have a 'url'.", param=f"{param}.image_url")
    match = _DATA_URL.match(url)
    if match is None:
        why = "Bedrock takes images as inline bytes only; send a base64 data: URL"
        reject_or_drop(request, f"{param}.image_url", model, why, plan)
        return None
    fmt = _IMAGE_FORMATS.get(match["mime"].lower())
    if fmt is None:
        why = f"image type {match['mime']} is not png, jpeg, gif or webp"
        reject_or_drop(request, f"{param}.image_url", model, why, plan)
        return None
    # REST-JSON carries blobs as base64 strings, so the data URL's payload is already the wire form.
    return {"image": {"format": fmt, "source": {"bytes": match["data"]}}}


def _document(part: dict[str, Any], param: str) -> ContentBlock:
    """A PDF sent as a ``file`` part (a base64 data URL) as Converse's ``document`` block.

    Its name is neutral and unique in the request (``document-3-1``: message 3, part 1): AWS warns
    the model may read a document's name as instructions, and a client's file name may hold
    characters the name does not allow.
    """
    file = part.get("file")
    data = file.get("file_data") if isinstance(file, dict) else None
    match = _DATA_URL.match(data) if isinstance(data, str) else None
    if match is None or match["mime"].lower() != "application/pdf":
        raise InvalidRequest(
            f"'{param}.file.file_data' must be a base64 data URL of a PDF (uploaded file ids are not supported).",
            param=f"{param}.file",
        )
    name = "document-" + "-".join(re.findall(r"\d+", param))
    return {"document": {"format": "pdf", "name": name, "source": {"bytes": match["data"]}}}


def _user_blocks(content: Any, param: str, request: ChatRequest, model: str, plan: Plan) -> list[ContentBlock]:
    if content is None or isinstance(content, str):
        return [{"text": content}] if content else []
    blocks: list[ContentBlock] = []
    for j, part in enumerate(content):
        where = f"{param}[{j}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            if part.get("text"):
                blocks.append({"text": str(part["text"])})
        elif kind == "image_url":
            image = _image(part, where, request, model, plan)
            if image is not None:
                blocks.append(image)
        elif kind == "file":
            blocks.append(_document(part, where))
        else:
            why = f"content parts of type {clip(kind)} are not translated for Bedrock"
            reject_or_drop(request, where, model, why, plan)
    return blocks


def _tool_use(call: Any, param: str) -> ContentBlock:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not isinstance(function.get("name"), str) or not call.get("id"):
        raise InvalidRequest(f"'{param}' must have an 'id' and a 'function' with a 'name'.", param=param)
    arguments = function.get("arguments") or "{}"
    try:
        args = orjson.loads(arguments)
    except (orjson.JSONDecodeError, TypeError):
        raise InvalidRequest(
            f"'{param}.function.arguments' must be a JSON object (as a string).", param=f"{param}.function.arguments"
        ) from None
    return {"toolUse": {"toolUseId": str(call["id"]), "name": function["name"], "input": args}}


def _turns(request: ChatRequest, model: str, plan: Plan) -> tuple[list[dict[str, str]], list[Message]]:
    system: list[dict[str, str]] = []
    turns: list[Message] = []
    for i, msg in enumerate(request.body["messages"]):
        param = f"messages[{i}]"
        role = msg["role"]
        content = msg.get("content")
        blocks: list[ContentBlock]
        if role in ("system", "developer"):
            text = _text_of(content, f"{param}.content")
            if text:
                system.append({"text": text})
            continue
        if role == "user":
            turn_role = "user"
            blocks = _user_blocks(content, f"{param}.content", request, model, plan)
        elif role == "assistant":
            turn_role = "assistant"
            text = _text_of(content, f"{param}.content")
            blocks = [{"text": text}] if text else []
            for k, call in enumerate(msg.get("tool_calls") or ()):
                blocks.append(_tool_use(call, f"{param}.tool_calls[{k}]"))
        elif role == "tool":
            if not msg.get("tool_call_id"):
                raise InvalidRequest(f"'{param}.tool_call_id' is required for tool messages.", param=f"{param}")
            turn_role = "user"
            result = _text_of(content, f"{param}.content")
            blocks = [{"toolResult": {"toolUseId": str(msg["tool_call_id"]), "content": [{"text": result or " "}]}}]
        else:
            raise InvalidRequest(f"'{param}.role' 'function' is deprecated; send 'tool' messages.", param=param)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == turn_role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": turn_role, "content": blocks})  # type: ignore[typeddict-item]
    return system, turns


def _tools(
    request: ChatRequest, model: str, turns: list[Message], plan: Plan, json_mode: bool
) -> dict[str, Any] | None:
    body = request.body
    tools: list[Tool] = []
    for function in function_tools(request, model, "only function tools are translated for Bedrock", plan):
        params = function.get("parameters") or {"type": "object", "properties": {}}
        spec: dict[str, Any] = {"name": function["name"], "inputSchema": {"json": params}}
        if function.get("description"):
            spec["description"] = function["description"]
        tools.append({"toolSpec": spec})  # type: ignore[typeddict-item]
    plan.one_tool_call = bool(tools) and body.get("parallel_tool_calls") is False
    choice = body.get("tool_choice")
    if json_mode and (choice in (None, "auto", "none")):
        # As on Anthropic's API: the JSON tool is forced, or (client tools offered, auto) any tool must be called.
        json_tool = json_tool_name({t["toolSpec"]["name"] for t in tools})
        offered = bool(tools) and choice != "none"
        schema = {"json": {"type": "object"}}
        json_spec = {"name": json_tool, "description": JSON_TOOL_DESCRIPTION, "inputSchema": schema}
        tools.append({"toolSpec": json_spec})  # type: ignore[typeddict-item]
        plan.json_tool = json_tool
        return {"tools": tools, "toolChoice": {"any": {}} if offered else {"tool": {"name": json_tool}}}
    if not tools:
        return None
    bedrock_choice: ToolChoice | None = None
    if choice == "none":
        holds_tools = any("toolUse" in b or "toolResult" in b for t in turns for b in t["content"])
        if not holds_tools:
            return None
        why = "Converse needs the tools defined while the conversation holds tool calls, and cannot forbid calling them"
        reject_or_drop(request, "tool_choice", model, why, plan)
    elif choice == "auto":
        bedrock_choice = {"auto": {}}
    elif choice == "required":
        bedrock_choice = {"any": {}}
    elif isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") if isinstance(choice.get("function"), dict) else None
        if not isinstance(name, str):
            raise InvalidRequest("'tool_choice.function.name' is required.", param="tool_choice")
        bedrock_choice = {"tool": {"name": name}}
    elif choice is not None:
        raise InvalidRequest("'tool_choice' must be 'none', 'auto', 'required' or a function.", param="tool_choice")
    config: dict[str, Any] = {"tools": tools}
    if bedrock_choice is not None:
        config["toolChoice"] = bedrock_choice
    return config


def to_upstream(request: ChatRequest, model: str) -> ConverseRequest:
    """The Converse body for ``request`` (``translate`` without its ``Plan``)."""
    return translate(request, model)[0]


def translate(request: ChatRequest, model: str) -> tuple[ConverseRequest, Plan]:
    """The Converse body for ``request`` (the model id goes in the URL path, not the body), and its ``Plan``.

    Raises:
        InvalidRequest: a malformed message, or a contract Bedrock cannot keep (unless the alias drops it).
    """
    body = request.body
    plan = Plan()
    screen(request, model, plan)
    system, turns = _turns(request, model, plan)
    out: ConverseRequest = {"messages": turns}
    if system:
        out["system"] = system
    inference: InferenceConfig = {}
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    if max_tokens:
        inference["maxTokens"] = max_tokens
    if body.get("temperature") is not None:
        inference["temperature"] = body["temperature"]
    if body.get("top_p") is not None:
        inference["topP"] = body["top_p"]
    stop = body.get("stop")
    if stop:
        inference["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    extra: dict[str, Any] = {}
    if body.get("top_k") is not None:
        if is_anthropic(model):
            extra["top_k"] = body["top_k"]  # Claude's own field, passed through as Bedrock documents
        else:
            plan.drop("top_k")
    metadata = body.get("metadata")
    if metadata:
        mapped = request_metadata(metadata)
        if mapped is None:
            plan.drop("metadata")
        else:
            out["requestMetadata"] = mapped
    thinks = body.get("reasoning_effort") not in (None, "none") and is_anthropic(model)
    tool_config = _tools(request, model, turns, plan, _json_mode(request, model, plan, thinks))
    if tool_config is not None:
        out["toolConfig"] = tool_config  # type: ignore[typeddict-item]
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
            raise InvalidRequest("'response_format.json_schema.schema' must be an object.", param="response_format")
        schema: dict[str, Any] = {"schema": orjson.dumps(spec["schema"]).decode()}
        for key in ("name", "description"):
            if spec.get(key):
                schema[key] = spec[key]
        out["outputConfig"] = {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": schema}}}
    effort = body.get("reasoning_effort")
    if effort is not None and effort != "none":
        if not is_anthropic(model):
            why = "reasoning budgets are translated for Claude models only"
            reject_or_drop(request, "reasoning_effort", model, why, plan)
        else:
            _thinking(extra, inference, effort, model)
    if extra:
        out["additionalModelRequestFields"] = extra
    if inference:
        out["inferenceConfig"] = inference
    return out, plan


def _json_mode(request: ChatRequest, model: str, plan: Plan, thinks: bool) -> bool:
    """Whether JSON mode is asked for and can be emulated: a forced tool, for Claude without thinking."""
    fmt = request.body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_object":
        return False
    if not is_anthropic(model):
        why = "Converse has JSON schemas, not free JSON mode (it is emulated for Claude models only)"
    elif thinks:
        why = "JSON mode is emulated by forcing a tool call, which Claude does not allow with thinking"
    else:
        return True
    reject_or_drop(request, "response_format", model, why, plan)
    return False


def _thinking(extra: dict[str, Any], inference: InferenceConfig, effort: Any, model: str) -> None:
    budget = REASONING_BUDGETS.get(effort) if isinstance(effort, str) else None
    if budget is None:
        raise InvalidRequest(
            f"'reasoning_effort' must be one of none, {', '.join(REASONING_BUDGETS)}; got {clip(effort)}.",
            param="reasoning_effort",
        )
    max_tokens = inference.get("maxTokens") or max_output_tokens(catalog_name(model))
    budget = min(budget, max_tokens - 1)  # Anthropic wants max_tokens above the thinking budget
    if budget < REASONING_BUDGETS["minimal"]:
        raise InvalidRequest(
            f"'max_tokens' must exceed {REASONING_BUDGETS['minimal']} when 'reasoning_effort' is set.",
            param="max_tokens",
        )
    inference["maxTokens"] = max_tokens
    extra["thinking"] = {"type": "enabled", "budget_tokens": budget}


# --- response -----------------------------------------------------------------------------


def finish_reason(stop_reason: Any) -> str:
    """OpenAI's finish reason; malformed output and unknown reasons count as ``stop``."""
    return FINISH_REASONS.get(stop_reason, "stop") if isinstance(stop_reason, str) else "stop"


def openai_usage(raw: Any) -> dict[str, Any]:
    """OpenAI usage from Converse's ``TokenUsage``.

    Converse counts cache reads and writes apart from ``inputTokens``; OpenAI's ``prompt_tokens``
    includes them, with the reads also shown as ``cached_tokens`` and the writes as
    ``cache_write_tokens`` (by lifetime in ``cache_creation``, from ``cacheDetails``).
    """
    u = raw if isinstance(raw, dict) else {}
    cached = int(u.get("cacheReadInputTokens") or 0)
    written = int(u.get("cacheWriteInputTokens") or 0)
    prompt = int(u.get("inputTokens") or 0) + cached + written
    by_ttl: dict[str, int] | None = None
    details = u.get("cacheDetails")
    if isinstance(details, list) and details:
        by_ttl = {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0}
        for detail in details:
            ttl = detail.get("ttl") if isinstance(detail, dict) else None
            key = _TTL_KEYS.get(ttl) if isinstance(ttl, str) else None
            if key is not None:
                by_ttl[key] += int(detail.get("inputTokens") or 0)
    reports_cache = "cacheReadInputTokens" in u or "cacheWriteInputTokens" in u
    return usage(
        prompt,
        int(u.get("outputTokens") or 0),
        cached_tokens=cached,
        cache_write_tokens=written if reports_cache else None,
        cache_creation=by_ttl,
    )


def from_upstream(raw: Any, model: str, deployment: str, plan: Plan | None = None) -> dict[str, Any]:
    """A ``chat.completion`` object from a ``ConverseResponse``, shaped as ``plan`` says.

    Raises:
        ProviderResponseInvalid: the body is not a Converse response.
    """
    plan = plan or Plan()
    answer: str | None = None  # JSON mode: the forced tool's input
    try:
        message = raw["output"]["message"]
        blocks = message["content"]
        texts: list[str] = []
        reasoning: list[str] = []
        calls: list[dict[str, Any]] = []
        for block in blocks:
            if "text" in block:
                texts.append(block["text"])
            elif "toolUse" in block:
                use = block["toolUse"]
                arguments = orjson.dumps(use.get("input") if use.get("input") is not None else {}).decode()
                if use["name"] == plan.json_tool:
                    answer = arguments if answer is None else answer
                    continue
                if plan.one_tool_call and calls:
                    continue
                function = {"name": use["name"], "arguments": arguments}
                calls.append({"id": use["toolUseId"], "type": "function", "function": function})
            elif "reasoningContent" in block:
                text = (block["reasoningContent"].get("reasoningText") or {}).get("text")
                if text:
                    reasoning.append(text)
        stop_reason = raw.get("stopReason")
        usage_ = openai_usage(raw.get("usage"))
    except (KeyError, TypeError, AttributeError):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered 200 with a body that is not a Converse response.",
            deployment=deployment,
        ) from None
    out: dict[str, Any] = {
        "role": "assistant",
        "content": answer if answer is not None else "".join(texts) if texts or not calls else None,
        "refusal": None,
        "annotations": [],
    }
    if reasoning:
        out["reasoning_content"] = "".join(reasoning)
    if calls:
        out["tool_calls"] = calls
    finish = finish_reason(stop_reason)
    if finish == "tool_calls" and answer is not None and not calls:  # only the JSON-mode tool was called
        finish = "stop"
    choice = {"index": 0, "message": out, "logprobs": None, "finish_reason": finish}
    return completion(model, [choice], usage_)
