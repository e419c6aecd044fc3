"""Bedrock provider: error classification (recorded error responses), config, and SigV4 signing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from pydantic import TypeAdapter, ValidationError

from freehold.errors import (
    ContextWindowExceeded,
    ModelUnavailable,
    ProviderAuthError,
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
)
from freehold.providers.bedrock.config import BedrockDeployment
from freehold.providers.bedrock.errors import parse_error
from freehold.providers.bedrock.signing import INLINE_LIMIT, Signer, model_path

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bedrock"
ERRORS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "errors.json").read_text())
DEP = "smart/bedrock/claude"
KEY, SECRET, TOKEN = "AKIAUNITTEST00000001", "unit/Secret+Key/abcdefghijklmnopqrstuvw", "unit-session-token"


def recorded(name: str, secrets: tuple[str, ...] = ()) -> ProviderError:
    case = ERRORS[name]
    error = parse_error(case["status"], json.dumps(case["body"]).encode(), case["headers"], DEP, secrets)
    assert error.deployment == DEP and error.upstream_status == case["status"]
    return error


@pytest.mark.parametrize(
    ("name", "kind", "retryable", "fallback_ok"),
    [
        ("throttling", ProviderRateLimited, True, True),
        ("quota", QuotaExhausted, False, True),
        ("context", ContextWindowExceeded, False, False),
        ("validation", ProviderRejected, False, False),
        ("access_denied", ModelUnavailable, False, True),
        ("unrecognized_client", ProviderAuthError, False, True),
        ("invalid_signature", ProviderAuthError, False, True),
        ("not_found", ModelUnavailable, False, True),
        ("model_timeout", ProviderTimeout, True, True),
        ("model_error", ProviderUnavailable, True, True),
        ("internal", ProviderUnavailable, True, True),
        ("unavailable", ProviderUnavailable, True, True),
        ("not_ready", ProviderUnavailable, True, True),
    ],
)
def test_recorded_errors_are_classified(
    name: str, kind: type[ProviderError], retryable: bool, fallback_ok: bool
) -> None:
    error = recorded(name)
    assert type(error) is kind
    assert (error.retryable, error.fallback_ok) == (retryable, fallback_ok)
    assert ERRORS[name]["body"].get("message", ERRORS[name]["body"].get("Message")) in error.message


def test_throttling_keeps_retry_after() -> None:
    assert recorded("throttling").retry_after == 3.0


def test_context_error_names_messages_and_validation_keeps_the_vendor_message() -> None:
    context = recorded("context")
    assert context.param == "messages" and context.code == "context_length_exceeded" and context.status == 400
    validation = recorded("validation")
    assert validation.code == "ValidationException" and "inferenceConfig.temperature" in validation.message


def test_context_regex_is_anchored() -> None:
    body = json.dumps({"message": "Your tool said: Input is too long for requested model."}).encode()
    error = parse_error(400, body, {"x-amzn-ErrorType": "ValidationException"}, DEP)
    assert type(error) is ProviderRejected


def test_keys_are_redacted_and_html_bodies_survive() -> None:
    body = json.dumps({"message": f"Credential {KEY} with secret {SECRET} is bad"}).encode()
    error = parse_error(403, body, {"x-amzn-ErrorType": "InvalidSignatureException"}, DEP, (KEY, SECRET))
    assert KEY not in error.message and SECRET not in error.message and "[redacted]" in error.message
    html = parse_error(502, b"<html>Bad Gateway</html>", {}, DEP)
    assert isinstance(html, ProviderUnavailable) and "Bad Gateway" in html.message


# --- config -------------------------------------------------------------------------------

ADAPTER: TypeAdapter[BedrockDeployment] = TypeAdapter(BedrockDeployment)


def deployment(**extra: Any) -> BedrockDeployment:
    return ADAPTER.validate_python(
        {"provider": "bedrock", "model": "anthropic.claude-v2:1", "region": "us-east-1", **extra}
    )


def test_static_credentials_come_from_secret_refs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_AK", KEY)
    monkeypatch.setenv("T_SK", SECRET)
    monkeypatch.setenv("T_ST", TOKEN)
    dep = deployment(aws_access_key_id="env:T_AK", aws_secret_access_key="env:T_SK", aws_session_token="env:T_ST")
    creds = dep.credentials.get_frozen_credentials()
    assert (creds.access_key, creds.secret_key, creds.token) == (KEY, SECRET, TOKEN)
    assert dep.base_url == "https://bedrock-runtime.us-east-1.amazonaws.com"
    assert SECRET not in repr(dep)


def test_default_chain_is_resolved_once_at_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    assert deployment().credentials.get_frozen_credentials().access_key == KEY


def test_missing_credentials_and_half_pairs_are_config_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="no AWS credentials found"):
        deployment()
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.invalid/creds")
    with pytest.raises(ValidationError, match="cannot resolve AWS credentials from the default chain"):
        deployment()
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    monkeypatch.setenv("T_AK", KEY)
    with pytest.raises(ValidationError, match="set both aws_access_key_id and aws_secret_access_key"):
        deployment(aws_access_key_id="env:T_AK")
    with pytest.raises(ValidationError, match="region"):
        deployment(region="mars")


def test_missing_botocore_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("freehold.providers.bedrock.config.botocore_missing", lambda: True)
    with pytest.raises(ValidationError, match=r"pip install 'freehold\[bedrock\]'"):
        deployment()


# --- signing ------------------------------------------------------------------------------


def test_model_ids_are_encoded_as_botocore_encodes_uri_labels() -> None:
    assert model_path("anthropic.claude-3-5-sonnet-20240620-v1:0") == "anthropic.claude-3-5-sonnet-20240620-v1%3A0"
    arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert model_path(arn) == (
        "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0"
    )


def test_signature_verifies_over_the_double_encoded_canonical_path() -> None:
    signer = Signer(Credentials(KEY, SECRET, TOKEN), "eu-west-1")
    url = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/a.b-v1%3A0/converse"
    body = b'{"messages":[]}'
    headers = signer.sign(url, body, {"Content-Type": "application/json"})
    assert headers["X-Amz-Security-Token"] == TOKEN
    auth_header = headers["Authorization"]
    assert f"Credential={KEY}/" in auth_header and "/eu-west-1/bedrock/aws4_request" in auth_header
    signed = auth_header.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert signed == ["content-type", "host", "x-amz-date", "x-amz-security-token"]
    # Recompute independently, as the service would, from what is on the wire.
    wire = AWSRequest("POST", url, data=body, headers={k: v for k, v in headers.items() if k.lower() in signed})
    wire.context["timestamp"] = headers["X-Amz-Date"]
    auth = SigV4Auth(Credentials(KEY, SECRET, TOKEN), "bedrock", "eu-west-1")
    canonical = auth.canonical_request(wire)
    assert canonical.splitlines()[1] == "/model/a.b-v1%253A0/converse"
    assert auth_header.endswith("Signature=" + auth.signature(auth.string_to_sign(wire, canonical), wire))
    assert urlsplit(url).path == "/model/a.b-v1%3A0/converse"


async def test_signing_small_bodies_is_fast_and_large_ones_leave_the_loop() -> None:
    signer = Signer(Credentials(KEY, SECRET), "us-east-1")
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    small = b"x" * 2000
    start = time.perf_counter()
    for _ in range(50):
        await signer.sign_async(url, small, {})
    assert (time.perf_counter() - start) / 50 < 0.005  # ~0.1 ms measured; generous for a shared CI core
    big = b"x" * (INLINE_LIMIT + 1)
    headers = await signer.sign_async(url, big, {})
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
