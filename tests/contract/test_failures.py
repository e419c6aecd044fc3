"""Every provider type turns its vendor's failures into the gateway's error tree the same way.

Each error kind is the vendor's recorded error answer (status, body, rate-limit headers), scripted
on the fake transport and sent to a whole and a streamed request: before the first byte, so it
must come out of ``chat_stream`` itself, where the gateway can still fall back.
"""

from __future__ import annotations

import pytest

from freehold.errors import (
    ContextWindowExceeded,
    ProviderAuthError,
    ProviderConnectError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from freehold.transport.fake import FakeReply
from tests.contract.harness import CTX, TYPES, Make, chat, wire_types
from tests.contract.vendors import ERROR_KINDS, KEY, SECRET, Setup, vendor_for

CASES = [(t, kind) for t in TYPES for kind in ERROR_KINDS if kind in vendor_for(t).errors]


def test_every_wire_vendor_scripts_every_error_kind() -> None:
    for provider_type in wire_types(TYPES):
        assert set(vendor_for(provider_type).errors) == set(ERROR_KINDS), provider_type


async def fail(make: Make, provider_type: str, setup: Setup, streamed: bool) -> ProviderError:
    built = make(provider_type, setup)
    request = chat(stream=streamed, **setup.body)
    with pytest.raises(ProviderError) as info:
        if streamed:
            await built.provider.chat_stream(CTX, request)
        else:
            await built.provider.chat(CTX, request)
    return info.value


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize(("provider_type", "kind"), CASES)
async def test_error_kinds(make: Make, provider_type: str, kind: str, streamed: bool) -> None:
    vendor = vendor_for(provider_type)
    setup = vendor.errors[kind]
    err = await fail(make, provider_type, setup, streamed)
    assert isinstance(err, ERROR_KINDS[kind]), repr(err)
    assert err.deployment == "contract-dep"
    if vendor.wire:
        sent = setup.replies[0]
        assert isinstance(sent, FakeReply) and err.upstream_status == sent.status
    if isinstance(err, ProviderAuthError):
        # The gateway's own credential failed, not the client's: a 502, and another deployment may serve.
        assert (err.status, err.code, err.fallback_ok) == (502, "upstream_auth_failed", True)
    elif isinstance(err, ProviderRateLimited):
        assert (err.status, err.code, err.retryable) == (429, "rate_limit_exceeded", True)
        assert err.retry_after == pytest.approx(vendor.wait)
        assert err.ratelimit == vendor.hint
    elif isinstance(err, ProviderUnavailable):
        assert err.status >= 500 and err.code == "upstream_unavailable" and err.retryable and err.opens_circuit
    elif isinstance(err, ContextWindowExceeded):
        assert (err.status, err.code, err.param) == (400, "context_length_exceeded", "messages")
        assert not err.retryable
    else:
        assert type(err) is ProviderRejected and err.status == 400
        assert not err.retryable and not err.fallback_ok


@pytest.mark.parametrize("provider_type", wire_types(TYPES))
async def test_an_error_quoting_the_deployments_secret_never_shows_it(make: Make, provider_type: str) -> None:
    secret = SECRET if "aws_secret_access_key" in vendor_for(provider_type).config else KEY
    message = f"The credential {secret} is not valid here."
    body = {"error": {"message": message, "type": "invalid_request_error"}, "message": message}
    err = await fail(make, provider_type, Setup((FakeReply.json(body, 400),)), streamed=False)
    assert secret not in err.message and "[redacted]" in err.message


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("provider_type", wire_types(TYPES))
async def test_a_transport_failure_comes_out_as_it_is(make: Make, provider_type: str, streamed: bool) -> None:
    down = ProviderConnectError("Cannot connect to upstream deployment 'contract-dep'.", deployment="contract-dep")
    assert await fail(make, provider_type, Setup((down,)), streamed) is down
