"""A loopback mock of the Gemini API (``generativelanguage.googleapis.com/v1beta``), in its real wire format.

Routes: ``POST /v1beta/models/{model}:generateContent``, ``:streamGenerateContent?alt=sse``,
``:embedContent`` and ``:batchEmbedContents``. The key must come in ``x-goog-api-key`` (a wrong
or missing one gets Gemini's 400 ``API_KEY_INVALID``); a ``key=`` query parameter is refused.

Behaviour is chosen by the model name in the path:

| model           | behaviour                                                                        |
| --------------- | -------------------------------------------------------------------------------- |
| anything else   | "Hello from Gemini." — or function calls when tools are declared (mode not NONE) |
| ``*parallel*``  | with tools: two function calls in one turn                                       |
| ``*cached*``    | usage reports ``cachedContentTokenCount``                                        |
| ``error-429``   | 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo ``17s``                    |
| ``error-context`` | 400 INVALID_ARGUMENT "The input token count (...) exceeds the maximum ..."     |
| ``error-400``   | 400 INVALID_ARGUMENT with a BadRequest field violation                            |
| ``error-403`` / ``error-404`` | PERMISSION_DENIED / NOT_FOUND                                      |
| ``error-500`` / ``error-503`` / ``error-504`` | INTERNAL / UNAVAILABLE / DEADLINE_EXCEEDED         |
| ``blocked``     | 200 with ``promptFeedback.blockReason: SAFETY`` and no candidates                 |
| ``safety-stop`` | a candidate cut by ``finishReason: SAFETY``                                       |
| ``cut-stream``  | two events, then the connection closes with no finishReason                      |
| ``no-finish``   | two events, then the stream ends cleanly, but no finishReason was sent           |
| ``stream-error``| one event, then an ``{"error": ...}`` event                                      |

Answers react to the request: a function response in the last turn is echoed ("Results: ..."),
images are counted, ``responseMimeType: application/json`` yields JSON fitting the schema,
``includeThoughts`` adds a thought part, ``candidateCount``/``maxOutputTokens``/
``responseLogprobs`` are honoured. Streams are ``data: <GenerateContentResponse>`` events framed
with ``\\r\\n`` as Google's front end sends them; usage is complete on the last event only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.integration.mocks.loopback import LoopbackServer

EXPECTED_KEY = "AIzaSyMockGeminiKey-0123456789abcdef"
MODEL_VERSION_SUFFIX = "-001"


def _status(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return {"error": error}


_RPC = "type.googleapis.com/google.rpc."
BAD_KEY = _status(
    400,
    "INVALID_ARGUMENT",
    "API key not valid. Please pass a valid API key.",
    [
        {
            "@type": _RPC + "ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {
            "@type": _RPC + "LocalizedMessage",
            "locale": "en-US",
            "message": "API key not valid. Please pass a valid API key.",
        },
    ],
)
ERRORS: dict[str, tuple[int, dict[str, Any]]] = {
    "error-429": (
        429,
        _status(
            429,
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan and billing details. For more information on "
            "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
            [
                {
                    "@type": _RPC + "QuotaFailure",
                    "violations": [
                        {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                            "quotaDimensions": {"location": "global", "model": "gemini-2.0-flash"},
                            "quotaValue": "15",
                        }
                    ],
                },
                {
                    "@type": _RPC + "Help",
                    "links": [
                        {"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}
                    ],
                },
                {"@type": _RPC + "RetryInfo", "retryDelay": "17s"},
            ],
        ),
    ),
    "error-context": (
        400,
        _status(
            400,
            "INVALID_ARGUMENT",
            "The input token count (1200345) exceeds the maximum number of tokens allowed (1048576).",
        ),
    ),
    "error-400": (
        400,
        _status(
            400,
            "INVALID_ARGUMENT",
            "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\"",
            [
                {
                    "@type": _RPC + "BadRequest",
                    "fieldViolations": [
                        {"field": "generation_config.temperature", "description": "Invalid value (TYPE_FLOAT)"}
                    ],
                }
            ],
        ),
    ),
    "error-403": (403, _status(403, "PERMISSION_DENIED", "You do not have permission to access this model.")),
    "error-404": (
        404,
        _status(
            404,
            "NOT_FOUND",
            "models/error-404 is not found for API version v1beta, or is not supported for generateContent.",
        ),
    ),
    "error-500": (500, _status(500, "INTERNAL", "An internal error has occurred.")),
    "error-503": (503, _status(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")),
    "error-504": (504, _status(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.")),
}


# Field names the real API accepts (v1beta REST); anything else is answered as the API does:
# 400 INVALID_ARGUMENT 'Invalid JSON payload received. Unknown name "..."'.
_REQUEST_FIELDS = {
    "contents",
    "systemInstruction",
    "tools",
    "toolConfig",
    "safetySettings",
    "generationConfig",
    "cachedContent",
}
_CONFIG_FIELDS = {
    "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount", "maxOutputTokens",
    "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
    "thinkingConfig", "responseModalities", "mediaResolution",
}  # fmt: skip
_PART_FIELDS = {"text", "thought", "thoughtSignature", "inlineData", "fileData", "functionCall", "functionResponse"}
_DECLARATION_FIELDS = {"name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema"}


def unknown_field(body: dict[str, Any]) -> str | None:
    """The first field name the real API would reject, as ``where.name``."""
    checks: list[tuple[str, object, set[str]]] = [("", body, _REQUEST_FIELDS)]
    checks.append(("generation_config", body.get("generationConfig") or {}, _CONFIG_FIELDS))
    checks.append(
        (
            "thinking_config",
            (body.get("generationConfig") or {}).get("thinkingConfig") or {},
            {"thinkingBudget", "includeThoughts", "thinkingLevel"},
        )
    )
    checks.append(("tool_config", body.get("toolConfig") or {}, {"functionCallingConfig"}))
    checks.append(
        (
            "function_calling_config",
            (body.get("toolConfig") or {}).get("functionCallingConfig") or {},
            {"mode", "allowedFunctionNames"},
        )
    )
    for content in [*(body.get("contents") or []), body.get("systemInstruction") or {"parts": []}]:
        checks.append(("content", content, {"role", "parts"}))
        checks += [("part", part, _PART_FIELDS) for part in content.get("parts") or []]
        if content.get("role") not in (None, "user", "model"):
            return f"content.role={content.get('role')}"
    for tool in body.get("tools") or []:
        checks.append(("tool", tool, {"functionDeclarations", "googleSearch", "codeExecution", "urlContext"}))
        checks += [("function_declaration", d, _DECLARATION_FIELDS) for d in tool.get("functionDeclarations") or []]
    for where, obj, allowed in checks:
        extra = set(obj) - allowed if isinstance(obj, dict) else set()
        if extra:
            return f"{where}.{sorted(extra)[0]}"
    return None


@dataclass
class Recorded:
    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]


def _placeholder(schema: Any) -> Any:
    """A value fitting a (simple) JSON schema."""
    if not isinstance(schema, dict):
        return "example"
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: _placeholder(props.get(k)) for k in schema.get("required") or props}
    if kind == "array":
        return [_placeholder(schema.get("items"))]
    return {"integer": 3, "number": 2.5, "boolean": True}.get(kind, "Paris")  # type: ignore[arg-type]


def _words(contents: list[dict[str, Any]]) -> int:
    return sum(len(str(p.get("text", "")).split()) for c in contents for p in c.get("parts", []))


@dataclass
class Plan:
    """What one request is answered with; streams and whole answers are cut from the same plan."""

    thoughts: str | None
    pieces: list[str]
    calls: list[dict[str, Any]]
    finish: str
    usage: dict[str, Any]
    logprobs: bool


def plan(model: str, body: dict[str, Any]) -> Plan:
    contents = body.get("contents") or []
    config = body.get("generationConfig") or {}
    last_parts = contents[-1]["parts"] if contents else []
    results = [p["functionResponse"] for p in last_parts if "functionResponse" in p]
    media = [
        p.get("inlineData", p.get("fileData"))
        for c in contents
        for p in c["parts"]
        if {"inlineData", "fileData"} & set(p)
    ]
    declared = [d for t in body.get("tools") or [] for d in t.get("functionDeclarations", [])]
    calling = (body.get("toolConfig") or {}).get("functionCallingConfig") or {}
    calls: list[dict[str, Any]] = []
    pieces: list[str] = []
    if declared and not results and calling.get("mode") != "NONE":
        allowed = calling.get("allowedFunctionNames") or [d["name"] for d in declared]
        chosen = [d for d in declared if d["name"] in allowed]
        count = 2 if "parallel" in model else 1
        for k in range(count):
            decl = chosen[k % len(chosen)]
            args = _placeholder(decl.get("parametersJsonSchema") or {"type": "object"})
            if k and isinstance(args, dict):
                args = {key: (f"{value}-{k}" if isinstance(value, str) else value) for key, value in args.items()}
            calls.append({"name": decl["name"], "args": args})
    elif results:
        text = "Results: " + "; ".join(f"{r['name']}={json.dumps(r['response'], sort_keys=True)}" for r in results)
        pieces = [text[i : i + 24] for i in range(0, len(text), 24)]
    elif config.get("responseMimeType") == "application/json":
        doc = json.dumps(
            _placeholder(
                config.get("responseJsonSchema")
                or {"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string"}}}
            )
        )
        pieces = [doc[i : i + 10] for i in range(0, len(doc), 10)]
    elif media:
        kinds = ", ".join(m.get("mimeType", "?") + (f" at {m['fileUri']}" if "fileUri" in m else "") for m in media)
        pieces = [f"I see {len(media)} image(s): ", kinds, "."]
    else:
        pieces = ["Hello", " from", " Gemini."]
    finish = "STOP"
    limit = config.get("maxOutputTokens")
    if limit is not None and limit < len(pieces):
        pieces, finish = pieces[:limit], "MAX_TOKENS"
    if model == "safety-stop":
        pieces, finish = pieces[:1], "SAFETY"
    thinking = config.get("thinkingConfig") or {}
    thoughts = "Let me think about this step by step." if thinking.get("includeThoughts") else None
    thought_tokens = 9 if thinking.get("thinkingBudget") else 0
    n = config.get("candidateCount") or 1
    system_words = _words([body["systemInstruction"]]) if body.get("systemInstruction") else 0
    usage: dict[str, Any] = {
        "promptTokenCount": 4 + _words(contents) + system_words + 258 * len(media),
        "candidatesTokenCount": n * (len(pieces) + 6 * len(calls)),
        "totalTokenCount": 0,
    }
    if thought_tokens:
        usage["thoughtsTokenCount"] = thought_tokens * n
    if "cached" in model:
        usage["cachedContentTokenCount"] = 2
    usage["totalTokenCount"] = (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + usage.get("thoughtsTokenCount", 0)
    )
    return Plan(thoughts, pieces, calls, finish, usage, bool(config.get("responseLogprobs")))


def _logprobs(pieces: list[str]) -> dict[str, Any]:
    return {
        "topCandidates": [
            {"candidates": [{"token": p, "logProbability": -0.25}, {"token": p.upper(), "logProbability": -1.5}]}
            for p in pieces
        ],
        "chosenCandidates": [{"token": p, "logProbability": -0.25} for p in pieces],
        "logProbabilitySum": -0.25 * len(pieces),
    }


@dataclass
class MockGemini(LoopbackServer):
    """The mock server; ``requests`` records every request that reached it."""

    requests: list[Recorded] = field(default_factory=list)
    _counter: int = 0

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1beta/models/{target}", self._dispatch)
        return app

    def last(self) -> Recorded:
        return self.requests[-1]

    # --- requests -------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        model, _, method = request.match_info["target"].partition(":")
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            return web.json_response(_status(400, "INVALID_ARGUMENT", "Invalid JSON payload received."), status=400)
        self.requests.append(Recorded(request.path, request.query_string, dict(request.headers), body))
        if "key" in request.query or request.headers.get("x-goog-api-key") != EXPECTED_KEY:
            return web.json_response(BAD_KEY, status=400)
        if model in ERRORS:
            status, error = ERRORS[model]
            return web.json_response(error, status=status)
        bad = unknown_field(body) if method in ("generateContent", "streamGenerateContent") else None
        if bad is not None:
            message = f'Invalid JSON payload received. Unknown name "{bad}": Cannot find field.'
            violation = {"@type": _RPC + "BadRequest", "fieldViolations": [{"field": bad, "description": message}]}
            return web.json_response(_status(400, "INVALID_ARGUMENT", message, [violation]), status=400)
        if method == "generateContent":
            return web.json_response(self._whole(model, body))
        if method == "streamGenerateContent" and request.query.get("alt") == "sse":
            return await self._stream(request, model, body)
        if method in ("embedContent", "batchEmbedContents"):
            return self._embed(model, method, body)
        return web.json_response(_status(404, "NOT_FOUND", f"Method {method} not found."), status=404)

    def _envelope(self, model: str) -> dict[str, Any]:
        self._counter += 1
        return {"modelVersion": model + MODEL_VERSION_SUFFIX, "responseId": f"mockResp{self._counter:06d}"}

    def _whole(self, model: str, body: dict[str, Any]) -> dict[str, Any]:
        p = plan(model, body)
        envelope = self._envelope(model)
        if model == "blocked":
            return {
                "promptFeedback": {
                    "blockReason": "SAFETY",
                    "safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH"}],
                },
                "usageMetadata": {
                    "promptTokenCount": p.usage["promptTokenCount"],
                    "totalTokenCount": p.usage["promptTokenCount"],
                },
                **envelope,
            }
        n = (body.get("generationConfig") or {}).get("candidateCount") or 1
        candidates = []
        for i in range(n):
            parts: list[dict[str, Any]] = []
            if p.thoughts:
                parts.append({"text": p.thoughts, "thought": True})
            if p.pieces:
                parts.append({"text": "".join(p.pieces)})
            parts += [{"functionCall": call} for call in p.calls]
            candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "finishReason": p.finish}
            if i:
                candidate["index"] = i  # proto3 JSON leaves index 0 out
            if p.logprobs:
                candidate["logprobsResult"] = _logprobs(p.pieces)
            candidates.append(candidate)
        return {"candidates": candidates, "usageMetadata": p.usage, **envelope}

    def _events(self, model: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        p = plan(model, body)
        envelope = self._envelope(model)
        partial = {"promptTokenCount": p.usage["promptTokenCount"], "totalTokenCount": p.usage["promptTokenCount"]}
        if model == "blocked":
            return [{"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": partial, **envelope}]
        n = (body.get("generationConfig") or {}).get("candidateCount") or 1
        steps: list[list[dict[str, Any]]] = []
        if p.thoughts:
            steps.append([{"text": p.thoughts, "thought": True}])
        steps += [[{"text": piece}] for piece in p.pieces]
        steps += [[{"functionCall": call}] for call in p.calls]
        events = []
        for s, parts in enumerate(steps):
            last = s == len(steps) - 1
            candidates = []
            for i in range(n):
                candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
                if i:
                    candidate["index"] = i
                if last:
                    candidate["finishReason"] = p.finish
                if p.logprobs and "text" in parts[0] and not parts[0].get("thought"):
                    candidate["logprobsResult"] = _logprobs([parts[0]["text"]])
                candidates.append(candidate)
            events.append({"candidates": candidates, "usageMetadata": p.usage if last else partial, **envelope})
        return events

    async def _stream(self, request: web.Request, model: str, body: dict[str, Any]) -> web.StreamResponse:
        events = self._events(model, body)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        if model in ("cut-stream", "no-finish"):
            events = events[:2]
            for c in events[-1]["candidates"]:
                c.pop("finishReason", None)
        if model == "stream-error":
            events = events[:1] + [_status(500, "INTERNAL", "An internal error has occurred.")]
        for event in events:
            await resp.write(b"data: " + json.dumps(event).encode() + b"\r\n\r\n")
        if model == "cut-stream":
            assert request.transport is not None
            request.transport.close()
            return resp
        await resp.write_eof()
        return resp

    def _embed(self, model: str, method: str, body: dict[str, Any]) -> web.Response:
        requests = body["requests"] if method == "batchEmbedContents" else [body]
        embeddings = []
        for i, item in enumerate(requests):
            if method == "batchEmbedContents" and item.get("model") != f"models/{model}":
                message = f"requests[{i}].model must be models/{model}."
                return web.json_response(_status(400, "INVALID_ARGUMENT", message), status=400)
            dims = item.get("outputDimensionality") or 16
            text = item["content"]["parts"][0]["text"]
            embeddings.append(
                {"values": [round(0.125 * (i + 1) + j * 0.0625 + len(text) / 1024, 6) for j in range(dims)]}
            )
        if method == "embedContent":
            return web.json_response({"embedding": embeddings[0]})
        return web.json_response({"embeddings": embeddings})
