"""A loopback mock of AWS Bedrock Runtime's Converse and ConverseStream, speaking the real wire format.

- ``POST /model/{modelId}/converse`` → ``ConverseResponse`` JSON; ``/converse-stream`` → an
  ``application/vnd.amazon.eventstream`` body of binary frames (prelude, headers, payload, CRCs),
  encoded here by ``encode_frame`` and checked against botocore's parser in the unit tests.
- Every request's SigV4 signature is recomputed with botocore from the same test credentials and
  the path exactly as received; a wrong one gets 403 ``InvalidSignatureException``, an unknown key
  403 ``UnrecognizedClientException``.
- Errors: ``{"message": ...}`` bodies with the type in ``x-amzn-ErrorType``, as Bedrock sends them.

Behaviour is chosen by the model id:

| model id                  | behaviour                                                             |
| ------------------------- | --------------------------------------------------------------------- |
| anything else             | an answer: text, tool calls (tools given; ``toolChoice.tool`` names   |
|                           | the one called; a tool without properties gets ``{"answer": TEXT}``), |
|                           | reasoning (thinking asked), JSON (outputConfig), "I see N image(s)."  |
| ``*parallel*``            | two tool calls at once                                                |
| ``error-throttle``        | 429 ``ThrottlingException`` with ``Retry-After: 3``                   |
| ``error-quota``           | 400 ``ServiceQuotaExceededException``                                 |
| ``error-context``         | 400 ``ValidationException``: input too long                           |
| ``error-validation``      | 400 ``ValidationException`` about a field                             |
| ``error-access``          | 403 ``AccessDeniedException``                                         |
| ``error-notfound``        | 404 ``ResourceNotFoundException``                                     |
| ``error-timeout``         | 408 ``ModelTimeoutException``                                         |
| ``error-model``           | 424 ``ModelErrorException``                                           |
| ``error-500``             | 500 ``InternalServerException``                                       |
| ``error-503``             | 503 ``ServiceUnavailableException``                                   |
| ``error-notready``        | 429 ``ModelNotReadyException``                                        |
| ``stream-exception``      | stream: some text, then a ``modelStreamErrorException`` frame         |
| ``stream-throttle-first`` | stream: a ``throttlingException`` frame before any event              |
| ``stream-cut``            | stream: some text, then the connection closes                         |
| ``stream-truncated``      | stream: some text, then a clean end without ``messageStop``/metadata  |
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.integration.mocks.loopback import LoopbackServer

REGION = "us-east-1"
ACCESS_KEY = "AKIAFREEHOLDTEST0001"
SECRET_KEY = "freehold/Test+Secret/Key0123456789abcdefgh"
SESSION_TOKEN = "FwoGZXIvYXdzEFreeholdTestSessionToken0123"
CHAIN_ACCESS_KEY = "AKIAFREEHOLDCHAIN002"
CHAIN_SECRET_KEY = "chain/Secret+Key/0123456789abcdefghijkl"
# access key → (secret key, session token the requests must carry)
CREDENTIALS = {ACCESS_KEY: (SECRET_KEY, SESSION_TOKEN), CHAIN_ACCESS_KEY: (CHAIN_SECRET_KEY, None)}

TEXT = "Hello from Bedrock."
REASONING = "The user wants a greeting. "
USAGE = {"inputTokens": 11, "outputTokens": 7, "cacheReadInputTokens": 4, "cacheWriteInputTokens": 2}
_PATH = re.compile(r"^/model/(?P<model>[^/]+)/(?P<op>converse|converse-stream)$")
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)

ERRORS: dict[str, tuple[int, str, str]] = {
    "error-throttle": (429, "ThrottlingException", "Too many requests, please wait before trying again."),
    "error-quota": (
        400,
        "ServiceQuotaExceededException",
        "Your request exceeds the service quota for your account. You can view your quotas at "
        "https://console.aws.amazon.com/servicequotas.",
    ),
    "error-context": (400, "ValidationException", "Input is too long for requested model."),
    "error-validation": (
        400,
        "ValidationException",
        "1 validation error detected: Value '2.5' at 'inferenceConfig.temperature' failed to satisfy "
        "constraint: Member must have value less than or equal to 1",
    ),
    "error-access": (403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    "error-notfound": (
        404,
        "ResourceNotFoundException",
        "Could not resolve the foundation model from model identifier.",
    ),
    "error-timeout": (408, "ModelTimeoutException", "Model has timed out in processing the request."),
    "error-model": (424, "ModelErrorException", "The model encountered an error while processing the request."),
    "error-500": (500, "InternalServerException", "The server encountered an internal error."),
    "error-503": (503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
    "error-notready": (429, "ModelNotReadyException", "Model is not ready for inference. Wait and try again."),
}


# --- event-stream encoding -----------------------------------------------------------------


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (total length, headers length, CRC), headers, payload, message CRC.

    Header values are all strings (value type 7, a 2-byte length), as Bedrock sends them.
    """
    encoded = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        encoded += struct.pack(">B", len(raw_name)) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_frame(event_type: str, payload: dict[str, Any]) -> bytes:
    # Bedrock pads every event with a "p" field of varying length (against size side channels).
    body = {**payload, "p": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"[: 5 + len(event_type)]}
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
    return encode_frame(headers, json.dumps(body, separators=(",", ":")).encode())


def exception_frame(exception_type: str, payload: dict[str, Any]) -> bytes:
    headers = {":exception-type": exception_type, ":content-type": "application/json", ":message-type": "exception"}
    return encode_frame(headers, json.dumps(payload).encode())


# --- answers -------------------------------------------------------------------------------


def plan(model: str, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The content blocks and stop reason of the answer to ``body``."""
    messages = body.get("messages") or []
    last = messages[-1]["content"] if messages else []
    tools = (body.get("toolConfig") or {}).get("tools") or []
    answered_tool = any("toolResult" in b for b in last)
    blocks: list[dict[str, Any]] = []
    if "thinking" in (body.get("additionalModelRequestFields") or {}):
        blocks.append({"reasoningContent": {"reasoningText": {"text": REASONING, "signature": "sig-mock-0001"}}})
    if tools and not answered_tool:
        choice = (body.get("toolConfig") or {}).get("toolChoice") or {}
        name = choice["tool"]["name"] if "tool" in choice else tools[0]["toolSpec"]["name"]
        spec = next(t["toolSpec"] for t in tools if t["toolSpec"]["name"] == name)
        cities = ["Paris", "Tokyo"] if "parallel" in model else ["Paris"]
        for i, city in enumerate(cities):
            # a tool whose input is any object (no properties) gets the answer itself
            args = {"city": city} if "properties" in spec["inputSchema"]["json"] else {"answer": TEXT}
            blocks.append({"toolUse": {"toolUseId": f"tooluse_mock{i}", "name": name, "input": args}})
        return blocks, "tool_use"
    images = sum(1 for b in last if "image" in b)
    if (body.get("outputConfig") or {}).get("textFormat"):
        text = '{"answer": "hello"}'
    elif images:
        text = f"I see {images} image(s)."
    else:
        text = TEXT
    blocks.append({"text": text})
    max_tokens = (body.get("inferenceConfig") or {}).get("maxTokens")
    return blocks, "max_tokens" if max_tokens == 1 else "end_turn"


def usage() -> dict[str, int]:
    total = sum(USAGE.values())
    return {**USAGE, "totalTokens": total}


def stream_frames(blocks: list[dict[str, Any]], stop_reason: str) -> list[bytes]:
    frames = [event_frame("messageStart", {"role": "assistant"})]
    for index, block in enumerate(blocks):
        if "text" in block:
            words = block["text"].split(" ")
            for j, word in enumerate(words):
                piece = word if j == 0 else " " + word
                frames.append(event_frame("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": piece}}))
        elif "reasoningContent" in block:
            reasoning = block["reasoningContent"]["reasoningText"]
            for piece in (reasoning["text"][:10], reasoning["text"][10:]):
                delta = {"reasoningContent": {"text": piece}}
                frames.append(event_frame("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
            delta = {"reasoningContent": {"signature": reasoning["signature"]}}
            frames.append(event_frame("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
        elif "toolUse" in block:
            use = block["toolUse"]
            start = {"toolUse": {"toolUseId": use["toolUseId"], "name": use["name"]}}
            frames.append(event_frame("contentBlockStart", {"contentBlockIndex": index, "start": start}))
            arguments = json.dumps(use["input"])
            for k in range(0, len(arguments), 5):
                delta = {"toolUse": {"input": arguments[k : k + 5]}}
                frames.append(event_frame("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
        frames.append(event_frame("contentBlockStop", {"contentBlockIndex": index}))
    frames.append(event_frame("messageStop", {"stopReason": stop_reason}))
    frames.append(event_frame("metadata", {"usage": usage(), "metrics": {"latencyMs": 321}}))
    return frames


# --- server --------------------------------------------------------------------------------


@dataclass
class Recorded:
    model: str
    raw_path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class MockBedrock(LoopbackServer):
    requests: list[Recorded] = field(default_factory=list)
    _counter: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    def last(self) -> Recorded:
        return self.requests[-1]

    def _headers(self, content_type: str = "application/json") -> dict[str, str]:
        self._counter += 1
        return {"x-amzn-RequestId": f"5f0d1c2e-0000-4000-8000-{self._counter:012d}", "Content-Type": content_type}

    def _error(self, status: int, kind: str, message: str, extra: dict[str, str] | None = None) -> web.Response:
        headers = {
            **self._headers(),
            "x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/",
        }
        return web.Response(status=status, body=json.dumps({"message": message}), headers={**headers, **(extra or {})})

    def _check_signature(self, request: web.Request, raw: bytes) -> web.Response | None:
        match = _AUTH.match(request.headers.get("Authorization", ""))
        if match is None:
            return self._error(403, "IncompleteSignatureException", "Authorization header requires a SigV4 signature.")
        if match["key"] not in CREDENTIALS:
            return self._error(
                403, "UnrecognizedClientException", "The security token included in the request is invalid."
            )
        secret, token = CREDENTIALS[match["key"]]
        amz_date = request.headers.get("X-Amz-Date", "")
        signed = match["signed"].split(";")
        problems = []
        if match["region"] != REGION or match["service"] != "bedrock":
            problems.append("Credential should be scoped to a valid region and service 'bedrock'.")
        if token is not None and (
            request.headers.get("X-Amz-Security-Token") != token or "x-amz-security-token" not in signed
        ):
            problems.append("The security token included in the request is invalid.")
        try:
            when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            return self._error(403, "IncompleteSignatureException", "X-Amz-Date is missing or malformed.")
        if abs((dt.datetime.now(dt.UTC) - when).total_seconds()) > 300 or match["date"] != amz_date[:8]:
            problems.append("Signature expired or not yet current.")
        if not {"host", "x-amz-date"} <= set(signed) or any(h not in request.headers for h in signed):
            problems.append("SignedHeaders must include host and x-amz-date, and only headers sent.")
        if problems:
            return self._error(403, "InvalidSignatureException", " ".join(problems))
        # Recompute over the request exactly as it arrived: the raw (still percent-encoded) path.
        aws = AWSRequest("POST", f"http://{request.host}{request.raw_path}", data=raw)
        for name in signed:
            aws.headers[name] = request.headers[name]
        aws.context["timestamp"] = amz_date
        auth = SigV4Auth(Credentials(match["key"], secret, token), "bedrock", match["region"])
        expected = auth.signature(auth.string_to_sign(aws, auth.canonical_request(aws)), aws)
        if expected != match["signature"]:
            return self._error(
                403,
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details.",
            )
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        match = _PATH.match(request.raw_path)
        if request.method != "POST" or match is None:
            return self._error(404, "UnknownOperationException", "")
        raw = await request.read()
        model = unquote(match["model"])
        try:
            body = json.loads(raw)
        except ValueError:
            return self._error(400, "SerializationException", "Unexpected character in the request body.")
        self.requests.append(Recorded(model, request.raw_path, dict(request.headers), body))
        failure = self._check_signature(request, raw)
        if failure is not None:
            return failure
        if model in ERRORS:
            status, kind, message = ERRORS[model]
            return self._error(status, kind, message, {"Retry-After": "3"} if kind == "ThrottlingException" else None)
        if not body.get("messages"):
            return self._error(400, "ValidationException", "The messages field is required.")
        blocks, stop_reason = plan(model, body)
        if match["op"] == "converse":
            answer = {
                "output": {"message": {"role": "assistant", "content": blocks}},
                "stopReason": stop_reason,
                "usage": usage(),
                "metrics": {"latencyMs": 321},
            }
            return web.Response(body=json.dumps(answer), headers=self._headers())
        return await self._stream(request, model, stream_frames(blocks, stop_reason))

    async def _stream(self, request: web.Request, model: str, frames: list[bytes]) -> web.StreamResponse:
        resp = web.StreamResponse(headers=self._headers("application/vnd.amazon.eventstream"))
        await resp.prepare(request)
        if model == "stream-throttle-first":
            frames = [exception_frame("throttlingException", {"message": "Too many tokens, please wait."})]
        elif model == "stream-exception":
            error = {
                "message": "The model encountered an error processing the stream.",
                "originalStatusCode": 500,
                "originalMessage": "internal model failure",
            }
            frames = frames[:3] + [exception_frame("modelStreamErrorException", error)]
        elif model in ("stream-cut", "stream-truncated"):
            frames = frames[:3]
        data = b"".join(frames)
        # Send in pieces that do not line up with frames, so the client must reassemble them.
        for k in range(0, len(data), 37):
            await resp.write(data[k : k + 37])
        if model == "stream-cut":
            assert request.transport is not None
            request.transport.close()
            return resp
        await resp.write_eof()
        return resp
