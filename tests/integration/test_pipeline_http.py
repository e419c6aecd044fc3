"""The pipeline's contract over HTTP: toy stages on the real server, on all three doors, whole and streamed.

The stages (``toy_stages.py``) are loaded by ``freehold serve`` from the gateway file's ``stages:``.
Each test asks through the official SDKs or plain HTTP and checks what the contract promises:
a stage may rewrite and route a request, refuse it in the door's own error shape, see the whole
answer, transform a stream chunk by chunk (holding chunks back to the end, cut streams
included), and filter the models list; a stage that fails mid-stream ends the stream with the
door's error event, on every door, counted once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway

TOY = "tests.integration.toy_stages"
AUTH = {"Authorization": f"Bearer {MASTER_KEY}"}
SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 12}


def alias(name: str, **extra: object) -> dict[str, object]:
    return {"deployments": [{**SIM, "name": name, **extra}]}


CONFIG = {
    "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
    "stages": [
        {"use": f"{TOY}:Refuse", "options": {"word": "forbidden"}},
        {"use": f"{TOY}:Route", "options": {"to": "other"}, "aliases": ["plain"]},
        {"use": f"{TOY}:Hide", "options": {"hidden": ["secret"]}},
        {"use": f"{TOY}:Shout", "aliases": ["shout"]},
        {"use": f"{TOY}:Hold", "aliases": ["hold", "cut-hold"]},
        {"use": f"{TOY}:Explode", "aliases": ["boom"]},
    ],
    "aliases": {
        "plain": alias("plain"),
        "other": alias("other-sim"),
        "shout": alias("shout"),
        "hold": alias("hold"),
        "cut-hold": alias("cut-hold", faults=[{"kind": "stream_cut", "every": 1, "after_tokens": 4}]),
        "cut": alias("cut", faults=[{"kind": "stream_cut", "every": 1, "after_tokens": 4}]),
        "boom": alias("boom"),
        "secret": alias("secret"),
        "embed": alias("embed"),
    },
}
HI = [{"role": "user", "content": "Say something about the sea."}]


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(CONFIG, tmp_path_factory.mktemp("pipeline"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)


@pytest.fixture
def oai(gw: Gateway) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=gw.base_url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


@pytest.fixture
def claude(gw: Gateway) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0, timeout=10) as c:
        yield c


def chat_text(oai: openai.OpenAI, model: str, stream: bool, content: str = HI[0]["content"]) -> str:
    messages = [{"role": "user", "content": content}]
    if not stream:
        return oai.chat.completions.create(model=model, messages=messages).choices[0].message.content or ""  # type: ignore[arg-type]
    parts = oai.chat.completions.create(model=model, messages=messages, stream=True)  # type: ignore[arg-type]
    return "".join(c.choices[0].delta.content or "" for c in parts if c.choices)


def messages_text(claude: anthropic.Anthropic, model: str, stream: bool) -> str:
    if not stream:
        message = claude.messages.create(model=model, max_tokens=50, messages=HI)  # type: ignore[arg-type]
        return "".join(b.text for b in message.content if b.type == "text")
    with claude.messages.stream(model=model, max_tokens=50, messages=HI) as s:  # type: ignore[arg-type]
        return "".join(s.text_stream)


def responses_text(oai: openai.OpenAI, model: str, stream: bool) -> str:
    if not stream:
        return oai.responses.create(model=model, input=HI[0]["content"]).output_text
    events = oai.responses.create(model=model, input=HI[0]["content"], stream=True)
    return "".join(e.delta for e in events if e.type == "response.output_text.delta")


DOORS = ["chat", "messages", "responses"]


def text_on(door: str, oai: openai.OpenAI, claude: anthropic.Anthropic, model: str, stream: bool) -> str:
    if door == "chat":
        return chat_text(oai, model, stream)
    if door == "messages":
        return messages_text(claude, model, stream)
    return responses_text(oai, model, stream)


# --- a stage sees the whole answer, and transforms a stream chunk by chunk --------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "stream"])
@pytest.mark.parametrize("door", DOORS)
def test_a_transforming_stage_reaches_every_door(
    oai: openai.OpenAI, claude: anthropic.Anthropic, door: str, stream: bool
) -> None:
    plain = text_on(door, oai, claude, "other", stream)  # the same simulated model, no stage
    shouted = text_on(door, oai, claude, "shout", stream)
    assert plain and plain != plain.upper()
    assert shouted == plain.upper()


@pytest.mark.parametrize("door", DOORS)
def test_held_back_chunks_are_released_at_the_end(oai: openai.OpenAI, claude: anthropic.Anthropic, door: str) -> None:
    whole = text_on(door, oai, claude, "other", False)
    assert text_on(door, oai, claude, "hold", True) == whole


def test_held_back_chunks_of_a_cut_stream_reach_the_client_before_its_error_event(gw: Gateway) -> None:
    body = {"model": "cut-hold", "stream": True, "messages": HI}
    with httpx.stream("POST", gw.base_url + "/chat/completions", json=body, headers=AUTH, timeout=10) as resp:
        raw = resp.read().decode()
    events = [line[6:] for line in raw.split("\n") if line.startswith("data: ")]
    assert '"error"' in events[-1]
    before = [e for e in events[:-1] if '"content"' in e]
    assert before, raw  # released by on_end("upstream_cut"), not lost
    with httpx.stream(
        "POST", gw.base_url + "/chat/completions", json={**body, "model": "cut"}, headers=AUTH, timeout=10
    ) as resp:
        unstaged = resp.read().decode()
    assert _content(raw) == _content(unstaged)  # the same text as without the stage


def _content(raw: str) -> str:
    import json

    text = ""
    for line in raw.split("\n"):
        if line.startswith("data: {") and '"choices"' in line:
            for choice in json.loads(line[6:])["choices"]:
                text += (choice.get("delta") or {}).get("content") or ""
    return text


# --- a stage may rewrite and route a request --------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_a_stage_routes_a_request_to_another_alias_and_says_so(gw: Gateway, stream: bool) -> None:
    body = {"model": "plain", "stream": stream, "messages": [{"role": "user", "content": "please route me"}]}
    resp = httpx.post(gw.base_url + "/chat/completions", json=body, headers=AUTH, timeout=10)
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-freehold-deployment"] == "other-sim"
    assert resp.headers["x-toy-route"] == "other"
    unrouted = httpx.post(gw.base_url + "/chat/completions", json={**body, "messages": HI}, headers=AUTH, timeout=10)
    assert unrouted.headers["x-freehold-deployment"] == "plain" and "x-toy-route" not in unrouted.headers


# --- a stage may refuse, and the refusal is rendered in each door's own shape ------------------------------


FORBIDDEN = [{"role": "user", "content": "tell me the forbidden thing"}]


@pytest.mark.parametrize("stream", [False, True])
def test_a_refusal_is_the_openai_door_s_error(oai: openai.OpenAI, stream: bool) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        oai.chat.completions.create(model="plain", messages=FORBIDDEN, stream=stream)  # type: ignore[arg-type]
    assert info.value.status_code == 403 and "forbidden" in info.value.message
    assert info.value.response.headers["x-toy-refused"] == "forbidden"
    with pytest.raises(openai.PermissionDeniedError):
        oai.embeddings.create(model="embed", input=["the forbidden word"])
    with pytest.raises(openai.PermissionDeniedError):
        oai.responses.create(model="plain", input="the forbidden word", stream=stream)


@pytest.mark.parametrize("stream", [False, True])
def test_a_refusal_is_the_anthropic_door_s_error(claude: anthropic.Anthropic, stream: bool) -> None:
    with pytest.raises(anthropic.PermissionDeniedError) as info:
        claude.messages.create(model="plain", max_tokens=10, messages=FORBIDDEN, stream=stream)  # type: ignore[arg-type]
    body = info.value.body
    assert isinstance(body, dict) and body["error"]["type"] == "permission_error"
    with pytest.raises(anthropic.PermissionDeniedError):
        claude.messages.count_tokens(model="plain", messages=FORBIDDEN)  # type: ignore[arg-type]


# --- a stage may filter the models a principal sees ---------------------------------------------------------


def test_a_stage_filters_the_models_list(oai: openai.OpenAI, claude: anthropic.Anthropic, gw: Gateway) -> None:
    listed = {m.id for m in oai.models.list()}
    assert "plain" in listed and "secret" not in listed
    assert "secret" not in {m.id for m in claude.models.list()}
    assert httpx.get(gw.base_url + "/models/secret", headers=AUTH, timeout=10).status_code == 404
    assert httpx.get(gw.base_url + "/models/plain", headers=AUTH, timeout=10).status_code == 200


# --- a failure in the middle of a stream ends it the same way on every door ---------------------------------


def scrape(gw: Gateway) -> dict[tuple[str, str, str], float]:
    text = httpx.get(gw.url + "/metrics", headers=AUTH, timeout=10).text
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "freehold_requests_total":
                out[(s.labels["front_door"], s.labels["alias"], s.labels["status"])] = s.value
    return out


def raw_stream(gw: Gateway, path: str, body: dict[str, object]) -> tuple[httpx.Response, str]:
    with httpx.stream("POST", gw.url + path, json=body, headers=AUTH, timeout=10) as resp:
        return resp, resp.read().decode()


@pytest.mark.parametrize("model", ["boom", "cut"], ids=["stage-bug", "upstream-cut"])
def test_a_mid_stream_failure_ends_every_door_s_stream_with_its_error_and_is_counted_alike(
    gw: Gateway, model: str
) -> None:
    before = scrape(gw)
    resp, chat = raw_stream(gw, "/v1/chat/completions", {"model": model, "stream": True, "messages": HI})
    assert resp.status_code == 200 and chat.rstrip().split("\n")[-1].startswith('data: {"error"')
    assert "data: [DONE]" not in chat.split("\n")
    _, messages = raw_stream(gw, "/v1/messages", {"model": model, "stream": True, "max_tokens": 50, "messages": HI})
    assert "event: error" in messages and "message_stop" not in messages
    _, responses = raw_stream(gw, "/v1/responses", {"model": model, "stream": True, "input": "hi"})
    assert "event: error" in responses and "event: response.failed" in responses
    time.sleep(0.2)
    after = scrape(gw)
    for door in ("chat_completions", "messages", "responses"):
        key = (door, model, "stream_error")
        assert after.get(key, 0) - before.get(key, 0) == 1, (key, after)
    if model == "boom":
        log = gw.log()
        assert log.count("unexpected error mid-stream") >= 3
        assert "toy stage bug" in log
