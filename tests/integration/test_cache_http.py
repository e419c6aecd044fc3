"""The answer cache on the real server (``freehold serve`` on a loopback port), with the official SDKs and httpx.

Upstream: the built-in ``simulated`` provider, whose answers carry a fresh ``id`` each time: an
answer with the first answer's id came from the cache, as ``x-freehold-cache: hit`` and
``x-freehold-attempts: 0`` say too.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 60}
PRICE = {"input": "3", "output": "15"}
EMBEDDER = "tests.integration.fake_embedder:shared"


def alias(name: str, cache: dict[str, Any] | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"deployments": [{**SIM, "name": f"{name}-dep", "price": PRICE}]}
    if cache is not None:
        spec["cache"] = cache
    return spec


CONFIG = {
    "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
    "cache": {"ttl": 120},
    "aliases": {
        "cached": alias("cached", {"tools": True}),
        "teamed": alias("teamed", {"scope": "team"}),
        "short": alias("short", {"ttl": 1}),
        "notools": alias("notools", {}),
        "plain": alias("plain", None),
        "similar": alias("similar", {"semantic": {"threshold": 0.6, "embedder": EMBEDDER}}),
        "strict": alias("strict", {"semantic": {"threshold": 0.9, "embedder": EMBEDDER}}),
    },
}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look a word up",
            "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
        },
    }
]


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(CONFIG, tmp_path_factory.mktemp("cache"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


@pytest.fixture(scope="module")
def admin(gw: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=10) as client:
        yield client


def new_key(admin: httpx.Client, **body: Any) -> str:
    resp = admin.post("/admin/keys", json={"name": "cache-test", **body})
    assert resp.status_code == 201, resp.text
    return str(resp.json()["key"])


def prompt(text: str = "Tell me about caching") -> list[dict[str, Any]]:
    return [{"role": "user", "content": f"{text} ({uuid.uuid4().hex[:8]})"}]


def chat(gw: Gateway, key: str, model: str, messages: list[dict[str, Any]], **extra: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", **extra.pop("headers", {})}
    body = {"model": model, "messages": messages, **extra}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp


def outcome(resp: httpx.Response) -> tuple[str | None, str]:
    return resp.headers.get("x-freehold-cache"), resp.json()["id"]


def test_a_repeated_request_is_a_hit_with_the_first_answer(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    messages = prompt()
    first = chat(gw, key, "cached", messages)
    assert first.headers["x-freehold-cache"] == "miss" and first.headers["x-freehold-attempts"] == "1"
    again = chat(gw, key, "cached", messages, user="someone-else")  # ``user`` does not change the answer
    assert again.headers["x-freehold-cache"] == "hit" and again.headers["x-freehold-attempts"] == "0"
    assert again.json() == first.json()
    assert again.headers["x-freehold-deployment"] == "cached-dep"
    # What changes the answer changes the key.
    assert outcome(chat(gw, key, "cached", messages, temperature=0.3))[0] == "miss"
    assert outcome(chat(gw, key, "cached", messages, max_tokens=5))[0] == "miss"
    assert outcome(chat(gw, key, "cached", [*messages, {"role": "user", "content": "and?"}]))[0] == "miss"


def test_the_openai_sdk_sees_the_hit(gw: Gateway, admin: httpx.Client) -> None:
    client = openai.OpenAI(base_url=gw.base_url, api_key=new_key(admin), max_retries=0, timeout=10)
    messages = prompt()
    first = client.chat.completions.with_raw_response.create(model="cached", messages=messages)  # type: ignore[arg-type]
    second = client.chat.completions.with_raw_response.create(model="cached", messages=messages)  # type: ignore[arg-type]
    assert (first.headers["x-freehold-cache"], second.headers["x-freehold-cache"]) == ("miss", "hit")
    assert second.parse().choices[0].message.content == first.parse().choices[0].message.content
    assert second.parse().id == first.parse().id


def test_entries_expire_after_their_ttl(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    messages = prompt()
    first = outcome(chat(gw, key, "short", messages))
    assert outcome(chat(gw, key, "short", messages)) == ("hit", first[1])
    time.sleep(1.2)
    later = outcome(chat(gw, key, "short", messages))
    assert later[0] == "miss" and later[1] != first[1]


def test_keys_never_see_each_others_answers(gw: Gateway, admin: httpx.Client) -> None:
    a, b = new_key(admin), new_key(admin)
    messages = prompt()
    first = outcome(chat(gw, a, "cached", messages))
    other = outcome(chat(gw, b, "cached", messages))
    assert other[0] == "miss" and other[1] != first[1]
    assert outcome(chat(gw, MASTER_KEY, "cached", messages))[0] == "miss"  # the master key is a scope of its own
    assert outcome(chat(gw, a, "cached", messages)) == ("hit", first[1])


def test_team_scope_shares_within_a_team_only(gw: Gateway, admin: httpx.Client) -> None:
    red = admin.post("/admin/teams", json={"name": f"red-{uuid.uuid4().hex[:6]}"}).json()["id"]
    blue = admin.post("/admin/teams", json={"name": f"blue-{uuid.uuid4().hex[:6]}"}).json()["id"]
    red1, red2, blue1 = new_key(admin, team_id=red), new_key(admin, team_id=red), new_key(admin, team_id=blue)
    messages = prompt()
    first = outcome(chat(gw, red1, "teamed", messages))
    assert outcome(chat(gw, red2, "teamed", messages)) == ("hit", first[1])
    assert outcome(chat(gw, blue1, "teamed", messages))[0] == "miss"
    # The same keys on an alias scoped per key: not shared.
    mine = outcome(chat(gw, red1, "cached", messages))
    assert outcome(chat(gw, red2, "cached", messages))[1] != mine[1]


def test_no_cache_refreshes_and_no_store_leaves_no_trace(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    messages = prompt()
    first = outcome(chat(gw, key, "cached", messages))
    fresh = outcome(chat(gw, key, "cached", messages, headers={"Cache-Control": "no-cache"}))
    assert fresh[0] == "miss" and fresh[1] != first[1]
    assert outcome(chat(gw, key, "cached", messages)) == ("hit", fresh[1])  # no-cache stored its answer

    other = prompt()
    kept_out = outcome(chat(gw, key, "cached", other, headers={"Cache-Control": "no-store"}))
    assert kept_out[0] == "miss"
    after = outcome(chat(gw, key, "cached", other))
    assert after[0] == "miss" and after[1] != kept_out[1]
    assert outcome(chat(gw, key, "cached", other, headers={"Cache-Control": "no-store"}))[0] == "miss"


def test_an_alias_without_cache_never_caches(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    messages = prompt()
    one, two = chat(gw, key, "plain", messages), chat(gw, key, "plain", messages)
    assert [one.headers["x-freehold-cache"], two.headers["x-freehold-cache"]] == ["miss", "miss"]
    assert one.json()["id"] != two.json()["id"]


def test_requests_with_tools_are_cached_only_where_the_alias_allows(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    messages = prompt("Look up the word cache")
    assert [outcome(chat(gw, key, "notools", messages, tools=TOOLS))[0] for _ in range(2)] == ["miss", "miss"]
    first = chat(gw, key, "cached", messages, tools=TOOLS)
    again = chat(gw, key, "cached", messages, tools=TOOLS)
    assert again.headers["x-freehold-cache"] == "hit"
    assert again.json()["choices"][0]["message"]["tool_calls"] == first.json()["choices"][0]["message"]["tool_calls"]
    # n > 1 is never cached
    assert [outcome(chat(gw, key, "cached", messages, n=2))[0] for _ in range(2)] == ["miss", "miss"]


def stream_text(client: openai.OpenAI, messages: list[dict[str, Any]], **extra: Any) -> tuple[str, str, Any]:
    with client.chat.completions.with_streaming_response.create(
        model="cached",
        messages=messages,  # type: ignore[arg-type]
        stream=True,
        **extra,
    ) as resp:
        header = resp.headers["x-freehold-cache"]
        text, calls, usage = "", {}, None
        for chunk in resp.parse():
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                text += choice.delta.content or ""
                for call in choice.delta.tool_calls or ():
                    entry = calls.setdefault(call.index, {"name": "", "arguments": "", "id": None})
                    entry["id"] = call.id or entry["id"]
                    if call.function is not None:
                        entry["name"] += call.function.name or ""
                        entry["arguments"] += call.function.arguments or ""
    return header, text, (calls, usage)


def test_a_stream_is_stored_and_replayed_as_a_stream_on_the_chat_door(gw: Gateway, admin: httpx.Client) -> None:
    client = openai.OpenAI(base_url=gw.base_url, api_key=new_key(admin), max_retries=0, timeout=10)
    messages = prompt()
    miss = stream_text(client, messages, stream_options={"include_usage": True})
    hit = stream_text(client, messages, stream_options={"include_usage": True})
    assert (miss[0], hit[0]) == ("miss", "hit")
    assert hit[1] == miss[1] and len(miss[1]) > 20
    assert hit[2][1] == miss[2][1]  # the usage the client asked for, as the upstream reported it
    # A whole request for the same prompt gets the stored stream's answer, and vice versa.
    whole = client.chat.completions.with_raw_response.create(model="cached", messages=messages)  # type: ignore[arg-type]
    assert whole.headers["x-freehold-cache"] == "hit" and whole.parse().choices[0].message.content == miss[1]
    other = prompt()
    stored = client.chat.completions.create(model="cached", messages=other)  # type: ignore[arg-type]
    replayed = stream_text(client, other)
    assert replayed[0] == "hit" and replayed[1] == stored.choices[0].message.content and replayed[2][1] is None
    # Tool calls too.
    asked = prompt("Look up the word stream")
    first = stream_text(client, asked, tools=TOOLS)
    again = stream_text(client, asked, tools=TOOLS)
    assert (first[0], again[0]) == ("miss", "hit") and again[2][0] == first[2][0] and first[2][0][0]["name"] == "lookup"


def test_a_stream_is_replayed_on_the_responses_door(gw: Gateway, admin: httpx.Client) -> None:
    client = openai.OpenAI(base_url=gw.base_url, api_key=new_key(admin), max_retries=0, timeout=10)
    text = f"Explain replay ({uuid.uuid4().hex[:8]})"

    def run() -> tuple[str, str]:
        with client.responses.with_streaming_response.create(model="cached", input=text, stream=True) as resp:
            header = resp.headers["x-freehold-cache"]
            out = "".join(e.delta for e in resp.parse() if e.type == "response.output_text.delta")
        return header, out

    first, second = run(), run()
    assert (first[0], second[0]) == ("miss", "hit") and second[1] == first[1] and first[1]
    whole = client.responses.create(model="cached", input=text)
    assert whole.output_text == first[1]


def test_a_stream_is_replayed_on_the_messages_door(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin)
    client = anthropic.Anthropic(base_url=gw.url, api_key=key, max_retries=0, timeout=10)
    messages = [{"role": "user", "content": f"Explain replay ({uuid.uuid4().hex[:8]})"}]

    def run() -> tuple[str, str]:
        with client.messages.stream(model="cached", max_tokens=100, messages=messages) as stream:  # type: ignore[arg-type]
            header = stream.response.headers["x-freehold-cache"]
            text = stream.get_final_text()
        return header, text

    first, second = run(), run()
    assert (first[0], second[0]) == ("miss", "hit") and second[1] == first[1] and first[1]
    whole = client.messages.with_raw_response.create(model="cached", max_tokens=100, messages=messages)  # type: ignore[arg-type]
    assert whole.headers["x-freehold-cache"] == "hit"
    assert "".join(b.text for b in whole.parse().content if b.type == "text") == first[1]


def test_a_paraphrase_hits_the_semantic_cache_above_the_threshold_only(gw: Gateway, admin: httpx.Client) -> None:
    key, other = new_key(admin), new_key(admin)
    tag = uuid.uuid4().hex[:8]
    asked = [{"role": "user", "content": f"what is the capital city of france {tag}"}]
    paraphrase = [{"role": "user", "content": f"what's the capital city of france {tag} please"}]
    unrelated = [{"role": "user", "content": f"write a short poem about the sea {tag}"}]
    first = outcome(chat(gw, key, "similar", asked))
    assert first[0] == "miss"
    hit = chat(gw, key, "similar", paraphrase)
    assert outcome(hit) == ("hit", first[1])
    assert outcome(chat(gw, key, "similar", unrelated))[0] == "miss"
    assert outcome(chat(gw, other, "similar", paraphrase))[0] == "miss"  # another key: never another's answer
    # The same paraphrase under a stricter threshold: a miss.
    outcome(chat(gw, key, "strict", asked))
    assert outcome(chat(gw, key, "strict", paraphrase))[0] == "miss"
    # Another context before the last message: another partition.
    context = [{"role": "system", "content": "Answer in French."}, *paraphrase]
    assert outcome(chat(gw, key, "similar", context))[0] == "miss"


def test_hits_are_in_the_ledger_as_saved_cost_and_never_charged(gw: Gateway, admin: httpx.Client) -> None:
    resp = admin.post("/admin/keys", json={"name": "budgeted", "budget": {"usd": "5", "period": "total"}})
    assert resp.status_code == 201, resp.text
    key, key_id = resp.json()["key"], resp.json()["id"]
    messages = prompt()
    first = chat(gw, key, "cached", messages).json()
    assert chat(gw, key, "cached", messages).headers["x-freehold-cache"] == "hit"
    client = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=10)
    assert stream_text(client, messages)[0] == "hit"  # a replayed stream: its usage is the stored answer's
    usage = first["usage"]
    cost = (Decimal(usage["prompt_tokens"]) * 3 + Decimal(usage["completion_tokens"]) * 15) / 1_000_000
    deadline = time.monotonic() + 5
    while True:
        rows = {r["group"]: r for r in admin.get("/admin/usage", params={"group_by": "key"}).json()["data"]}
        row = rows.get(key_id, {})
        if row.get("requests") == 3 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert row["requests"] == 3 and row["cache_hits"] == 2
    assert Decimal(row["cost_usd"]) == cost  # only the miss is spent
    assert Decimal(row["saved_usd"]) == 2 * cost
    assert row["input_tokens"] == 3 * usage["prompt_tokens"]
    spent = admin.get(f"/admin/keys/{key_id}").json()
    assert Decimal(spent["spend_usd"]) == cost


def test_embeddings_are_cached_too(gw: Gateway, admin: httpx.Client) -> None:
    client = openai.OpenAI(base_url=gw.base_url, api_key=new_key(admin), max_retries=0, timeout=10)
    text = f"embed me {uuid.uuid4().hex[:8]}"
    first = client.embeddings.with_raw_response.create(model="cached", input=text)
    second = client.embeddings.with_raw_response.create(model="cached", input=text)
    assert (first.headers["x-freehold-cache"], second.headers["x-freehold-cache"]) == ("miss", "hit")
    assert second.parse().data[0].embedding == first.parse().data[0].embedding
    other = client.embeddings.with_raw_response.create(model="cached", input=text + "!")
    assert other.headers["x-freehold-cache"] == "miss"


def test_hits_still_count_against_rate_limits_and_show_in_metrics(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin, rpm=2)
    messages = prompt()
    assert [outcome(chat(gw, key, "cached", messages))[0] for _ in range(2)] == ["miss", "hit"]
    limited = httpx.post(
        gw.base_url + "/chat/completions",
        json={"model": "cached", "messages": messages},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert limited.status_code == 429  # the limits run before the cache: a hit is still a request
    scrape = httpx.get(gw.url + "/metrics", headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=5).text
    counts = {
        outcome: float(line.rsplit(" ", 1)[1])
        for line in scrape.splitlines()
        for outcome in ("hit", "miss")
        if line.startswith("freehold_cache_total{") and 'alias="cached"' in line and f'outcome="{outcome}"' in line
    }
    assert counts["hit"] >= 1 and counts["miss"] >= 1
