"""The incremental SSE decoder: the same events however the bytes are split, and a bounded buffer."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freehold.errors import ProviderResponseTooLarge
from freehold.transport.sse import SSEDecoder, SSEEvent

STREAM = (
    b"\xef\xbb\xbf: a comment\r\n"
    b'event: message_start\r\ndata: {"a": 1}\r\n\r\n'
    b"data: line one\ndata: line two\n\n"
    b"event: ping\rdata: {}\r\r"
    b"data: [DONE]\n\n"
    b"data: no blank line at the end"
)
EXPECTED = [
    SSEEvent("message_start", '{"a": 1}'),
    SSEEvent("message", "line one\nline two"),
    SSEEvent("ping", "{}"),
    SSEEvent("message", "[DONE]"),
    SSEEvent("message", "no blank line at the end"),
]


def decode(pieces: list[bytes], **kwargs: int | str) -> list[SSEEvent]:
    decoder = SSEDecoder(**kwargs)  # type: ignore[arg-type]
    events = [e for piece in pieces for e in decoder.feed(piece)]
    return events + decoder.flush()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(STREAM)]
    pieces = [STREAM[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    assert decode(pieces) == EXPECTED


def test_byte_by_byte() -> None:
    assert decode([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


def test_cr_at_the_end_of_a_piece_may_be_half_of_crlf() -> None:
    assert decode([b"data: x", b"y\r", b"\r", b"data: z\n\n"]) == [SSEEvent("message", "xy"), SSEEvent("message", "z")]
    assert decode([b"data: x", b"y\r", b"\n\r\n"]) == [SSEEvent("message", "xy")]
    assert decode([b"data: x", b"y\r", b"event", b": e\n\n"]) == [SSEEvent("e", "xy")]


def test_an_unfinished_line_over_the_limit_is_too_large() -> None:
    decoder = SSEDecoder("dep-a", 1024)
    assert decoder.feed(b"data: " + b"a" * 1000) == []
    with pytest.raises(ProviderResponseTooLarge) as info:
        decoder.feed(b"a" * 100)
    err = info.value
    assert err.deployment == "dep-a"
    assert err.status == 502 and err.code == "upstream_response_too_large"
    assert not err.retryable and err.fallback_ok
    assert "'dep-a'" in err.message and "1024 bytes" in err.message and "max_upstream_body_bytes" in err.message


def test_an_unfinished_line_in_one_piece_over_the_limit_is_too_large() -> None:
    with pytest.raises(ProviderResponseTooLarge):
        SSEDecoder("d", 1024).feed(b"data: ok\n\ndata: " + b"a" * 2000)


def test_an_event_of_many_short_lines_over_the_limit_is_too_large() -> None:
    decoder = SSEDecoder("d", 1024)
    with pytest.raises(ProviderResponseTooLarge):
        for _ in range(100):
            decoder.feed(b"data: " + b"a" * 50 + b"\n")


def test_events_under_the_limit_pass_and_the_count_restarts_per_event() -> None:
    decoder = SSEDecoder("d", 1024)
    for _ in range(50):  # 50 events of 600 bytes: far more than the limit in total
        (event,) = decoder.feed(b"data: " + b"a" * 600 + b"\n\n")
        assert len(event.data) == 600


def test_a_long_line_costs_linear_time() -> None:
    """Pieces of an unfinished line are kept, not re-joined per piece (which would be quadratic)."""
    decoder = SSEDecoder("d", 64 * 1024 * 1024)
    piece = b"a" * 16 * 1024
    started = time.perf_counter()
    decoder.feed(b"data: ")
    for _ in range(2048):  # 32 MiB; quadratic re-copying would move ~32 GiB
        assert decoder.feed(piece) == []
    (event,) = decoder.feed(b"\n\n")
    assert len(event.data) == 32 * 1024 * 1024
    assert time.perf_counter() - started < 5
