"""Usage records from whole answers and from streams, whole, cut or abandoned."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from freehold.usage import (
    UsageBook,
    UsageRecord,
    estimate_answer_tokens,
    estimate_prompt_tokens,
    usage_numbers,
    usage_of_body,
)

REQUEST = {"messages": [{"role": "user", "content": "x" * 40}]}  # 10 + 4 per message
ASKS_USAGE = {**REQUEST, "stream": True, "stream_options": {"include_usage": True}}


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


def run(chunks: list[bytes], ending: str = "complete", request: dict[str, object] = ASKS_USAGE) -> UsageRecord:
    sink = Sink()
    meter = UsageBook(sink, batch=1).stream("alias", "dep", request)
    for chunk in chunks:
        meter.feed(chunk)
    meter.finish(ending)  # type: ignore[arg-type]
    meter.finish("complete")  # once only
    assert len(sink.records) == 1
    return sink.records[0]


@pytest.mark.parametrize("compact", [True, False])
def test_reported_usage_is_found_at_the_end(compact: bool) -> None:
    r = run([ROLE, content("a"), content("b"), FINISH, usage_event(compact), DONE])
    assert (r.prompt_tokens, r.completion_tokens, r.estimated, r.ending) == (11, 7, False, "complete")


def test_usage_is_only_looked_for_when_the_request_asked_for_it() -> None:
    r = run([ROLE, content("a"), FINISH, usage_event(), DONE], request=REQUEST)
    assert r.estimated  # a vendor sends none unless asked: nothing is searched


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
    assert usage_of_body(body) == (5, 0, 0, 0)  # embeddings report no completion tokens
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


def test_the_book_records_in_batches_and_on_flush() -> None:
    sink = Sink()
    book = UsageBook(sink, batch=3)
    whole = orjson.dumps({"usage": {"prompt_tokens": 2, "completion_tokens": 1}})
    book.whole("a", "d", None, whole, REQUEST)  # no event loop here: recorded at once
    assert [(r.prompt_tokens, r.completion_tokens, r.estimated) for r in sink.records] == [(2, 1, False)]

    async def in_a_loop() -> None:
        book.whole("a", "d", {"prompt_tokens": 5, "completion_tokens": 6}, b"", REQUEST)
        book.whole("a", "d", None, b"{}", REQUEST)  # no usage anywhere: estimated
        assert len(sink.records) == 1  # waiting for the batch, or the timer
        book.whole("a", "d", None, whole, REQUEST)
        assert len(sink.records) == 1  # the third filled the batch: recorded in a callback of its own,
        await asyncio.sleep(0)  # not in the path of the request that filled it
        assert len(sink.records) == 4
        book.whole("a", "d", None, whole, REQUEST)
        book.flush()  # e.g. before a scrape
        assert len(sink.records) == 5

    asyncio.run(in_a_loop())
    assert [r.estimated for r in sink.records] == [False, False, True, False, False]
    assert sink.records[2].prompt_tokens == 14


def test_the_book_records_a_lone_answer_after_its_interval() -> None:
    sink = Sink()
    book = UsageBook(sink, batch=100, interval=0.05)

    async def main() -> None:
        book.whole("a", "d", {"prompt_tokens": 1, "completion_tokens": 1}, b"", REQUEST)
        assert sink.records == []
        await asyncio.sleep(0.15)
        assert len(sink.records) == 1

    asyncio.run(main())


def test_one_answer_that_cannot_be_worked_out_costs_no_other_record(caplog: pytest.LogCaptureFixture) -> None:
    """A poisoned answer is logged and skipped; the rest of its batch is recorded, and nothing raises."""
    sink = Sink()
    book = UsageBook(sink, batch=3)
    poison = {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}

    class Exploding:
        alias, deployment = "a", "d"

        def usage(self) -> UsageRecord:
            raise RuntimeError("boom")

    async def in_a_loop() -> None:
        book.whole("a", "d", None, b"{}", poison)  # mistyped text: estimated without it
        book.add(Exploding())  # type: ignore[arg-type]
        book.whole("a", "d", {"prompt_tokens": 5, "completion_tokens": 6}, b"", REQUEST)
        await asyncio.sleep(0)

    asyncio.run(in_a_loop())
    assert [(r.prompt_tokens, r.completion_tokens) for r in sink.records] == [(4, 0), (5, 6)]
    assert "usage of an answer from d (alias a) not recorded" in caplog.text


def test_estimates_are_total_over_any_json() -> None:
    odd: list[Any] = [5, None, {"content": 7}, {"content": [1, {"text": ["x"]}, {"text": "abcd"}]}]
    assert estimate_prompt_tokens({"messages": odd}) == 1 + 4 * len(odd)
    assert estimate_prompt_tokens({"messages": "not a list"}) == 0


CACHED_USAGE = {
    "prompt_tokens": 1030,
    "completion_tokens": 7,
    "total_tokens": 1037,
    "prompt_tokens_details": {"cached_tokens": 1000, "audio_tokens": 0, "cache_write_tokens": 20},
}


def test_cache_reads_and_writes_reach_the_record_of_a_whole_answer() -> None:
    body = orjson.dumps({"choices": [], "usage": CACHED_USAGE})
    sink = Sink()
    UsageBook(sink, batch=1).whole("alias", "dep", None, body, REQUEST)
    UsageBook(sink, batch=1).whole("alias", "dep", CACHED_USAGE, b"", REQUEST)  # the adapter's parsed usage
    for r in sink.records:
        assert (r.prompt_tokens, r.cached_input_tokens, r.cache_write_tokens, r.estimated) == (1030, 1000, 20, False)


def test_cache_reads_and_writes_reach_the_record_of_a_stream() -> None:
    usage = event({"choices": [], "usage": CACHED_USAGE})
    r = run([ROLE, content("a"), FINISH, usage, DONE])
    assert (r.prompt_tokens, r.completion_tokens, r.cached_input_tokens, r.cache_write_tokens) == (1030, 7, 1000, 20)


@pytest.mark.parametrize(
    ("usage", "numbers"),
    [
        ({"prompt_tokens": 9, "completion_tokens": 2}, (9, 2, 0, 0)),  # no details: no cache
        ({"prompt_tokens": 9, "completion_tokens": 2, "prompt_tokens_details": None}, (9, 2, 0, 0)),
        ({"prompt_tokens": 9, "completion_tokens": 2, "prompt_tokens_details": {"cached_tokens": 4}}, (9, 2, 4, 0)),
        ({"prompt_tokens": 9, "prompt_tokens_details": {"cached_tokens": "4", "cache_write_tokens": 3}}, (9, 0, 0, 3)),
    ],
)
def test_usage_numbers_read_the_cache_counts_when_reported(usage: dict[str, Any], numbers: tuple[int, ...]) -> None:
    assert usage_numbers(usage) == numbers
