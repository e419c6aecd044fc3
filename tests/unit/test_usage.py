"""Usage records from whole answers and from streams, whole, cut or abandoned."""

from __future__ import annotations

import orjson
import pytest

from freehold.usage import (
    StreamMeter,
    UsageRecord,
    estimate_answer_tokens,
    estimate_prompt_tokens,
    usage_numbers,
    usage_of_body,
)

REQUEST = {"messages": [{"role": "user", "content": "x" * 40}]}  # 10 + 4 per message


class Sink:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    def record(self, usage: UsageRecord) -> None:
        self.records.append(usage)


def event(obj: dict[str, object], compact: bool = True) -> bytes:
    data = orjson.dumps(obj) if compact else orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    return b"data: " + data + b"\n\n"


def content(text: str) -> bytes:
    return event({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]})


ROLE = event({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
FINISH = event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
DONE = b"data: [DONE]\n\n"


def usage_event(compact: bool = True) -> bytes:
    return event({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}, compact)


def run(chunks: list[bytes], ending: str = "complete") -> UsageRecord:
    sink = Sink()
    meter = StreamMeter(sink, "alias", "dep", REQUEST)
    for chunk in chunks:
        meter.feed(chunk)
    record = meter.finish(ending)  # type: ignore[arg-type]
    assert record is not None and sink.records == [record]
    assert meter.finish("complete") is None  # once only
    return record


@pytest.mark.parametrize("compact", [True, False])
def test_reported_usage_is_found_at_the_end(compact: bool) -> None:
    r = run([ROLE, content("a"), content("b"), FINISH, usage_event(compact), DONE])
    assert (r.prompt_tokens, r.completion_tokens, r.estimated, r.ending) == (11, 7, False, "complete")


def test_usage_and_done_in_one_piece_or_split_over_two() -> None:
    whole = usage_event() + DONE
    assert not run([ROLE, FINISH + whole]).estimated
    half = len(whole) // 2
    assert not run([ROLE, FINISH, whole[:half], whole[half:]]).estimated


def test_without_usage_a_whole_stream_counts_content_events() -> None:
    r = run([ROLE, content("a"), content("b"), content("c"), FINISH, DONE])
    assert (r.prompt_tokens, r.completion_tokens, r.estimated) == (14, 3, True)


def test_a_cut_stream_counts_what_was_generated() -> None:
    r = run([ROLE, content("a") + content("b")], ending="upstream_cut")
    assert (r.completion_tokens, r.estimated, r.ending) == (2, True, "upstream_cut")


def test_a_consumer_that_stops_after_done_completed_the_stream() -> None:
    assert run([ROLE, content("a"), FINISH, DONE], ending="client_gone").ending == "complete"
    assert run([ROLE, content("a")], ending="client_gone").ending == "client_gone"


def test_a_broken_usage_event_falls_back_to_the_estimate() -> None:
    r = run([ROLE, content("a"), b'data: {"usage":{"prompt_tokens": 3, "complet', b"ion_tokens\n\n"], "upstream_cut")
    assert r.estimated


def test_whole_answers() -> None:
    body = orjson.dumps({"choices": [{"message": {"content": "y" * 20}}], "usage": {"prompt_tokens": 5}})
    assert usage_of_body(body) == (5, 0)  # embeddings report no completion tokens
    assert usage_of_body(b"not json") is None
    assert usage_numbers({"prompt_tokens": "5"}) is None
    assert estimate_answer_tokens(body) == 5
    assert estimate_answer_tokens(b"[]") == 0
    assert estimate_prompt_tokens({"messages": [{"content": [{"type": "text", "text": "z" * 8}]}]}) == 2 + 4


@pytest.mark.parametrize("pieces", [1, 7, 302])  # one piece, a few, about one event per piece
def test_a_long_stream_is_estimated_from_its_tail_within_ten_percent(pieces: int) -> None:
    envelope = {"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini"}

    def chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
        return event({**envelope, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    words = [chunk({"content": f" w{i % 50}"}) for i in range(300)]
    stream = chunk({"role": "assistant", "content": ""}) + b"".join(words) + chunk({}, "stop") + DONE
    step = -(-len(stream) // pieces)
    r = run([stream[i : i + step] for i in range(0, len(stream), step)])
    assert r.estimated and abs(r.completion_tokens - 300) <= 30


def test_tiny_pieces_fall_back_to_a_typical_event_size() -> None:
    stream = ROLE + b"".join(content("x" * 150) for _ in range(50)) + DONE
    r = run([stream[i : i + 40] for i in range(0, len(stream), 40)])
    assert r.estimated and 0 < r.completion_tokens < 100
