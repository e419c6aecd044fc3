"""Virtual keys and teams over HTTP, on the real server: the admin API, and keys used by the official SDKs.

One gateway with a master key and three simulated aliases. The admin API is driven with httpx;
the keys it makes are used exactly like OpenAI keys (``openai`` SDK, Bearer) and Anthropic keys
(``anthropic`` SDK, ``x-api-key``): allowed aliases answer on every door, others get 403 and are
absent from ``/v1/models``; wrong, revoked and expired keys get 401s that say which.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.integration.conftest import MASTER_KEY, Gateway, start_gateway, stop_gateway

SIM = {"provider": "simulated", "model": "sim-1", "ttft_ms": 0, "tokens_per_second": 5000, "max_tokens": 8}
CONFIG = {
    "routing": {"retries": {"max_attempts": 1}, "queue": {"max_wait": 0}},
    "aliases": {name: {"deployments": [{**SIM, "name": name}]} for name in ("smart", "cheap", "embed")},
}
HI = [{"role": "user", "content": "Hello there."}]


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    g = start_gateway(CONFIG, tmp_path_factory.mktemp("keys"), env={"FREEHOLD_MASTER_KEY": MASTER_KEY})
    yield g
    stop_gateway(g.process)
    log = g.log()
    assert "Traceback" not in log
    assert "fh_" not in log.replace("fh_…", "")  # no key is ever logged


@pytest.fixture(scope="module")
def admin(gw: Gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=10) as client:
        yield client


def new_key(admin: httpx.Client, **body: Any) -> dict[str, Any]:
    resp = admin.post("/admin/keys", json={"name": "test", **body})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def oai(gw: Gateway, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=10)


def claude(gw: Gateway, key: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gw.url, api_key=key, max_retries=0, timeout=10)


def test_admin_round_trip_of_a_team_and_its_keys(gw: Gateway, admin: httpx.Client) -> None:
    daily = {"usd": "10.00", "period": "daily"}
    resp = admin.post("/admin/teams", json={"name": "research", "budget": daily, "rpm": 60})
    assert resp.status_code == 201, resp.text
    team = resp.json()
    assert team["id"].startswith("team_") and team["budget"] == {"usd": "10.00", "period": "daily"}
    assert team["rpm"] == 60 and team["tpm"] is None
    assert team["id"] in [t["id"] for t in admin.get("/admin/teams").json()["data"]]
    shown = admin.get(f"/admin/teams/{team['id']}").json()
    assert (shown["spend_usd"], shown["spend_period"]) == ("0.00", "daily")

    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    body = {
        "name": "ci-bot",
        "team_id": team["id"],
        "aliases": ["smart"],
        "rpm": 5,
        "tpm": 1000,
        "budget": {"usd": "2.50", "period": "monthly"},
        "expires_at": expires,
        "priority": 3,
        "role": "user",
        "metadata": {"owner": "ci"},
    }
    created = new_key(admin, **body)
    secret = created["key"]
    assert created["id"].startswith("key_") and secret.startswith("fh_" + created["id"][4:] + "_")
    assert created["hint"] == secret[-4:] and "secret_hash" not in created
    assert created["budget"] == {"usd": "2.50", "period": "monthly"} and created["status"] == "active"
    assert (created["aliases"], created["priority"], created["metadata"]) == (["smart"], 3, {"owner": "ci"})

    listed = {k["id"]: k for k in admin.get("/admin/keys").json()["data"]}
    assert "key" not in listed[created["id"]] and listed[created["id"]]["name"] == "ci-bot"
    mine = admin.get("/admin/keys", params={"team_id": team["id"]}).json()["data"]
    assert [k["id"] for k in mine] == [created["id"]]
    shown = admin.get(f"/admin/keys/{created['id']}").json()
    assert (shown["spend_usd"], shown["spend_period"]) == ("0.00", "monthly")
    assert shown["spend_since"] == datetime.now(UTC).strftime("%Y-%m-01T00:00:00Z")
    assert "key" not in shown

    change = {"name": "renamed", "rpm": None, "budget": {"usd": "1", "period": "weekly"}}
    patched = admin.patch(f"/admin/keys/{created['id']}", json=change)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["rpm"], patched.json()["tpm"]) == ("renamed", None, 1000)
    assert patched.json()["budget"] == {"usd": "1.00", "period": "weekly"}

    with oai(gw, secret) as client:
        assert client.chat.completions.create(model="smart", messages=HI).choices[0].message.content  # type: ignore[arg-type]
    rotated = admin.post(f"/admin/keys/{created['id']}/rotate")
    assert rotated.status_code == 200, rotated.text
    fresh = rotated.json()["key"]
    assert rotated.json()["id"] == created["id"] and fresh != secret and rotated.json()["name"] == "renamed"
    with oai(gw, secret) as client, pytest.raises(openai.AuthenticationError, match="Incorrect API key"):
        client.models.list()  # the old secret stops working at once on the gateway that rotated it
    with oai(gw, fresh) as client:
        assert [m.id for m in client.models.list()] == ["smart"]

    assert admin.patch(f"/admin/teams/{team['id']}", json={"tpm": 500}).json()["tpm"] == 500
    refused = admin.delete(f"/admin/teams/{team['id']}")
    assert refused.status_code == 409 and "1 key" in refused.json()["error"]["message"]

    revoked = admin.delete(f"/admin/keys/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    with oai(gw, fresh) as client, pytest.raises(openai.AuthenticationError, match="was revoked at"):
        client.models.list()
    gone = admin.delete(f"/admin/teams/{team['id']}")
    assert gone.status_code == 200 and gone.json() == {"id": team["id"], "object": "team", "deleted": True}
    assert admin.get(f"/admin/teams/{team['id']}").status_code == 404
    assert admin.get(f"/admin/keys/{created['id']}").json()["team_id"] is None  # detached, kept for the record


def test_admin_bodies_are_checked_and_errors_are_openai_shaped(admin: httpx.Client) -> None:
    odd = {"name": "x", "colour": "red", "budget": {"usd": "1", "period": "daily", "x": 1}}
    resp = admin.post("/admin/keys", json=odd)
    assert resp.status_code == 400
    message = resp.json()["error"]["message"]
    assert "unknown field 'colour'" in message and "unknown field 'budget.x'" in message
    assert resp.json()["error"]["type"] == "invalid_request_error"

    money = admin.post("/admin/teams", json={"name": "floats", "budget": {"usd": 10.5, "period": "daily"}})
    assert money.status_code == 400 and "as a string" in money.json()["error"]["message"]
    unknown = admin.post("/admin/keys", json={"name": "x", "aliases": ["smart", "gpt-9"]})
    assert unknown.status_code == 400 and "'gpt-9'" in unknown.json()["error"]["message"]
    assert "it serves: cheap, embed, smart" in unknown.json()["error"]["message"]
    past = admin.post("/admin/keys", json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 400 and "in the past" in past.json()["error"]["message"]
    broken = admin.post("/admin/keys", content=b"{nope", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]["message"]
    no_team = admin.post("/admin/keys", json={"name": "x", "team_id": "team_nope"})
    assert no_team.status_code == 400 and no_team.json()["error"]["param"] == "team_id"
    assert admin.post("/admin/teams", json={"name": "dup"}).status_code == 201
    assert admin.post("/admin/teams", json={"name": "dup"}).status_code == 409
    for path in ("/admin/keys/key_nope", "/admin/teams/team_nope"):
        missing = admin.get(path)
        assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]
    assert admin.post("/admin/keys/key_nope/rotate").status_code == 404
    assert admin.put("/admin/keys").status_code == 405


def test_the_admin_api_takes_the_master_key_or_an_admin_key(gw: Gateway, admin: httpx.Client) -> None:
    user = new_key(admin, name="user")["key"]
    boss = new_key(admin, name="boss", role="admin")["key"]
    assert httpx.get(gw.url + "/admin/keys").status_code == 401
    wrong = httpx.get(gw.url + "/admin/keys", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    denied = httpx.get(gw.url + "/admin/keys", headers={"Authorization": f"Bearer {user}"})
    assert denied.status_code == 403 and "role is 'user'" in denied.json()["error"]["message"]
    as_boss = httpx.post(gw.url + "/admin/keys", headers={"x-api-key": boss}, json={"name": "made-by-boss"})
    assert as_boss.status_code == 201, as_boss.text
    with oai(gw, boss) as client:  # an admin key is a key like any other on the doors
        assert {m.id for m in client.models.list()} == {"smart", "cheap", "embed"}


def test_a_key_works_with_the_openai_sdk_within_its_allow_list(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin, name="openai-app", aliases=["smart", "embed"])
    with oai(gw, key["key"]) as client:
        assert client.chat.completions.create(model="smart", messages=HI).choices[0].message.content  # type: ignore[arg-type]
        stream = client.chat.completions.create(model="smart", messages=HI, stream=True)  # type: ignore[arg-type]
        assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
        assert client.embeddings.create(model="embed", input="hello").data[0].embedding
        assert client.responses.create(model="smart", input="hi").output_text
        assert sorted(m.id for m in client.models.list()) == ["embed", "smart"]
        assert client.models.retrieve("smart").id == "smart"
        with pytest.raises(openai.NotFoundError):
            client.models.retrieve("cheap")  # absent, as from the list

        refusals = [
            lambda: client.chat.completions.create(model="cheap", messages=HI),  # type: ignore[arg-type]
            lambda: client.chat.completions.create(model="cheap", messages=HI, stream=True),  # type: ignore[arg-type]
            lambda: client.embeddings.create(model="cheap", input="hello"),
            lambda: client.responses.create(model="cheap", input="hi"),
            lambda: client.responses.create(model="cheap", input="hi", stream=True),
        ]
        for refuse in refusals:
            with pytest.raises(openai.PermissionDeniedError) as info:
                refuse()
            assert "may not use the model 'cheap'" in info.value.message
            assert "The models it may use: smart, embed." in info.value.message
            assert info.value.code == "permission_denied"


def test_a_key_works_with_the_anthropic_sdk_within_its_allow_list(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin, name="claude-app", aliases=["smart"])
    with claude(gw, key["key"]) as client:
        answer = client.messages.create(model="smart", max_tokens=8, messages=HI)  # type: ignore[arg-type]
        assert answer.content
        with client.messages.stream(model="smart", max_tokens=8, messages=HI) as stream:  # type: ignore[arg-type]
            assert "".join(stream.text_stream)
        assert client.messages.count_tokens(model="smart", messages=HI).input_tokens > 0  # type: ignore[arg-type]
        assert [m.id for m in client.models.list()] == ["smart"]
        for refuse in (
            lambda: client.messages.create(model="cheap", max_tokens=8, messages=HI),  # type: ignore[arg-type]
            lambda: client.messages.count_tokens(model="cheap", messages=HI),  # type: ignore[arg-type]
        ):
            with pytest.raises(anthropic.PermissionDeniedError) as info:
                refuse()
            assert "may not use the model 'cheap'" in info.value.message
            assert info.value.body["error"]["type"] == "permission_error"  # type: ignore[index]


def test_wrong_revoked_and_expired_keys_each_get_a_401_that_says_which(gw: Gateway, admin: httpx.Client) -> None:
    good = new_key(admin, name="soon-gone")
    forged = good["key"][:-8] + ("A" * 8 if not good["key"].endswith("A" * 8) else "B" * 8)
    for wrong in (forged, "fh_not-a-key", "sk-some-openai-key-1234"):
        with oai(gw, wrong) as client, pytest.raises(openai.AuthenticationError) as info:
            client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
        assert "Incorrect API key provided" in info.value.message and info.value.code == "invalid_api_key"

    admin.delete(f"/admin/keys/{good['id']}")
    with oai(gw, good["key"]) as client, pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(model="smart", messages=HI)  # type: ignore[arg-type]
    assert f"({good['id']}, 'soon-gone') was revoked at" in info.value.message and info.value.code == "key_revoked"
    with claude(gw, good["key"]) as client, pytest.raises(anthropic.AuthenticationError, match="was revoked at"):
        client.messages.create(model="smart", max_tokens=8, messages=HI)  # type: ignore[arg-type]

    ends = datetime.now(UTC) + timedelta(seconds=1.5)
    brief = new_key(admin, name="brief", expires_at=ends.isoformat())
    with oai(gw, brief["key"]) as client:
        assert client.models.list().data
        time.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 0.05)
        with pytest.raises(openai.AuthenticationError) as info:
            client.models.list()
    assert "expired at" in info.value.message and info.value.code == "key_expired"
    assert admin.get(f"/admin/keys/{brief['id']}").json()["status"] == "expired"

    no_key = httpx.post(gw.base_url + "/chat/completions", json={"model": "smart", "messages": HI})
    assert no_key.status_code == 401 and "Missing API key" in no_key.json()["error"]["message"]


def test_an_expired_key_can_be_extended(gw: Gateway, admin: httpx.Client) -> None:
    key = new_key(admin, name="extend-me", expires_at=(datetime.now(UTC) + timedelta(seconds=1)).isoformat())
    time.sleep(1.1)
    with oai(gw, key["key"]) as client:
        with pytest.raises(openai.AuthenticationError, match="expired at"):
            client.models.list()
        later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert admin.patch(f"/admin/keys/{key['id']}", json={"expires_at": later}).json()["status"] == "active"
        assert client.models.list().data
