"""OpenAI Chat Completions ⇄ Gemini ``generateContent``: pure functions, no I/O.

``translate`` turns a canonical request into a ``GenerateContentRequest`` and its ``Plan``
(hints dropped, ``parallel_tool_calls: false`` emulated); ``from_upstream`` turns a
``GenerateContentResponse`` into a ``chat.completion`` shaped as the plan says. The stream
translator in ``stream.py`` shares the part, finish-reason and usage helpers defined here.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from freehold.catalog import lookup
from freehold.echo import clip
from freehold.errors import InvalidRequest, ProviderRejected, ProviderResponseInvalid
from freehold.providers.emulation import Plan
from freehold.providers.gemini.params import screen
from freehold.providers.gemini.wire import Content, GenerateContentRequest, GenerationConfig, Part
from freehold.providers.openai_format import REASONING_BUDGETS, completion, function_tools, reject_or_drop, usage
from freehold.schemas.chat import ChatRequest

__all__ = [
    "blocked_error",
    "finish_reason",
    "from_upstream",
    "logprobs_from",
    "split_parts",
    "to_upstream",
    "tool_call_id",
    "translate",
    "usage_from",
]

_CONTENT_FILTER = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"}
)
_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", **dict.fromkeys(_CONTENT_FILTER, "content_filter")}
_URL_MIME_FALLBACK = "image/jpeg"  # fileData needs a MIME type; an OpenAI image_url is an image


# --- request ---------------------------------------------------------------------------------


def to_upstream(
    request: ChatRequest, model: str, safety_settings: Sequence[Mapping[str, Any]] = ()
) -> GenerateContentRequest:
    """The ``GenerateContentRequest`` for a canonical chat request (``translate`` without its ``Plan``)."""
    return translate(request, model, safety_settings)[0]


def translate(
    request: ChatRequest, model: str, safety_settings: Sequence[Mapping[str, Any]] = ()
) -> tuple[GenerateContentRequest, Plan]:
    """The ``GenerateContentRequest`` for a canonical chat request, and what the answer must do.

    ``parallel_tool_calls: false`` has no Gemini field, and it only limits the answer to one
    call: when ``tool_choice`` forces one function it is passed through as that, and in every
    case the answer keeps only its first function call (``Plan.one_tool_call``). Never a 400:
    that is what LangChain's ``with_structured_output`` sends.

    Raises:
        InvalidRequest: a message or parameter cannot be expressed for Gemini (400 naming it).
    """
    body = request.body
    plan = Plan()
    screen(request, model, plan)
    system, contents = _contents(body["messages"])
    out: GenerateContentRequest = {"contents": contents}
    if system:
        out["systemInstruction"] = {"parts": system}
    tools = _tools(request, model, plan)
    if tools:
        out["tools"] = [{"functionDeclarations": tools}]
        tool_config = _tool_config(body.get("tool_choice"))
        if tool_config:
            out["toolConfig"] = {"functionCallingConfig": tool_config}
        plan.one_tool_call = body.get("parallel_tool_calls") is False
    if safety_settings:
        out["safetySettings"] = [dict(s) for s in safety_settings]
    config = _generation_config(request, model, plan)
    if config:
        out["generationConfig"] = config
    return out, plan


def _contents(messages: list[dict[str, Any]]) -> tuple[list[Part], list[Content]]:
    """System parts, and the turns with consecutive same-role messages merged (Gemini alternates roles)."""
    system: list[Part] = []
    contents: list[Content] = []
    call_names: dict[str, str] = {}  # tool_call_id → function name, from earlier assistant turns
    for i, message in enumerate(messages):
        role = message["role"]
        where = f"messages[{i}]"
        if role in ("system", "developer"):
            system.extend({"text": t} for t in _texts(message.get("content"), where))
            continue
        if role == "user":
            parts, gemini_role = _user_parts(message.get("content"), where), "user"
        elif role == "assistant":
            parts, gemini_role = _assistant_parts(message, call_names, where), "model"
        else:  # tool, or the legacy function role
            parts, gemini_role = [_function_response(message, call_names, where)], "user"
        if not parts:
            continue
        if contents and contents[-1]["role"] == gemini_role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": gemini_role, "parts": parts})
    if not contents:
        raise InvalidRequest(
            "'messages' must hold at least one user or assistant message for Gemini.", param="messages"
        )
    return system, contents


def _texts(content: Any, where: str) -> list[str]:
    if content is None:
        return []
    if isinstance(content, str):
        return [content]
    texts = []
    for j, part in enumerate(content):  # a list: parse_chat checked str | list
        if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise InvalidRequest(f"'{where}.content[{j}]' must be a text part here.", param=f"{where}.content")
        texts.append(part["text"])
    return texts


def _user_parts(content: Any, where: str) -> list[Part]:
    if content is None or isinstance(content, str):
        return [{"text": t} for t in _texts(content, where)]
    parts: list[Part] = []
    for j, part in enumerate(content):
        param = f"{where}.content[{j}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            parts.append({"text": part["text"]})
        elif kind == "image_url" and isinstance(part.get("image_url"), dict):
            parts.append(_media(part["image_url"].get("url"), param))
        elif kind == "input_audio" and isinstance(part.get("input_audio"), dict):
            audio = part["input_audio"]
            parts.append({"inlineData": {"mimeType": f"audio/{audio.get('format', 'wav')}", "data": audio.get("data")}})
        elif kind == "file" and isinstance(part.get("file"), dict) and part["file"].get("file_data"):
            parts.append(_media(part["file"]["file_data"], param))
        else:
            raise InvalidRequest(
                f"'{param}' is not a content part Gemini accepts (text, image_url, input_audio, file with file_data).",
                param=param,
            )
    return parts


def _media(url: object, param: str) -> Part:
    """A data URL becomes ``inlineData``; an http(s) URL ``fileData`` (the API fetches it)."""
    if not isinstance(url, str):
        raise InvalidRequest(f"'{param}' needs a URL string.", param=param)
    if url.startswith("data:"):
        header, sep, data = url[5:].partition(",")
        mime, *params = header.split(";")
        if not sep or "base64" not in params:
            raise InvalidRequest(f"'{param}': a data URL must be base64 ('data:<mime>;base64,...').", param=param)
        return {"inlineData": {"mimeType": mime or "application/octet-stream", "data": data}}
    if url.startswith(("http://", "https://", "gs://")):
        mime = mimetypes.guess_type(url.split("?", 1)[0])[0] or _URL_MIME_FALLBACK
        return {"fileData": {"mimeType": mime, "fileUri": url}}
    raise InvalidRequest(f"'{param}': the URL must be a data: URL or http(s).", param=param)


def _assistant_parts(message: Mapping[str, Any], call_names: dict[str, str], where: str) -> list[Part]:
    parts: list[Part] = [{"text": t} for t in _texts(message.get("content"), where) if t]
    for k, call in enumerate(message.get("tool_calls") or ()):
        param = f"{where}.tool_calls[{k}]"
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise InvalidRequest(f"'{param}' needs a function with a name.", param=param)
        raw = function.get("arguments") or "{}"
        try:
            args = orjson.loads(raw)
        except (orjson.JSONDecodeError, TypeError):
            args = None
        if not isinstance(args, dict):
            raise InvalidRequest(f"'{param}.function.arguments' must be a JSON object.", param=param)
        if isinstance(call.get("id"), str):
            call_names[call["id"]] = function["name"]
        part: Part = {"functionCall": {"name": function["name"], "args": args}}
        signature = ((call.get("extra_content") or {}).get("google") or {}).get("thought_signature")
        if isinstance(signature, str):
            part["thoughtSignature"] = signature  # Gemini 3 wants its signature back with the call
        parts.append(part)
    return parts


def _function_response(message: Mapping[str, Any], call_names: Mapping[str, str], where: str) -> Part:
    if message["role"] == "tool":
        name = call_names.get(message.get("tool_call_id"))  # type: ignore[arg-type]
        if name is None:
            raise InvalidRequest(
                f"'{where}.tool_call_id' does not match a tool call of an earlier assistant message.",
                param=f"{where}.tool_call_id",
            )
    else:
        name = message.get("name")
        if not isinstance(name, str):
            raise InvalidRequest(f"'{where}.name' is required for a function message.", param=f"{where}.name")
    text = "".join(_texts(message.get("content"), where))
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = None
    # A JSON object is the function's structured result; anything else goes under "output", as the API documents.
    response = value if isinstance(value, dict) else {"output": text}
    return {"functionResponse": {"name": name, "response": response}}


def _tools(request: ChatRequest, model: str, plan: Plan) -> list[dict[str, Any]]:
    declarations = []
    for function in function_tools(request, model, "Gemini takes function tools only", plan):
        declaration: dict[str, Any] = {"name": function["name"]}
        if function.get("description"):
            declaration["description"] = function["description"]
        if function.get("parameters"):
            declaration["parametersJsonSchema"] = function["parameters"]  # JSON Schema, taken as is
        declarations.append(declaration)
    return declarations


def _tool_config(choice: object) -> dict[str, Any] | None:
    if choice is None:
        return None
    modes = {"auto": "AUTO", "none": "NONE", "required": "ANY"}
    if isinstance(choice, str) and choice in modes:
        return {"mode": modes[choice]}
    if isinstance(choice, dict) and isinstance((choice.get("function") or {}).get("name"), str):
        return {"mode": "ANY", "allowedFunctionNames": [choice["function"]["name"]]}
    raise InvalidRequest(
        "'tool_choice' must be 'auto', 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}.",
        param="tool_choice",
    )


def _generation_config(request: ChatRequest, model: str, plan: Plan) -> GenerationConfig:
    body = request.body
    config: GenerationConfig = {}
    stop = body.get("stop")
    if stop:
        config["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    if body.get("n") is not None:
        config["candidateCount"] = body["n"]
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    if limit:
        config["maxOutputTokens"] = limit
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "topP"),
        ("top_k", "topK"),
        ("seed", "seed"),
        ("presence_penalty", "presencePenalty"),
        ("frequency_penalty", "frequencyPenalty"),
    ):
        if body.get(ours) is not None:
            config[theirs] = body[ours]  # type: ignore[literal-required]
    if body.get("logprobs"):
        config["responseLogprobs"] = True
        if body.get("top_logprobs") is not None:
            config["logprobs"] = body["top_logprobs"]
    fmt = body.get("response_format")
    if fmt is not None:
        kind = fmt.get("type")
        if kind == "json_object":
            config["responseMimeType"] = "application/json"
        elif kind == "json_schema":
            schema = (fmt.get("json_schema") or {}).get("schema")
            if not isinstance(schema, dict):
                raise InvalidRequest("'response_format.json_schema.schema' must be an object.", param="response_format")
            config["responseMimeType"] = "application/json"
            config["responseJsonSchema"] = schema
        elif kind != "text":
            raise InvalidRequest(
                "'response_format.type' must be text, json_object or json_schema.", param="response_format"
            )
    effort = body.get("reasoning_effort")
    if effort is not None:
        info = lookup(model)
        if info is not None and not info.reasoning:
            reject_or_drop(request, "reasoning_effort", model, "the model does not think", plan)
        elif effort == "none":
            config["thinkingConfig"] = {"thinkingBudget": 0}
        elif effort in REASONING_BUDGETS:
            config["thinkingConfig"] = {"thinkingBudget": REASONING_BUDGETS[effort], "includeThoughts": True}
        else:
            raise InvalidRequest(
                f"'reasoning_effort' must be one of none, {', '.join(REASONING_BUDGETS)}; got {clip(effort)}.",
                param="reasoning_effort",
            )
    return config


# --- response --------------------------------------------------------------------------------


def tool_call_id(response_id: str, candidate: int, position: int, name: str) -> str:
    """A stable OpenAI id for a function call Gemini sent without one (the same in streams and whole answers)."""
    digest = hashlib.blake2b(f"{response_id}\x00{candidate}\x00{position}\x00{name}".encode(), digest_size=12)
    return "call_" + digest.hexdigest()


def split_parts(
    parts: Sequence[Mapping[str, Any]], response_id: str, candidate: int, first_call: int = 0
) -> tuple[str, str, list[dict[str, Any]]]:
    """Answer text, thought text, and OpenAI tool calls (``index`` from ``first_call``) of a candidate's parts."""
    text: list[str] = []
    thoughts: list[str] = []
    calls: list[dict[str, Any]] = []
    for part in parts:
        call = part.get("functionCall")
        if isinstance(call, dict):
            position = first_call + len(calls)
            name = str(call.get("name", ""))
            tool_call: dict[str, Any] = {
                "index": position,
                "id": call.get("id") or tool_call_id(response_id, candidate, position, name),
                "type": "function",
                "function": {"name": name, "arguments": orjson.dumps(call.get("args") or {}).decode()},
            }
            if isinstance(part.get("thoughtSignature"), str):
                tool_call["extra_content"] = {"google": {"thought_signature": part["thoughtSignature"]}}
            calls.append(tool_call)
        elif isinstance(part.get("text"), str):
            (thoughts if part.get("thought") else text).append(part["text"])
    return "".join(text), "".join(thoughts), calls


def finish_reason(reason: object, has_calls: bool) -> str:
    """OpenAI's finish reason for a Gemini ``finishReason`` (function calls end a turn as ``tool_calls``)."""
    if has_calls and reason in (None, "STOP"):
        return "tool_calls"
    return _FINISH.get(reason, "stop") if isinstance(reason, str) else "stop"


def usage_from(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """OpenAI usage from ``usageMetadata``: thoughts count as completion (reasoning) tokens, cache as prompt."""
    meta = meta or {}
    thoughts = int(meta.get("thoughtsTokenCount") or 0)
    return usage(
        int(meta.get("promptTokenCount") or 0) + int(meta.get("toolUsePromptTokenCount") or 0),
        int(meta.get("candidatesTokenCount") or 0) + thoughts,
        cached_tokens=int(meta.get("cachedContentTokenCount") or 0),
        reasoning_tokens=thoughts,
    )


def _token_logprob(entry: Mapping[str, Any]) -> dict[str, Any]:
    token = str(entry.get("token", ""))
    return {"token": token, "logprob": float(entry.get("logProbability") or 0.0), "bytes": list(token.encode())}


def logprobs_from(result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """OpenAI ``logprobs`` from a candidate's ``logprobsResult`` (chosen tokens, with the top ones per step)."""
    if not result:
        return None
    tops = result.get("topCandidates") or []
    content = []
    for step, chosen in enumerate(result.get("chosenCandidates") or ()):
        entry = _token_logprob(chosen)
        top = tops[step].get("candidates") or [] if step < len(tops) else []
        entry["top_logprobs"] = [_token_logprob(t) for t in top]
        content.append(entry)
    return {"content": content, "refusal": None}


def blocked_error(data: Mapping[str, Any], deployment: str) -> ProviderRejected | None:
    """The error for a prompt Gemini refused to answer (``promptFeedback.blockReason``, no candidates).

    The API answers 200 with nothing generated; like Azure OpenAI's filtered prompts, this is
    rendered as a 400 ``content_filter`` error rather than an empty completion.
    """
    reason = (data.get("promptFeedback") or {}).get("blockReason")
    if not reason:
        return None
    return ProviderRejected(
        f"The prompt was blocked by the upstream's content filter (Gemini blockReason {reason}); "
        "nothing was generated.",
        deployment=deployment,
        upstream_status=200,
        param="messages",
        code="content_filter",
    )


def from_upstream(data: Mapping[str, Any], model: str, deployment: str, plan: Plan | None = None) -> dict[str, Any]:
    """The ``chat.completion`` for a whole ``GenerateContentResponse``, shaped as ``plan`` says.

    Raises:
        ProviderRejected: the prompt was blocked.
        ProviderResponseInvalid: no candidates and no reason given.
    """
    candidates = data.get("candidates") or []
    if not candidates:
        raise blocked_error(data, deployment) or ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered without any candidate.", deployment=deployment
        )
    response_id = str(data.get("responseId") or "")
    choices: list[dict[str, Any]] = []
    for position, candidate in enumerate(candidates):
        index = int(candidate.get("index", position))
        text, thoughts, calls = split_parts((candidate.get("content") or {}).get("parts") or [], response_id, index)
        if plan is not None and plan.one_tool_call:
            calls = calls[:1]
        message: dict[str, Any] = {"role": "assistant", "content": text or None, "refusal": None}
        if thoughts:
            message["reasoning_content"] = thoughts
        if calls:
            message["tool_calls"] = [{k: v for k, v in call.items() if k != "index"} for call in calls]
        choices.append(
            {
                "index": index,
                "message": message,
                "finish_reason": finish_reason(candidate.get("finishReason"), bool(calls)),
                "logprobs": logprobs_from(candidate.get("logprobsResult")),
            }
        )
    choices.sort(key=lambda c: int(c["index"]))
    return completion(str(data.get("modelVersion") or model), choices, usage_from(data.get("usageMetadata")))
