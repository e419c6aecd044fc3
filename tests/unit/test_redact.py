"""redact(): known secrets and vendor-key-shaped strings never leave the process."""

from __future__ import annotations

import pytest

from freehold.redact import redact


def test_replaces_given_secrets() -> None:
    assert redact("token abc123xyz in use", ["abc123xyz"]) == "token [redacted] in use"
    assert redact("a=s3cr3t b=s3cr3t", ["s3cr3t"]) == "a=[redacted] b=[redacted]"


def test_several_secrets() -> None:
    assert redact("one-secret two-secret", ("one-secret", "two-secret")) == "[redacted] [redacted]"


def test_tiny_or_empty_secrets_are_ignored() -> None:
    # Replacing "" or a 1-3 character value would mangle ordinary text.
    assert redact("a b c abc", ["", "a", "abc"]) == "a b c abc"


@pytest.mark.parametrize(
    "key",
    [
        "sk-abcdefghijklmnop1234",
        "sk-proj-AbCdEf_123-456xyz",
        "sk-ant-api03-AbCdEfGh1234-xyz_",
        "sk-proj-****************abcd",
        "gsk_AbCdEf1234567890",
        "AIzaSyA1234567890abcdefGHIJ",
        "xai-AbCdEf123456",
    ],
)
def test_key_shaped_strings(key: str) -> None:
    text = f"Incorrect API key provided: {key}. See docs."
    out = redact(text)
    assert key not in out
    assert out == "Incorrect API key provided: [redacted]. See docs."


@pytest.mark.parametrize(
    "text",
    [
        "ask-me-anything please",
        "the task-scheduler restarted",
        "sk-abc is too short",
        "nothing to hide here",
        "AIza",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_key_at_start_and_after_punctuation() -> None:
    assert redact("sk-1234567890abcdef") == "[redacted]"
    assert redact('{"key":"sk-1234567890abcdef"}') == '{"key":"[redacted]"}'
    assert redact("Bearer=sk-1234567890abcdef;") == "Bearer=[redacted];"


def test_given_secret_and_pattern_together() -> None:
    out = redact("local tok_9f8e7d6c and sk-proj-abcdef123456", ["tok_9f8e7d6c"])
    assert out == "local [redacted] and [redacted]"
