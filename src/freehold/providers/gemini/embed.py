"""OpenAI embeddings ⇄ Gemini ``embedContent`` / ``batchEmbedContents``: pure functions, no I/O."""

from __future__ import annotations

import base64
import struct
from collections.abc import Mapping
from typing import Any

from freehold.echo import clip
from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.schemas.chat import EmbeddingsRequest

__all__ = ["embed_request", "embed_response"]

_KNOWN = frozenset({"model", "input", "dimensions", "encoding_format", "user"})


def embed_request(request: EmbeddingsRequest, model: str) -> tuple[str, dict[str, Any], int]:
    """The method (``embedContent`` for one input, else ``batchEmbedContents``), its body, and the input count.

    Raises:
        InvalidRequest: token-id input (Gemini embeds text only) or a parameter it has no equivalent for.
    """
    body = request.body
    for key in body:
        if key not in _KNOWN:
            raise InvalidRequest(f"{clip(key)} is not supported by model '{model}' (Gemini embeddings).", param=key)
    inputs = body["input"]
    if isinstance(inputs, str):
        inputs = [inputs]
    if not all(isinstance(item, str) for item in inputs):
        raise InvalidRequest(
            f"Model '{model}' embeds text only; send 'input' as strings, not token ids.", param="input"
        )
    dims = body.get("dimensions")

    def one(text: str) -> dict[str, Any]:
        item: dict[str, Any] = {"content": {"parts": [{"text": text}]}}
        if dims is not None:
            item["outputDimensionality"] = dims
        return item

    if len(inputs) == 1:
        return "embedContent", one(inputs[0]), 1
    return "batchEmbedContents", {"requests": [{"model": f"models/{model}", **one(t)} for t in inputs]}, len(inputs)


def _encode(values: list[float], as_base64: bool) -> list[float] | str:
    if not as_base64:
        return values
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def embed_response(
    data: Mapping[str, Any], method: str, count: int, model: str, deployment: str, as_base64: bool
) -> dict[str, Any]:
    """OpenAI's embeddings list for a Gemini answer; ``base64`` packs little-endian float32 as OpenAI does."""
    if method == "embedContent":
        embeddings = [data.get("embedding")]
    else:
        embeddings = data.get("embeddings") or []
    vectors = [e.get("values") if isinstance(e, dict) else None for e in embeddings]
    if len(vectors) != count or not all(isinstance(v, list) for v in vectors):
        raise ProviderResponseInvalid(
            f"Upstream deployment '{deployment}' answered {len(vectors)} embeddings for {count} inputs.",
            deployment=deployment,
        )
    # The Gemini API reports no token counts for embeddings; usage stays 0 unless it starts to.
    tokens = int((data.get("usageMetadata") or {}).get("promptTokenCount") or 0)
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "index": i, "embedding": _encode(v, as_base64)}  # type: ignore[arg-type]
            for i, v in enumerate(vectors)
        ],
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
