"""The cache's pure parts: the key's normalization and scope, Cache-Control, stream assembly and
replay, and the config's errors (each naming its key's path)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from freehold.cache.keys import cacheable, exact_key, last_user_text, partition_key, scope_of
from freehold.cache.replay import Assembler, replay, replay_chunks
from freehold.cache.stage import directives
from freehold.config.load import parse_config
from freehold.context import Principal, RequestContext
from freehold.errors import ConfigError
from freehold.governance.model import Key, Team
from freehold.transport.sse import SSEDecoder

BODY = {"model": "a", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.2}


def test_the_key_ignores_what_cannot_change_the_answer_and_nothing_else() -> None:
    base = exact_key("chat", "a", "key:1", BODY)
    same = {"stream": True, "stream_options": {"include_usage": True}, "user": "u", "metadata": {"x": 1}}
    assert exact_key("chat", "a", "key:1", {**BODY, **same}) == base
    assert exact_key("chat", "a", "key:1", dict(reversed(list(BODY.items())))) == base  # field order
    assert exact_key("chat", "a", "key:1", {**BODY, "model": "other"}) == base  # the alias served counts
    assert exact_key("chat", "b", "key:1", BODY) != base
    assert exact_key("chat", "a", "key:2", BODY) != base
    assert exact_key("embeddings", "a", "key:1", BODY) != base
    for change in ({"temperature": 0.3}, {"seed": 1}, {"max_tokens": 5}, {"tools": []}, {"response_format": {}}):
        assert exact_key("chat", "a", "key:1", {**BODY, **change}) != base, change


def test_scopes() -> None:
    team = Team("t1", "t")
    key = Key(id="k1", name="k", secret_hash="0" * 64, hint="abcd", team_id="t1")
    ctx = RequestContext("chat_completions", "chat")
    assert scope_of(ctx, "key") == "anonymous"
    ctx.principal = Principal("master", "master")
    assert scope_of(ctx, "team") == "master"
    ctx.principal = Principal("k1", "key", key=key, team=team)
    assert (scope_of(ctx, "key"), scope_of(ctx, "team")) == ("key:k1", "team:t1")
    ctx.principal = Principal("k1", "key", key=key)
    assert scope_of(ctx, "team") == "key:k1"  # no team: its own


def test_what_is_not_cacheable() -> None:
    assert cacheable(BODY, tools=False) == ""
    assert cacheable({**BODY, "n": 2}, tools=True) == "n > 1"
    assert cacheable({**BODY, "tools": [{"type": "function"}]}, tools=False) == "tools"
    assert cacheable({**BODY, "tools": [{"type": "function"}]}, tools=True) == ""
    assert cacheable({**BODY, "logprobs": True}, tools=True) == "logprobs"


def test_the_semantic_partition_is_everything_but_the_last_message() -> None:
    one = {**BODY, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "a"}]}
    two = {**BODY, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "b"}]}
    other = {**BODY, "messages": [{"role": "system", "content": "t"}, {"role": "user", "content": "a"}]}
    assert partition_key("a", "s", one) == partition_key("a", "s", two) != partition_key("a", "s", other)
    assert partition_key("a", "s", one) != partition_key("a", "s", {**one, "temperature": 1})
    assert last_user_text(one) == "a"
    parts = [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]
    assert last_user_text({"messages": [{"role": "user", "content": parts}]}) == "x\ny"
    assert last_user_text({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}) is None
    assert last_user_text({"messages": [{"role": "assistant", "content": "a"}]}) is None


@pytest.mark.parametrize(
    ("header", "want"),
    [
        (None, (True, True)),
        ("no-cache", (False, True)),
        ("No-Store", (False, False)),
        ("max-age=0, no-cache", (False, True)),
    ],
)
def test_cache_control(header: str | None, want: tuple[bool, bool]) -> None:
    ctx = RequestContext("chat_completions", "chat")
    if header is not None:
        ctx.metadata = {"cache-control": header}
    assert directives(ctx) == want


COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "A fairly long answer that spans more than one replayed piece of text.",
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
                ],
            },
            "logprobs": None,
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 9, "total_tokens": 12},
}


async def test_a_replayed_answer_assembles_back_to_itself() -> None:
    raw = b"".join([chunk async for chunk in replay(orjson.dumps(COMPLETION), with_usage=True)])
    decoder = SSEDecoder()
    events = [e.data for e in decoder.feed(raw)]
    assert events[-1] == "[DONE]"
    chunks = [orjson.loads(e) for e in events[:-1]]
    assert len(chunks) > 4 and chunks[-1]["usage"] == COMPLETION["usage"] and chunks[-1]["choices"] == []
    assembler = Assembler()
    for chunk in chunks:
        assembler.feed(chunk)
    body = assembler.completion(chunks[-1]["usage"])
    assert body is not None and orjson.loads(body) == COMPLETION
    assert not any("usage" in c for c in replay_chunks(COMPLETION, with_usage=False))


def test_a_stream_without_a_finish_or_with_several_choices_is_not_stored() -> None:
    cut = Assembler()
    cut.feed({"id": "x", "choices": [{"index": 0, "delta": {"content": "half"}}]})
    assert cut.completion(None) is None
    several = Assembler()
    several.feed({"id": "x", "choices": [{"index": 1, "delta": {"content": "b"}, "finish_reason": "stop"}]})
    assert several.completion(None) is None


def config(cache: Any, top: Any = None) -> dict[str, Any]:
    alias = {"deployments": [{"provider": "simulated", "model": "s"}], "cache": cache}
    data: dict[str, Any] = {"aliases": {"faq": alias}}
    if top is not None:
        data["cache"] = top
    return data


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (config({"semantic": {"threshold": 1.5}}), "aliases.faq.cache.semantic.threshold"),
        (config({"scope": "org"}), "aliases.faq.cache.scope"),
        (config({"ttls": 5}), "aliases.faq.cache.ttls"),
        (config({}, {"backend": "disk"}), "cache.backend"),
        (config({}, {"ttl": 0}), "cache.ttl"),
        (config({"exact": False}), "aliases.faq.cache"),
    ],
)
def test_config_errors_name_the_key(data: dict[str, Any], path: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert any(line.startswith(path) for line in info.value.problems), info.value.problems


def test_cache_is_off_unless_an_alias_sets_it() -> None:
    parsed = parse_config({"aliases": {"a": {"deployments": [{"provider": "simulated", "model": "s"}]}}})
    assert parsed.aliases["a"].cache is None
    on = parse_config(config({}))
    assert on.aliases["faq"].cache is not None and on.aliases["faq"].cache.exact and on.cache.ttl == 3600


def test_start_up_errors_name_the_key() -> None:
    from freehold.cache.build import cache_stage

    with pytest.raises(ConfigError) as info:
        cache_stage(parse_config(config({}, {"backend": "redis"})), None, "x:", None)
    assert info.value.problems[0].startswith("cache.backend: 'redis' needs server.redis_url")
    with pytest.raises(ConfigError) as info:
        cache_stage(parse_config(config({"semantic": {"embedder": "no_such_module:shared"}})), None, "x:", None)
    assert info.value.problems[0].startswith("aliases.faq.cache.semantic.embedder: the semantic cache needs")
    assert "router" in info.value.problems[0]
    assert (
        cache_stage(parse_config({"aliases": {"a": config({})["aliases"]["faq"] | {"cache": None}}}), None, "", None)
        is None
    )


def test_the_gateway_imports_numpy_only_for_a_semantic_cache() -> None:
    import subprocess
    import sys

    script = """
import sys
from freehold.bootstrap import build
from freehold.config.load import parse_config
from freehold.settings import Settings
alias = {"deployments": [{"provider": "simulated", "model": "s"}], "cache": {"exact": True}}
build(parse_config({"aliases": {"a": alias}}), Settings(ledger=False))
assert "numpy" not in sys.modules, "numpy imported without a semantic cache"
alias["cache"] = {"semantic": {"embedder": "tests.integration.fake_embedder:shared"}}
build(parse_config({"aliases": {"a": alias}}), Settings(ledger=False))
assert "numpy" in sys.modules
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
