"""Throwaway variant for the client comparison in RESULTS.md: Freehold with httpx instead of aiohttp.

Builds the normal runtime from the config, then replaces ``chat`` and ``chat_stream`` of every
OpenAI-compatible provider with versions that send through one pooled ``httpx.AsyncClient``
(same URL, headers and body; SSE relayed with ``aiter_raw``), and serves the app with the same
uvicorn options as ``freehold serve``. Error mapping is simplified: this only has to carry the
benchmark's successful requests. Not part of the product.

usage: python bench/variants/httpx_gateway.py --config FILE --port N
"""

from __future__ import annotations

import argparse
import types
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn

from freehold.app import create_app
from freehold.bootstrap import build
from freehold.config.load import load_config
from freehold.errors import ProviderUnavailable
from freehold.providers.base import Completion, StreamResponse
from freehold.providers.openai_compat import OpenAICompatProvider, to_upstream
from freehold.settings import resolve_settings

_client: httpx.AsyncClient | None = None


def client() -> httpx.AsyncClient:
    global _client
    if _client is None:  # created inside the running loop, on first use
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None, keepalive_expiry=300)
        _client = httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(600, connect=5), trust_env=False)
    return _client


def body(self: OpenAICompatProvider, request: Any) -> bytes:
    params = getattr(self, "_params", None)  # the same per-model parameter rules as the aiohttp path
    return to_upstream(request.body if params is None else params.apply(request), self.model)


async def chat(self: OpenAICompatProvider, request: Any) -> Completion:
    resp = await client().post(self._chat_url, content=body(self, request), headers=self._headers)
    if resp.status_code != 200:
        raise ProviderUnavailable(f"upstream answered {resp.status_code}", deployment=self.name)
    return Completion(resp.content, {})


async def chat_stream(self: OpenAICompatProvider, request: Any) -> StreamResponse:
    c = client()
    req = c.build_request("POST", self._chat_url, content=body(self, request), headers=self._headers)
    resp = await c.send(req, stream=True)
    if resp.status_code != 200:
        await resp.aclose()
        raise ProviderUnavailable(f"upstream answered {resp.status_code}", deployment=self.name)

    async def events() -> AsyncIterator[bytes]:
        try:
            async for chunk in resp.aiter_raw():
                yield chunk
        finally:
            await resp.aclose()

    return StreamResponse(events(), {})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--port", type=int, required=True)
    a = ap.parse_args()
    config = load_config(a.config)
    runtime = build(config, resolve_settings({"port": a.port}, config.server))
    for provider in runtime.providers:
        assert isinstance(provider, OpenAICompatProvider)
        provider.chat = types.MethodType(chat, provider)  # type: ignore[method-assign]
        provider.chat_stream = types.MethodType(chat_stream, provider)  # type: ignore[method-assign]
    uvicorn.run(
        create_app(runtime), host="127.0.0.1", port=a.port, log_level="warning", access_log=False, loop="uvloop",
        http="httptools", lifespan="on", server_header=False, date_header=False, backlog=4096,
    )


if __name__ == "__main__":
    main()
