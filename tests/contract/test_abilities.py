"""The optional abilities, run for exactly the provider types whose ``Capabilities`` declare them.

A declared ability must be served (the provider implements its protocol and answers in the
canonical shape); an undeclared one must not be offered (no "unsupported" stubs).
"""

from __future__ import annotations

import base64
import struct

import orjson
import pytest
from openai.types import CreateEmbeddingResponse

from freehold.errors import ProviderRateLimited, ProviderResponseInvalid
from freehold.providers.base import EmbeddingsProvider, TokenCounter
from freehold.providers.registry import PROVIDERS
from freehold.schemas.chat import parse_embeddings
from freehold.transport.fake import FakeReply
from tests.contract.harness import CTX, TYPES, Make, chat, declaring
from tests.contract.vendors import vendor_for


@pytest.mark.parametrize("provider_type", TYPES)
def test_abilities_are_offered_as_declared(make: Make, provider_type: str) -> None:
    capabilities = PROVIDERS[provider_type].capabilities
    provider = make(provider_type).provider
    assert provider.capabilities == capabilities
    # Presets share the openai adapter class: the embeddings they lack are withheld by their capabilities.
    if capabilities.embeddings:
        assert isinstance(provider, EmbeddingsProvider)
    assert isinstance(provider, TokenCounter) == capabilities.token_count
    vendor = vendor_for(provider_type)
    assert (vendor.embeddings is not None) >= capabilities.embeddings
    assert (vendor.count_tokens is not None) == capabilities.token_count


@pytest.mark.parametrize("provider_type", declaring("embeddings"))
async def test_embeddings(make: Make, provider_type: str) -> None:
    spec = vendor_for(provider_type).embeddings
    assert spec is not None
    built = make(provider_type, spec.setup)
    request = parse_embeddings(orjson.dumps({"model": "alias", "input": list(spec.inputs), "encoding_format": "float"}))
    answer = await built.provider.embed(CTX, request)
    result = CreateEmbeddingResponse.model_validate_json(answer.body)
    assert result.object == "list" and [d.index for d in result.data] == list(range(len(spec.inputs)))
    assert all(len(d.embedding) == spec.dimensions for d in result.data)
    assert result.usage.total_tokens >= result.usage.prompt_tokens >= 0


PACKING = [t for t in declaring("embeddings") if vendor_for(t).embeddings.packs_base64]  # type: ignore[union-attr]


@pytest.mark.parametrize("provider_type", PACKING)
async def test_base64_embeddings_are_the_floats_packed_little_endian(make: Make, provider_type: str) -> None:
    spec = vendor_for(provider_type).embeddings
    assert spec is not None
    provider = make(provider_type, spec.setup, spec.setup).provider
    asked = {"model": "alias", "input": list(spec.inputs)}
    floats = await provider.embed(CTX, parse_embeddings(orjson.dumps({**asked, "encoding_format": "float"})))
    packed = await provider.embed(CTX, parse_embeddings(orjson.dumps({**asked, "encoding_format": "base64"})))
    for as_floats, as_base64 in zip(orjson.loads(floats.body)["data"], orjson.loads(packed.body)["data"], strict=True):
        vector = as_floats["embedding"]
        raw = base64.b64decode(as_base64["embedding"])
        assert struct.unpack(f"<{len(vector)}f", raw) == pytest.approx(vector, rel=1e-6)


@pytest.mark.parametrize("provider_type", declaring("token_count"))
async def test_token_count(make: Make, provider_type: str) -> None:
    spec = vendor_for(provider_type).count_tokens
    assert spec is not None
    built = make(provider_type, spec)
    request = chat(
        with_tools=True, tool_choice="required", temperature=0.5, max_tokens=10, reasoning_effort="low", stream=True
    )
    assert await built.provider.count_tokens(CTX, request) == 42
    # Only what the count depends on is sent: no sampling, limits or streaming.
    assert set(built.fake.last.json()) == vendor_for(provider_type).counted_fields
    built.fake.add(FakeReply.json({"tokens": 42}))
    with pytest.raises(ProviderResponseInvalid):
        await built.provider.count_tokens(CTX, request)


@pytest.mark.parametrize("provider_type", declaring("token_count"))
async def test_token_count_errors_are_the_vendors(make: Make, provider_type: str) -> None:
    vendor = vendor_for(provider_type)
    built = make(provider_type, vendor.errors["rate_limit"])
    with pytest.raises(ProviderRateLimited):
        await built.provider.count_tokens(CTX, chat())
