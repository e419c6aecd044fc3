"""A loopback mock of Azure OpenAI's data-plane inference API, speaking its real wire format.

Routes: ``POST /openai/deployments/{deployment}/chat/completions`` and ``.../embeddings``, each
requiring the ``api-version`` query parameter (missing: 404 ``Resource not found``; unknown:
400 ``API version not supported``) and either ``api-key: <AZURE_KEY>`` or
``Authorization: Bearer <AZURE_AD_TOKEN>`` (else Azure's 401 with ``"code": "401"``).

Behaviour is chosen by the deployment name, the way Azure routes:

| deployment        | behaviour                                                                     |
| ----------------- | ----------------------------------------------------------------------------- |
| anything else     | a normal answer (tools → tool call; ``stream`` → SSE opening with the         |
|                   | ``prompt_filter_results`` chunk with empty ``choices``; include_usage honored) |
| ``content-filter``| 400 ``content_filter`` with ``innererror`` (tests/fixtures/azure)            |
| ``rate-limited``  | 429 ``"code": "429"`` with ``retry-after``, ``retry-after-ms``, ``x-ratelimit-remaining-*`` |
| ``context-length``| 400 ``context_length_exceeded``                                               |
| ``missing``       | 404 ``DeploymentNotFound``                                                    |
| ``server-error``  | 500                                                                           |

Error bodies and headers are the recorded payloads under tests/fixtures/azure/.
"""

from __future__ import annotations

import base64
import json
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.integration.mock_openai import MockOpenAI

AZURE_KEY = "azk-test-3f9c2d7e1a5b4c6d8e0f"
AZURE_AD_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.mock-entra-token.sig"
API_VERSIONS = frozenset({"2024-10-21", "2024-06-01", "2025-04-01-preview"})
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "azure"

_SAFE = {
    "hate": {"filtered": False, "severity": "safe"},
    "self_harm": {"filtered": False, "severity": "safe"},
    "sexual": {"filtered": False, "severity": "safe"},
    "violence": {"filtered": False, "severity": "safe"},
}
_PROMPT_FILTER = [
    {"prompt_index": 0, "content_filter_results": {**_SAFE, "jailbreak": {"filtered": False, "detected": False}}}
]
TEXT = "Hello from Azure."


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


_ERRORS: dict[str, tuple[int, str, str | None]] = {
    "content-filter": (400, "error_content_filter.json", None),
    "rate-limited": (429, "error_rate_limit.json", "error_rate_limit.headers.json"),
    "context-length": (400, "error_context_length.json", None),
    "missing": (404, "error_deployment_not_found.json", None),
    "server-error": (500, "error_server.json", None),
}


@dataclass
class AzureRecorded:
    deployment: str
    operation: str  # "chat/completions" | "embeddings"
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class MockAzure(MockOpenAI):
    """The mock server (lifecycle from MockOpenAI); ``requests`` records what reached it."""

    requests: list[AzureRecorded] = field(default_factory=list)  # type: ignore[assignment]

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/openai/deployments/{deployment}/chat/completions", self._chat)
        app.router.add_post("/openai/deployments/{deployment}/embeddings", self._embeddings)
        return app

    # --- helpers --------------------------------------------------------------------------

    def _azure_headers(self) -> dict[str, str]:
        self._counter += 1
        return {
            "apim-request-id": f"00000000-0000-4000-8000-{self._counter:012d}",
            "x-request-id": f"azreq-{self._counter:06d}",
            "x-ms-region": "Sweden Central",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-remaining-tokens": "9950",
        }

    def _json(self, status: int, body: Any, extra: dict[str, str] | None = None) -> web.Response:
        return web.json_response(body, status=status, headers={**self._azure_headers(), **(extra or {})})

    async def _admit(self, request: web.Request, operation: str) -> tuple[dict[str, Any] | None, web.Response | None]:
        """Record the request and check what Azure checks, in Azure's order."""
        version = request.query.get("api-version")
        if version is None:
            return None, self._json(404, {"error": {"code": "404", "message": "Resource not found"}})
        if version not in API_VERSIONS:
            return None, self._json(400, fixture("error_api_version.json"))
        headers = dict(request.headers)
        if headers.get("api-key") != AZURE_KEY and headers.get("Authorization") != f"Bearer {AZURE_AD_TOKEN}":
            return None, self._json(401, fixture("error_unauthorized.json"))
        body = json.loads(await request.read())
        deployment = request.match_info["deployment"]
        self.requests.append(AzureRecorded(deployment, operation, dict(request.query), headers, body))
        if deployment in _ERRORS:
            status, body_file, headers_file = _ERRORS[deployment]
            return None, self._json(status, fixture(body_file), fixture(headers_file) if headers_file else None)
        return body, None

    # --- chat -----------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        body, failure = await self._admit(request, "chat/completions")
        if failure is not None:
            return failure
        assert body is not None
        created = int(time.time())
        cid = f"chatcmpl-Az{self._counter:08d}"
        model = "gpt-4o-mini-2024-07-18"
        usage = {
            "completion_tokens": 5,
            "completion_tokens_details": {
                "accepted_prediction_tokens": 0,
                "audio_tokens": 0,
                "reasoning_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
            "prompt_tokens": 24,
            "prompt_tokens_details": {"audio_tokens": 0, "cached_tokens": 0},
            "total_tokens": 29,
        }
        tools = body.get("tools")
        if not body.get("stream"):
            message: dict[str, Any] = {"annotations": [], "content": TEXT, "refusal": None, "role": "assistant"}
            finish = "stop"
            if tools:
                name = tools[0]["function"]["name"]
                message["content"] = None
                message["tool_calls"] = [
                    {"function": {"arguments": '{"city":"Paris"}', "name": name}, "id": "call_az0", "type": "function"}
                ]
                finish = "tool_calls"
            return self._json(
                200,
                {
                    "choices": [
                        {
                            "content_filter_results": _SAFE,
                            "finish_reason": finish,
                            "index": 0,
                            "logprobs": None,
                            "message": message,
                        }
                    ],
                    "created": created,
                    "id": cid,
                    "model": model,
                    "object": "chat.completion",
                    "prompt_filter_results": _PROMPT_FILTER,
                    "system_fingerprint": "fp_azmock",
                    "usage": usage,
                },
            )

        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base: dict[str, Any] = {
            "created": created,
            "id": cid,
            "model": model,
            "object": "chat.completion.chunk",
            "system_fingerprint": "fp_azmock",
        }
        if include_usage:
            base["usage"] = None

        def event(payload: dict[str, Any]) -> bytes:
            return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"

        def chunk(delta: dict[str, Any], finish: str | None = None, filters: dict[str, Any] | None = None) -> bytes:
            choice = {
                "content_filter_results": filters or {},
                "delta": delta,
                "finish_reason": finish,
                "index": 0,
                "logprobs": None,
            }
            return event({**base, "choices": [choice]})

        events = [
            event(
                {
                    "choices": [],
                    "created": 0,
                    "id": "",
                    "model": "",
                    "object": "",
                    "prompt_filter_results": _PROMPT_FILTER,
                }
            )
        ]
        if tools:
            name = tools[0]["function"]["name"]
            call = {"function": {"arguments": "", "name": name}, "id": "call_az0", "index": 0, "type": "function"}
            events.append(chunk({"content": None, "refusal": None, "role": "assistant", "tool_calls": [call]}))
            events += [
                chunk({"tool_calls": [{"function": {"arguments": part}, "index": 0}]})
                for part in ('{"', "city", '":"', "Paris", '"}')
            ]
            events.append(chunk({}, "tool_calls"))
        else:
            events.append(chunk({"content": "", "refusal": None, "role": "assistant"}))
            events += [chunk({"content": piece}, filters=_SAFE) for piece in ("Hello", " from", " Azure", ".")]
            events.append(chunk({}, "stop"))
        if include_usage:
            events.append(event({**base, "choices": [], "usage": usage}))
        events.append(b"data: [DONE]\n\n")

        resp = web.StreamResponse(headers={**self._azure_headers(), "Content-Type": "text/event-stream; charset=utf-8"})
        await resp.prepare(request)
        for piece in events:
            await resp.write(piece)
        await resp.write_eof()
        return resp

    # --- embeddings -----------------------------------------------------------------------

    async def _embeddings(self, request: web.Request) -> web.Response:  # type: ignore[override]
        body, failure = await self._admit(request, "embeddings")
        if failure is not None:
            return failure
        assert body is not None
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dims = body.get("dimensions") or 4
        data = [
            {"embedding": [round((i + 1) * 0.1 + j * 0.01, 4) for j in range(dims)], "index": i, "object": "embedding"}
            for i in range(len(inputs))
        ]
        if body.get("encoding_format") == "base64":
            for item in data:
                vector = item["embedding"]
                item["embedding"] = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        response = fixture("embeddings_response.json")
        response["data"] = data
        return self._json(200, response)
