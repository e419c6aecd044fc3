"""Gemini provider: embeddings translation on recorded payloads (no network)."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from openai.types import CreateEmbeddingResponse

from freehold.errors import InvalidRequest, ProviderResponseInvalid
from freehold.providers.gemini.embed import embed_request, embed_response
from freehold.schemas.chat import EmbeddingsRequest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "gemini"
MODEL = "gemini-embedding-001"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def req(**body: Any) -> EmbeddingsRequest:
    return EmbeddingsRequest(body={"model": "embed", **body}, model="embed")


def test_one_input_uses_embed_content() -> None:
    method, body, count = embed_request(req(input="What is the meaning of life?", dimensions=4), MODEL)
    assert (method, count) == ("embedContent", 1)
    assert body == fixture("embed_single.request.json")
    out = CreateEmbeddingResponse.model_validate(
        embed_response(fixture("embed_single.response.json"), method, 1, MODEL, "dep", False)
    )
    assert out.data[0].embedding == [0.0127, -0.0211, 0.0034, 0.0459] and out.model == MODEL


def test_several_inputs_use_batch_embed_contents_and_base64() -> None:
    method, body, count = embed_request(req(input=["first", "second"], encoding_format="base64"), MODEL)
    assert (method, count) == ("batchEmbedContents", 2)
    assert body == fixture("embed_batch.request.json")
    out = embed_response(fixture("embed_batch.response.json"), method, 2, MODEL, "dep", True)
    decoded = [struct.unpack("<3f", base64.b64decode(d["embedding"])) for d in out["data"]]
    assert decoded == [(0.5, -0.25, 0.125), (-1.0, 0.75, 2.0)]
    assert [d["index"] for d in out["data"]] == [0, 1]


@pytest.mark.parametrize(("body", "param"), [({"input": [1, 2, 3]}, "input"), ({"input": "x", "task": "y"}, "task")])
def test_rejections(body: dict[str, Any], param: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        embed_request(req(**body), MODEL)
    assert info.value.param == param


def test_count_mismatch_is_invalid() -> None:
    with pytest.raises(ProviderResponseInvalid):
        embed_response({"embeddings": [{"values": [1.0]}]}, "batchEmbedContents", 2, MODEL, "dep", False)
