"""Rule routing over HTTP: each condition routes as configured, and says so (header, log line).

The real server on a loopback port, simulated deployments (each alias its own, so
``x-freehold-deployment`` shows where a request went), virtual keys and teams made through the
admin API, a privacy policy on the routed alias, and a key with a budget for the budget-share
rule. Clients: the official ``openai`` and ``anthropic`` SDKs and httpx.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway

ADMIN = {"Authorization": f"Bearer {MASTER_KEY}"}


def sim(name: str, **extra: object) -> dict[str, object]:
    return {
        "provider": "simulated",
        "model": "sim-1",
        "name": name,
        "ttft_ms": 0,
        "tokens_per_second": 20000,
        "max_tokens": 8,
        "price": {"input": "1", "output": "2"},
        **extra,
    }


CONFIG = {
    "routing": {"retries": {"max_attempts": 1}},
    "privacy": {"policies": {"aliases": {"smart": "pseudonymize"}}},
    "aliases": {
        "smart": {
            "deployments": [sim("smart-dep")],
            "routes": [
                {"when": {"teams": ["research"], "tags": {"env": "prod"}}, "to": "frontier"},
                {"when": {"key_metadata": {"tier": "gold"}}, "to": "frontier"},
                {"when": {"prompt_tokens_over": 300}, "to": "long"},
                {"when": {"has_tools": True}, "to": "tools"},
                {"when": {"has_images": True}, "to": "vision"},
                {"when": {"privacy": ["EMAIL", "PHONE"]}, "to": "local"},
                {"when": {"budget_used_over": 0.5}, "to": "cheap"},
                {"when": {"keys": ["routed-by-name"], "prompt_tokens_under": 50}, "to": "cheap"},
            ],
        },
        "frontier": {"deployments": [sim("frontier-dep", price={"input": "50", "output": "20000"})]},
        "long": {"deployments": [sim("long-dep")]},
        "tools": {"deployments": [sim("tools-dep")]},
        "vision": {"deployments": [sim("vision-dep")]},
        "local": {"deployments": [sim("local-dep", local=True)]},
        "cheap": {"deployments": [sim("cheap-dep", price={"input": "0.01", "output": "0.01"})]},
        "plain": {"deployments": [sim("plain-dep")]},
    },
}


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(
        CONFIG, tmp_path_factory.mktemp("rules"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY, "FREEHOLD_LOG_LEVEL": "info"}
    )
    yield g
    stop_gateway(g.process)
    assert "Traceback" not in g.log()


def make_team(gw: Gateway, name: str) -> str:
    made = httpx.post(gw.url + "/admin/teams", headers=ADMIN, json={"name": name})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def make_key(gw: Gateway, name: str, **fields: object) -> str:
    made = httpx.post(gw.url + "/admin/keys", headers=ADMIN, json={"name": name, **fields})
    assert made.status_code == 201, made.text
    return str(made.json()["key"])


def client(gw: Gateway, key: str = MASTER_KEY, **headers: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, default_headers=headers)


def ask(c: openai.OpenAI, text: str = "hello there", **extra: object) -> httpx.Headers:
    raw = c.chat.completions.with_raw_response.create(
        model="smart", messages=[{"role": "user", "content": text}], **extra
    )
    raw.parse()
    return raw.headers


def test_no_rule_matches_keeps_the_alias(gw: Gateway) -> None:
    headers = ask(client(gw))
    assert headers["x-freehold-deployment"] == "smart-dep"
    assert headers["x-freehold-route"] == "smart; from=smart; rule=none"


def test_team_and_tag_together(gw: Gateway) -> None:
    team = make_team(gw, "research")
    key = make_key(gw, "researcher", team_id=team)
    # Both conditions hold: rule 1.
    headers = ask(client(gw, key, **{"x-freehold-metadata-env": "prod"}))
    assert headers["x-freehold-deployment"] == "frontier-dep"
    assert headers["x-freehold-route"] == 'frontier; from=smart; rule=1; reason="teams=research & tags.env=prod"'
    # The tag alone, or the team alone, is not enough (conditions are ANDed).
    assert ask(client(gw, key, **{"x-freehold-metadata-env": "dev"}))["x-freehold-deployment"] == "smart-dep"
    assert ask(client(gw, MASTER_KEY, **{"x-freehold-metadata-env": "prod"}))["x-freehold-deployment"] == "smart-dep"
    assert "routed smart → frontier (rule 1: teams=research & tags.env=prod)" in wait_log(
        gw, "routed smart → frontier"
    )


def test_key_metadata(gw: Gateway) -> None:
    key = make_key(gw, "golden", metadata={"tier": "gold"})
    headers = ask(client(gw, key))
    assert headers["x-freehold-route"] == 'frontier; from=smart; rule=2; reason="key.tier=gold"'


def test_prompt_tokens_over(gw: Gateway) -> None:
    headers = ask(client(gw), "word " * 400)  # ~500 estimated tokens
    assert headers["x-freehold-deployment"] == "long-dep"
    assert 'rule=3; reason="prompt_tokens_over=300"' in headers["x-freehold-route"]
    assert ask(client(gw), "word " * 100)["x-freehold-deployment"] == "smart-dep"


def test_tools(gw: Gateway) -> None:
    tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}}}
    headers = ask(client(gw), tools=[tool])
    assert headers["x-freehold-deployment"] == "tools-dep"
    assert 'rule=4; reason="has_tools"' in headers["x-freehold-route"]


def test_images_on_the_anthropic_door(gw: Gateway) -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    c = anthropic.Anthropic(base_url=gw.url, api_key=MASTER_KEY, max_retries=0)
    raw = c.messages.with_raw_response.create(
        model="smart",
        max_tokens=16,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}},
                    {"type": "text", "text": "what is this?"},
                ],
            }
        ],
    )
    raw.parse()
    assert raw.headers["x-freehold-deployment"] == "vision-dep"
    assert 'rule=5; reason="has_images"' in raw.headers["x-freehold-route"]


def test_privacy_categories(gw: Gateway) -> None:
    headers = ask(client(gw), "write to jane.doe@example.com about the invoice")
    assert headers["x-freehold-deployment"] == "local-dep"
    assert 'rule=6; reason="privacy=EMAIL|PHONE"' in headers["x-freehold-route"]
    assert headers["x-freehold-privacy"].startswith("pseudonymize")  # the privacy stage ran first


def test_keys_by_name_and_tokens_under(gw: Gateway) -> None:
    key = make_key(gw, "routed-by-name")
    assert ask(client(gw, key), "short")["x-freehold-deployment"] == "cheap-dep"
    assert ask(client(gw, key), "word " * 60)["x-freehold-deployment"] == "smart-dep"  # ~79 tokens: not under 50


def test_streams_and_the_responses_door_carry_the_header(gw: Gateway) -> None:
    team = make_team(gw, "stream-team")
    key = make_key(gw, "streamer", team_id=team, metadata={"tier": "gold"})
    c = client(gw, key)
    with c.chat.completions.with_streaming_response.create(
        model="smart", messages=[{"role": "user", "content": "hi"}], stream=True
    ) as resp:
        assert resp.headers["x-freehold-deployment"] == "frontier-dep"
        assert "rule=2" in resp.headers["x-freehold-route"]
        assert "".join(resp.iter_lines())
    raw = c.responses.with_raw_response.create(model="smart", input="hi")
    assert raw.parse().output_text
    assert raw.headers["x-freehold-deployment"] == "frontier-dep"
    assert "rule=2" in raw.headers["x-freehold-route"]


def test_budget_share_rule(gw: Gateway) -> None:
    key = make_key(gw, "thrifty", budget={"usd": "0.004", "period": "total"})
    c = client(gw, key)
    assert ask(c, max_tokens=8)["x-freehold-route"] == "smart; from=smart; rule=none"
    # smart costs $1/$2 per million: ~200 tokens ≈ $0.0002 per answer; spend passes half of $0.004 after ~10.
    routed = None
    for _ in range(40):
        headers = ask(c, "word " * 150, max_tokens=8)
        if headers["x-freehold-deployment"] == "cheap-dep":
            routed = headers
            break
        time.sleep(0.3)
    assert routed is not None, "the budget rule never routed"
    assert routed["x-freehold-route"] == 'cheap; from=smart; rule=7; reason="budget_used_over=0.5"'
    # At cheap's price the request's 50 output tokens are covered whole: no lowered max_tokens.
    raw = c.chat.completions.with_raw_response.create(
        model="smart", messages=[{"role": "user", "content": "hi"}], max_tokens=50
    )
    raw.parse()
    assert raw.headers["x-freehold-deployment"] == "cheap-dep"
    assert "x-freehold-budget-max-tokens" not in raw.headers


def test_too_many_tags_is_a_400(gw: Gateway) -> None:
    headers = {f"x-freehold-metadata-t{i}": "x" for i in range(40)}
    resp = httpx.post(
        gw.base_url + "/chat/completions",
        headers={**ADMIN, **headers},
        json={"model": "smart", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert resp.status_code == 400
    assert "x-freehold-metadata" in resp.json()["error"]["message"]


def test_aliases_without_rules_have_no_route_header(gw: Gateway) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="plain", messages=[{"role": "user", "content": "hi"}]
    )
    raw.parse()
    assert "x-freehold-route" not in raw.headers


def wait_log(gw: Gateway, text: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = gw.log()
        if text in log:
            return log
        time.sleep(0.05)
    return gw.log()
