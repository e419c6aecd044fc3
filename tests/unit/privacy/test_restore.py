"""Restoring placeholders: whole texts, streamed texts cut anywhere, and canonical stream chunks."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from freehold.privacy.pseudonymize import Pseudonyms, Table
from freehold.privacy.restore import StreamRestorer, TextRestorer, restore_answer

VALUES = {"<EMAIL_1>": "ann@example.com", "<EMAIL_2>": 'quote"back\\slash@x.io', "<PHONE_12>": "+44 20 7946 0958"}
TABLE = Table(VALUES)


def stream(text: str, cuts: list[int], escaped: bool = False) -> tuple[str, list[str]]:
    restorer = TextRestorer(TABLE, escaped)
    bounds = [0, *sorted(set(cuts)), len(text)]
    outs = [restorer.feed(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    outs.append(restorer.flush())
    return "".join(outs), outs


def test_whole_text_restores_known_placeholders_and_leaves_the_rest() -> None:
    text = "Mail <EMAIL_1>, call <PHONE_12>; <EMAIL_3> and <email_1> and <EMAIL_1 stay."
    assert TABLE.restore(text) == (
        "Mail ann@example.com, call +44 20 7946 0958; <EMAIL_3> and <email_1> and <EMAIL_1 stay."
    )


def test_escaped_restoration_keeps_json_valid() -> None:
    args = '{"to": "<EMAIL_2>"}'
    assert json.loads(TABLE.restore(args, escaped=True)) == {"to": VALUES["<EMAIL_2>"]}


def test_every_split_point_of_a_placeholder_restores() -> None:
    text = "to <EMAIL_1>!"
    for cut in range(len(text) + 1):
        assert stream(text, [cut])[0] == "to ann@example.com!"
    for a in range(len(text) + 1):
        for b in range(a, len(text) + 1):
            assert stream(text, [a, b])[0] == "to ann@example.com!"


def test_only_a_possible_placeholder_prefix_is_held() -> None:
    r = TextRestorer(TABLE)
    assert r.feed("a < b") == "a < b"  # '<' followed by a space can never become one
    assert r.feed("x <") == "x " and r.held == "<"
    assert r.feed("EM") == "" and r.held == "<EM"
    assert r.feed("AIL_3") == "<EMAIL_3"  # no EMAIL_3 in this request: released at once
    assert r.held == ""
    assert r.feed("<PHONE_1") == "" and r.held == "<PHONE_1"  # PHONE_12 is known
    assert r.feed("0") == "<PHONE_10"
    assert r.feed("<EMAIL_1") == "" and r.feed(">") == "ann@example.com"
    assert r.feed("end <") == "end " and r.flush() == "<"


def test_held_back_text_is_never_longer_than_the_longest_placeholder() -> None:
    r = TextRestorer(TABLE)
    for ch in "<PHONE_12":
        r.feed(ch)
        assert len(r.held) < TABLE.longest


texts = st.lists(
    st.one_of(st.sampled_from([*VALUES, "<", "<E", "<EMAIL_", "<PHONE_1", ">", "<<", "_1>"]), st.text(max_size=6)),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts, cuts=st.lists(st.integers(min_value=0, max_value=80), max_size=10), escaped=st.booleans())
def test_any_chunking_restores_like_the_whole_text(text: str, cuts: list[int], escaped: bool) -> None:
    cuts = [c for c in cuts if c <= len(text)]
    assert stream(text, cuts, escaped)[0] == TABLE.restore(text, escaped)


def test_pseudonyms_are_consistent_and_skip_placeholders_the_client_wrote() -> None:
    p = Pseudonyms(taken={"<EMAIL_1>"})
    first = p.placeholder("EMAIL", "a@x.io")
    assert first == "<EMAIL_2>"
    assert p.placeholder("EMAIL", "b@x.io") == "<EMAIL_3>"
    assert p.placeholder("EMAIL", "a@x.io") == first
    assert p.placeholder("PHONE", "+1 555 0100 200") == "<PHONE_1>"
    assert "a@x.io" not in repr(p) and "a@x.io" not in repr(p.table())


def test_whole_answer_restores_text_refusal_and_tool_arguments() -> None:
    body: dict[str, Any] = {
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Hi <EMAIL_1>",
                    "refusal": "no <PHONE_12>",
                    "tool_calls": [{"id": "c", "function": {"name": "send", "arguments": '{"to":"<EMAIL_2>"}'}}],
                },
            }
        ]
    }
    assert restore_answer(body, TABLE)
    message = body["choices"][0]["message"]
    assert message["content"] == "Hi ann@example.com"
    assert message["refusal"] == "no +44 20 7946 0958"
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"to": VALUES["<EMAIL_2>"]}
    assert not restore_answer({"choices": [{"message": {"content": "plain"}}]}, TABLE)


# --- canonical chunks ------------------------------------------------------------------------------------


def chunk(delta: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", **top,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip


def run(chunks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    r = StreamRestorer(TABLE)
    out = [c for ch in orjson.loads(orjson.dumps(chunks)) for c in r.on_chunk(ch)]
    return out + r.flush()


def text_of(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


def args_of(chunks: list[dict[str, Any]], index: int = 0) -> str:
    return "".join(
        call["function"].get("arguments") or ""
        for c in chunks
        if c["choices"]
        for call in c["choices"][0]["delta"].get("tool_calls") or ()
        if call["index"] == index
    )


def test_stream_text_split_everywhere_and_flushed_before_the_finish() -> None:
    text = "Write to <EMAIL_1> or <PHONE_12> <"
    for cut in range(len(text) + 1):
        parts = [text[:cut], text[cut:]]
        chunks = [chunk({"role": "assistant", "content": ""})]
        chunks += [chunk({"content": p}) for p in parts if p]
        chunks.append(chunk({"content": ""}, "stop", usage={"prompt_tokens": 1}))
        out = run(chunks)
        assert text_of(out) == TABLE.restore(text)
        finishes = [i for i, c in enumerate(out) if c["choices"] and c["choices"][0]["finish_reason"]]
        assert finishes == [len(out) - 1]  # the finish comes last, after every released text
        assert out[-1]["usage"] == {"prompt_tokens": 1}
        assert all(c["choices"][0]["delta"] != {"content": ""} for c in out[1:-1])  # held-only chunks dropped


def test_stream_tool_arguments_restored_escaped_and_text_flushed_before_the_call() -> None:
    args = '{"to": "<EMAIL_2>", "cc": "<EMAIL_1>"}'
    for cut in range(len(args) + 1):
        chunks = [
            chunk({"role": "assistant", "content": "Sending to <EMA"}),
            chunk(
                {
                    "tool_calls": [
                        {"index": 0, "id": "t", "type": "function", "function": {"name": "send", "arguments": ""}}
                    ]
                }
            ),  # fmt: skip
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[:cut]}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[cut:]}}]}),
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": 1,
                            "id": "u",
                            "type": "function",
                            "function": {"name": "log", "arguments": '{"n": "<PHONE_'},
                        }
                    ]
                }
            ),  # fmt: skip
            chunk({"tool_calls": [{"index": 1, "function": {"arguments": '12>"}'}}]}),
            chunk({}, "tool_calls"),
        ]
        out = run(chunks)
        assert json.loads(args_of(out)) == {"to": VALUES["<EMAIL_2>"], "cc": VALUES["<EMAIL_1>"]}
        assert json.loads(args_of(out, 1)) == {"n": VALUES["<PHONE_12>"]}
        assert text_of(out) == "Sending to <EMA"
        # the held text went out before the first tool call began
        first_call = next(i for i, c in enumerate(out) if c["choices"][0]["delta"].get("tool_calls"))
        assert text_of(out[:first_call]) == "Sending to <EMA"
        # tool call 0's arguments are complete before call 1 starts
        second = next(
            i
            for i, c in enumerate(out)
            for call in c["choices"][0]["delta"].get("tool_calls") or ()
            if call["index"] == 1
        )
        assert json.loads(args_of(out[:second])) == {"to": VALUES["<EMAIL_2>"], "cc": VALUES["<EMAIL_1>"]}


def test_a_cut_stream_releases_what_was_held_at_the_end() -> None:
    r = StreamRestorer(TABLE)
    assert r.on_chunk(chunk({"content": "a <EMAIL"})) == [chunk({"content": "a "})]
    assert r.on_chunk(chunk({"content": "_"})) == []
    assert r.held_chunks == 1
    held = r.flush()
    assert text_of(held) == "<EMAIL_"
    assert r.flush() == []


def test_chunks_without_placeholders_pass_unchanged() -> None:
    chunks = [chunk({"role": "assistant", "content": ""}), chunk({"content": "a < b"}), chunk({}, "stop")]
    assert run(chunks) == chunks
