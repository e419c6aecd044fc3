"""Provider ``openai``: OpenAI and any server speaking its wire format.

That covers vLLM, Ollama, llama.cpp, Groq, Together, DeepSeek and the like.

The body is forwarded as the client sent it, with only ``model`` rewritten, and answers are
relayed byte for byte: this is the gateway's fast path.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, Literal

import orjson
from pydantic import Field, SecretStr, field_validator

from freehold.config.common import BaseUrl, DeploymentBase, Headers, Timeout
from freehold.config.secrets import SecretRef
from freehold.context import RequestContext
from freehold.errors import (
    ContextWindowExceeded,
    ModelUnavailable,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderResponseInvalid,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
)
from freehold.providers.base import Capabilities, Completion, RateLimitHint, StreamResponse
from freehold.providers.http_errors import error_object, parse_count, parse_duration, parse_retry_after
from freehold.providers.params import ParamRules, rules_for
from freehold.redact import redact
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest
from freehold.transport.http import client_timeout
from freehold.transport.seam import JsonReply, Transport, Upstream

__all__ = [
    "OpenAICompatProvider",
    "OpenAIDeployment",
    "classify_error",
    "error_fields",
    "parse_count",
    "parse_duration",
    "parse_error",
    "parse_rate_limits",
    "parse_retry_after",
    "reset_wait",
    "to_upstream",
]


class OpenAIDeployment(DeploymentBase):
    """A deployment on an OpenAI-compatible server."""

    provider: Literal["openai"]
    api_base: BaseUrl = "https://api.openai.com/v1"
    """Base URL up to and including the version segment, e.g. ``http://127.0.0.1:8000/v1``."""
    api_key: SecretRef | None = None
    """``env:NAME`` or ``file:/path``; omit for local servers without auth."""
    headers: Headers = Field(default_factory=dict)
    """Extra headers for every upstream request (e.g. ``OpenAI-Organization``)."""

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. https://api.openai.com/v1)")
        return value.rstrip("/")


# --- pure translation --------------------------------------------------------------------


def to_upstream(body: Mapping[str, Any], model: str) -> bytes:
    """The client's body with the alias replaced by the deployment's model; nothing else changes."""
    return orjson.dumps({**body, "model": model})


def parse_rate_limits(headers: Mapping[str, str]) -> RateLimitHint | None:
    """The quota left on the credential, from OpenAI's ``x-ratelimit-*`` headers.

    This runs on every answer, so a response without them (vLLM, Ollama, most local servers)
    costs two lookups. ``headers`` is what aiohttp gives (case-insensitive) or lower-cased keys.
    None when nothing usable was sent; otherwise a hint whose unreadable fields are None.
    """
    requests = headers.get("x-ratelimit-remaining-requests")
    tokens = headers.get("x-ratelimit-remaining-tokens")
    if requests is None and tokens is None:
        return None
    left_requests = parse_count(requests)
    left_tokens = parse_count(tokens)
    reset_requests = parse_duration(headers.get("x-ratelimit-reset-requests"))
    reset_tokens = parse_duration(headers.get("x-ratelimit-reset-tokens"))
    if left_requests is None and left_tokens is None and reset_requests is None and reset_tokens is None:
        return None
    return RateLimitHint(left_requests, left_tokens, reset_requests, reset_tokens)


def reset_wait(hint: RateLimitHint | None, limit: str | None = None) -> float | None:
    """Seconds until a rate-limited (429) request can succeed, read from the hint's reset times.

    For a 429 that came without ``Retry-After``: the reset of the ``limit`` the vendor named
    (``"requests"`` or ``"tokens"``, OpenAI's error ``type``), else the latest reset among the
    limits at zero (every one must have refilled), else the soonest reset reported.
    """
    if hint is None:
        return None
    if limit == "requests" and hint.reset_requests is not None:
        return hint.reset_requests
    if limit == "tokens" and hint.reset_tokens is not None:
        return hint.reset_tokens
    exhausted = [
        reset
        for remaining, reset in (
            (hint.remaining_requests, hint.reset_requests),
            (hint.remaining_tokens, hint.reset_tokens),
        )
        if remaining == 0 and reset is not None
    ]
    if exhausted:
        return max(exhausted)
    resets = [r for r in (hint.reset_requests, hint.reset_tokens) if r is not None]
    return min(resets) if resets else None


def error_fields(raw: bytes) -> dict[str, Any]:
    """The error object of an OpenAI-style body, tolerating vLLM's flat and FastAPI's ``detail`` shapes."""
    return error_object(raw, _openai_error)


def _openai_error(data: Any) -> dict[str, Any] | None:
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            return err
        if isinstance(err, str):
            return {"message": err}
        if isinstance(data.get("message"), str):
            return data
        if "detail" in data:
            return {"message": str(data["detail"])}
    return None


def parse_error(
    status: int, raw: bytes, headers: Mapping[str, str], deployment: str, secrets: tuple[str, ...] = ()
) -> ProviderError:
    """Classify an upstream error response by status and structured fields (never by message text)."""
    return classify_error(status, error_fields(raw), headers, deployment, secrets)


def classify_error(
    status: int,
    fields: Mapping[str, Any],
    headers: Mapping[str, str],
    deployment: str,
    secrets: tuple[str, ...] = (),
    rate_limits: Callable[[Mapping[str, str]], RateLimitHint | None] = parse_rate_limits,
) -> ProviderError:
    """``parse_error`` on an already-decoded error object (for vendors that adjust the fields first).

    ``rate_limits`` reads the vendor's rate-limit headers: the hint rides on the error
    (``ratelimit``), and a 429 without ``Retry-After`` waits for the reset they announce.
    """
    hint = rate_limits(headers)
    err = _classify(status, fields, headers, deployment, secrets, hint)
    err.ratelimit = hint
    return err


def _classify(
    status: int,
    fields: Mapping[str, Any],
    headers: Mapping[str, str],
    deployment: str,
    secrets: tuple[str, ...],
    hint: RateLimitHint | None,
) -> ProviderError:
    message = redact(str(fields.get("message") or f"HTTP {status}"), secrets)
    code = fields.get("code") if isinstance(fields.get("code"), str) else None
    param = fields.get("param") if isinstance(fields.get("param"), str) else None
    err_type = fields.get("type") if isinstance(fields.get("type"), str) else None
    retry_after = parse_retry_after(headers)
    where = f"Upstream deployment '{deployment}' answered {status}: {message}"
    common: dict[str, Any] = {"deployment": deployment, "upstream_status": status, "retry_after": retry_after}
    if status == 429:
        if code == "insufficient_quota":
            return QuotaExhausted(where, **common)
        if retry_after is None:  # OpenAI's 429 names the exhausted limit in "type": "requests" or "tokens"
            common["retry_after"] = reset_wait(hint, err_type)
        return ProviderRateLimited(where, code=code, **common)
    if status == 401:
        return ProviderAuthError(where, **common)
    if status in (403, 404):
        return ModelUnavailable(where, code=code, **common)
    if status == 408:
        return ProviderTimeout(where, **common)
    if status >= 500:
        return ProviderUnavailable(where, **common)
    if code == "context_length_exceeded":
        return ContextWindowExceeded(message, param=param, **common)
    return ProviderRejected(message, param=param, code=code, error_type=err_type, **common)


def _passed_headers(headers: Mapping[str, str]) -> dict[str, str]:
    upstream_id = headers.get("x-request-id")
    return {"x-freehold-upstream-request-id": upstream_id} if upstream_id else {}


# --- adapter -----------------------------------------------------------------------------


class OpenAICompatProvider:
    """Adapter for one OpenAI-compatible deployment, sending through the shared transport.

    Vendors that differ only in URLs and auth headers (Azure) subclass it: their ``__init__``
    computes both and calls ``_setup``, and they may swap ``_parse_error`` and ``_parse_rate_limits``.
    """

    capabilities = Capabilities(embeddings=True, vision=True, json_schema=True, reasoning=True)
    _parse_error = staticmethod(parse_error)
    _parse_rate_limits = staticmethod(parse_rate_limits)

    def __init__(self, name: str, config: OpenAIDeployment, transport: Transport) -> None:
        headers = {"Content-Type": "application/json", **config.headers}
        key: SecretStr | None = config.api_key  # type: ignore[assignment]  # resolved by the validator
        secrets: tuple[str, ...] = ()
        if key is not None:
            headers["Authorization"] = "Bearer " + key.get_secret_value()
            secrets = (key.get_secret_value(),)
        self._setup(
            name,
            config.model,
            transport,
            config.timeout,
            chat_url=config.api_base + "/chat/completions",
            embeddings_url=config.api_base + "/embeddings",
            headers=headers,
            secrets=secrets,
        )

    def _setup(
        self,
        name: str,
        model: str,
        transport: Transport,
        timeout: Timeout,
        *,
        chat_url: str,
        embeddings_url: str,
        headers: dict[str, str],
        secrets: tuple[str, ...],
    ) -> None:
        self.name = name
        self.model = model
        self._transport = transport
        self._chat_url = chat_url
        self._embeddings_url = embeddings_url
        self._headers = headers
        self._upstream = Upstream(name, client_timeout(timeout), self._parse_error, secrets)
        # Catalog lookup once per deployment; None (no quirks) keeps the per-request cost to one test.
        self._params: ParamRules | None = rules_for(model)

    async def chat(self, ctx: RequestContext, request: ChatRequest) -> Completion:
        params = self._params
        body = to_upstream(request.body if params is None else params.apply(request), self.model)
        return self._completion(await self._transport.post_json(self._chat_url, body, self._headers, self._upstream))

    async def embed(self, ctx: RequestContext, request: EmbeddingsRequest) -> Completion:
        body = to_upstream(request.body, self.model)
        return self._completion(
            await self._transport.post_json(self._embeddings_url, body, self._headers, self._upstream)
        )

    async def chat_stream(self, ctx: RequestContext, request: ChatRequest) -> StreamResponse:
        params = self._params
        body = to_upstream(request.body if params is None else params.apply(request), self.model)
        stream = await self._transport.open_stream(self._chat_url, body, self._headers, self._upstream)
        headers = stream.headers
        return StreamResponse(
            self._relay(stream.chunks), _passed_headers(headers), ratelimit=self._parse_rate_limits(headers)
        )

    def _completion(self, reply: JsonReply) -> Completion:
        """The answer relayed as received: its bytes, with the ``usage`` the check already parsed."""
        headers = reply.headers
        usage = reply.obj.get("usage")
        return Completion(reply.raw, _passed_headers(headers), ratelimit=self._parse_rate_limits(headers), usage=usage)

    async def _relay(self, chunks: AsyncGenerator[bytes, None]) -> AsyncIterator[bytes]:
        """Pass chunks through; a stream that ends without ``[DONE]`` was cut and is an error."""
        tail = b""
        try:
            async for chunk in chunks:
                yield chunk
                tail = chunk[-16:] if len(chunk) >= 16 else (tail + chunk)[-16:]
        finally:
            await chunks.aclose()
        if b"[DONE]" not in tail:
            raise ProviderResponseInvalid(
                f"Upstream deployment '{self.name}' ended the stream before 'data: [DONE]'.", deployment=self.name
            )
