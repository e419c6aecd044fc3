"""Taking the usage the gateway asked for out of a stream whose client did not ask for it.

The reference for every case is the stream the upstream sends when not asked: stripping the
asked-for stream must give exactly that, however its bytes are cut into reads.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from freehold.providers.openai_format import PROMPT_USAGE_KEY, ChunkWriter
from freehold.usage_strip import UsageStrip, strip_chunk

USAGE = {
    "prompt_tokens": 9,
    "completion_tokens": 3,
    "total_tokens": 12,
    "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
}
DONE = b"data: [DONE]\n\n"


def openai_stream(include_usage: bool, dumps: Any = orjson.dumps, sep: bytes = b"\n\n") -> bytes:
    """OpenAI's layout: ``usage`` is the chunk's last member (``null`` until the usage-only chunk)."""
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    base["system_fingerprint"] = "fp"
    deltas: list[tuple[dict[str, Any], str | None]] = [
        ({"role": "assistant", "content": ""}, None),
        ({"content": 'Say "usage":null'}, None),  # the words inside text are escaped: not a member
        ({"content": " or usage"}, None),  # text ending with the name: the event is looked at, left alone
        ({}, "stop"),
    ]
    events = []
    for delta, finish in deltas:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk: dict[str, Any] = {**base, "choices": [choice]}
        if include_usage:
            chunk["usage"] = None
        events.append(b"data: " + _bytes(dumps(chunk)) + sep)
    if include_usage:
        events.append(b"data: " + _bytes(dumps({**base, "choices": [], "usage": USAGE})) + sep)
    return b"".join(events) + b"data: [DONE]" + sep


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else data


def strip(pieces: list[bytes]) -> bytes:
    s = UsageStrip()
    return b"".join(s.feed(p) for p in pieces) + s.end()


def test_nothing_to_strip_passes_unchanged() -> None:
    plain = openai_stream(False)
    assert strip([plain]) == plain


@pytest.mark.parametrize(
    ("dumps", "sep"),
    [(orjson.dumps, b"\n\n"), (json.dumps, b"\n\n"), (orjson.dumps, b"\r\n\r\n"), (orjson.dumps, b"\r\r")],
    ids=["compact", "python-json", "crlf", "cr"],
)
def test_every_split_of_the_asked_stream_strips_to_the_unasked_one(dumps: Any, sep: bytes) -> None:
    asked, unasked = openai_stream(True, dumps, sep), openai_stream(False, dumps, sep)
    assert b'"usage"' in asked and b'"usage"' not in unasked.replace(b'\\"usage\\"', b"")
    assert strip([asked]) == unasked  # the whole stream in one read: usage and [DONE] together
    for cut in range(1, len(asked)):  # every event split across two reads, at every byte
        assert strip([asked[:cut], asked[cut:]]) == unasked, cut
    assert strip([asked[i : i + 7] for i in range(0, len(asked), 7)]) == unasked


def test_the_usage_event_and_done_in_one_read_after_the_events() -> None:
    asked = openai_stream(True)
    usage_at = asked.index(
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"system_fingerprint":"fp","choices":[],'
    )
    s = UsageStrip()
    head = s.feed(asked[:usage_at])
    assert head.endswith(b"\n\n") and b'"usage"' not in head.replace(b'\\"usage\\"', b"")
    assert s.feed(asked[usage_at:]) == DONE
    assert s.end() == b""


def test_an_incomplete_event_is_held_until_its_end_arrives() -> None:
    s = UsageStrip()
    assert s.feed(b'data: {"choices":[{"index":0,"delta":{"content":"a"}}],"us') == b""
    assert s.feed(b'age":null}\n\ndata: [DO') == b'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n'
    assert s.feed(b"NE]") == b""
    assert s.end() == b"data: [DONE]"  # a last event without its blank line still goes out


def test_the_chunk_writer_stream_strips_to_its_unasked_twin() -> None:
    """The translating adapters' frames: ``usage`` before ``choices``, and the prompt's usage up front."""
    asked, unasked = ChunkWriter("m", True, "chatcmpl-1"), ChunkWriter("m", False, "chatcmpl-1")
    unasked._base["created"] = asked._base["created"]
    prompt = {"prompt_tokens": 9, "prompt_tokens_details": {"cached_tokens": 4}}

    def frames(w: ChunkWriter) -> bytes:
        return (
            w.delta({"role": "assistant", "content": ""}, prompt=prompt)
            + w.delta({"content": "hi"})
            + w.delta({}, "stop")
            + w.usage(USAGE)
            + w.done()
        )

    with_usage = frames(asked)
    assert PROMPT_USAGE_KEY.encode() in with_usage
    assert strip([with_usage]) == frames(unasked)


def test_azures_prompt_filter_chunk_without_choices_is_kept() -> None:
    filters = b'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}],"usage":null}\n\n'
    assert strip([filters]) == b'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\n'
    no_usage = b'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\n'
    assert strip([no_usage]) == no_usage


def test_what_is_not_one_json_event_passes_as_it_is() -> None:
    odds = (b'data: {"usage": {"prompt_tokens": 1\n\n', b'event: x\ndata: {"usage":{}}\n\n', b'data: ["usage"]\n\n')
    for odd in odds:
        assert strip([odd]) == odd


def test_strip_chunk() -> None:
    content = {"choices": [{"delta": {"content": "a"}}], "usage": {"prompt_tokens": 1}, PROMPT_USAGE_KEY: {}}
    assert strip_chunk(content) and content == {"choices": [{"delta": {"content": "a"}}]}
    last = {"choices": [], "usage": {"prompt_tokens": 1}}
    assert not strip_chunk(last)
    nulled = {"choices": [], "usage": None}
    assert strip_chunk(nulled) and nulled == {"choices": []}
