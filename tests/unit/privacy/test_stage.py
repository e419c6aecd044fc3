"""The privacy stage on canonical requests, with the temporary detector and a fake one for other categories."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
import pytest

from freehold.bootstrap import privacy_stage
from freehold.config.load import parse_config
from freehold.config.privacy import PoliciesSection
from freehold.context import Principal, RequestContext
from freehold.errors import ConfigError, LocalOnlyUnavailable, PermissionDenied, PrivacyBlocked
from freehold.governance.model import Key, Team
from freehold.privacy.detectors import build_detector
from freehold.privacy.spans import Category, Span
from freehold.privacy.stage import PrivacyStage
from freehold.schemas.chat import ChatRequest, EmbeddingsRequest

EMAIL, OTHER = "ann@example.com", "bob@example.org"
SECRET = "sk-live_abcdefghijklmnopqrstuvwxyz012345"
PHONE = "+44 20 7946 0958"
SIM = {"provider": "simulated", "model": "s"}


class Names:
    """A fake detector for a category the temporary one lacks: capitalised words from a list."""

    def __init__(self, names: list[str]) -> None:
        self.pattern = re.compile("|".join(names))

    def detect(self, text: str) -> list[Span]:
        person: Category = "PERSON"
        return [Span(m.start(), m.end(), person, 0.9) for m in self.pattern.finditer(text)]


class Both:
    def __init__(self, *detectors: Any) -> None:
        self.detectors = detectors

    def detect(self, text: str) -> list[Span]:
        return sorted((s for d in self.detectors for s in d.detect(text)), key=lambda s: s.start)


def regexes() -> Any:
    return build_detector(parse_config({"aliases": {"a": {"deployments": [SIM]}}}).privacy.detection)


def stage(detector: Any = None, local: frozenset[str] = frozenset(), **policies: Any) -> PrivacyStage:
    section = PoliciesSection(**policies)
    return PrivacyStage(section, detector or regexes(), local, {"a": bool(local)})


def conversation() -> dict[str, Any]:
    return {
        "model": "a",
        "messages": [
            {"role": "system", "content": f"The user is {EMAIL}."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": f"Mail {EMAIL} and {OTHER}"},
                    {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                ],
            },  # fmt: skip
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "t1",
                        "type": "function",
                        "function": {"name": "send", "arguments": json.dumps({"to": [EMAIL, PHONE], "n": 2})},
                    }
                ],
            },  # fmt: skip
            {"role": "tool", "tool_call_id": "t1", "content": f"sent to {OTHER}"},
        ],
    }


async def run(s: PrivacyStage, body: dict[str, Any], ctx: RequestContext | None = None) -> RequestContext:
    ctx = ctx or RequestContext("chat_completions", "chat")
    await s.before(ctx, ChatRequest(body, body["model"], False))
    return ctx


async def test_pseudonymize_every_text_consistently() -> None:
    body = conversation()
    ctx = await run(stage(default="pseudonymize"), body)
    sent = orjson.dumps(body).decode()
    assert EMAIL not in sent and OTHER not in sent and PHONE not in sent
    m = body["messages"]
    assert m[0]["content"] == "The user is <EMAIL_1>."
    assert m[1]["content"][0]["text"] == "Mail <EMAIL_1> and <EMAIL_2>"
    assert json.loads(m[2]["tool_calls"][0]["function"]["arguments"]) == {"to": ["<EMAIL_1>", "<PHONE_1>"], "n": 2}
    assert m[3]["content"] == "sent to <EMAIL_2>"
    assert ctx.stage_state("privacy") == {
        "policy": "pseudonymize", "categories": {"EMAIL": 5, "PHONE": 1}, "action": "pseudonymize"
    }  # fmt: skip
    assert ctx.headers == [(b"x-freehold-privacy", b"pseudonymize; EMAIL=5, PHONE=1")]
    assert ctx.decisions is not None and EMAIL not in repr(ctx.decisions)
    assert EMAIL not in repr(ctx.stage_state("privacy"))


async def test_the_answer_is_restored_whole() -> None:
    s = stage(default="pseudonymize")
    ctx = await run(s, conversation())

    class Result:
        body = orjson.dumps({"choices": [{"message": {"content": "Done: <EMAIL_2>, <EMAIL_1>, <EMAIL_9>"}}]})

    class Answer:
        result = Result()

    answer = Answer()
    await s.after(ctx, answer)
    assert orjson.loads(answer.result.body)["choices"][0]["message"]["content"] == f"Done: {OTHER}, {EMAIL}, <EMAIL_9>"
    assert s.streams(ctx)


async def test_placeholders_the_client_wrote_are_not_reused() -> None:
    body = {"model": "a", "messages": [{"role": "user", "content": f"literal <EMAIL_1> then {EMAIL}"}]}
    await run(stage(default="pseudonymize"), body)
    assert body["messages"][0]["content"] == "literal <EMAIL_1> then <EMAIL_2>"


async def test_block_names_categories_and_counts_never_values() -> None:
    body = {"model": "a", "messages": [{"role": "user", "content": f"key {SECRET} mail {EMAIL}"}]}
    before = orjson.dumps(body)
    with pytest.raises(PrivacyBlocked) as caught:
        await run(
            stage(definitions={"p": {"action": "pseudonymize", "categories": {"SECRET": "block"}}}, default="p"), body
        )
    err = caught.value
    assert err.status == 400 and err.code == "pii_blocked"
    assert "SECRET=1" in err.message and "EMAIL" not in err.message and SECRET not in err.message
    assert orjson.dumps(body) == before  # nothing rewritten


async def test_redact_is_irreversible_and_allow_leaves_values() -> None:
    body = {"model": "a", "messages": [{"role": "user", "content": f"{EMAIL} {PHONE}"}]}
    s = stage(definitions={"p": {"action": "redact", "categories": {"PHONE": "allow"}}}, default="p")
    ctx = await run(s, body)
    assert body["messages"][0]["content"] == f"[EMAIL] {PHONE}"
    assert not s.streams(ctx)  # nothing to restore: the fast path
    assert ctx.headers == [(b"x-freehold-privacy", b"redact; EMAIL=1, PHONE=1")]


async def test_per_category_actions_with_another_detector() -> None:
    detector = Both(regexes(), Names(["Ada Lovelace"]))
    body = {"model": "a", "messages": [{"role": "user", "content": f"Ada Lovelace, {EMAIL}, Ada Lovelace"}]}
    policy = {"action": "allow", "categories": {"PERSON": "pseudonymize", "EMAIL": "redact"}}
    await run(stage(detector, definitions={"p": policy}, default="p"), body)
    assert body["messages"][0]["content"] == "<PERSON_1>, [EMAIL], <PERSON_1>"


async def test_local_only_restricts_to_local_deployments_with_a_reason() -> None:
    class P:
        def __init__(self, name: str) -> None:
            self.name = name

    body = {"model": "a", "messages": [{"role": "user", "content": EMAIL}]}
    ctx = await run(stage(local=frozenset({"home"}), default="local_only"), body)
    assert body["messages"][0]["content"] == EMAIL  # the value stays, and stays home
    assert ctx.deployments is not None
    assert ctx.deployments(P("home")) and not ctx.deployments(P("cloud"))  # type: ignore[arg-type]
    assert "only on local deployments" in ctx.restricted_by and EMAIL not in ctx.restricted_by
    clean = await run(stage(local=frozenset({"home"}), default="local_only"), {"model": "a", "messages": []})
    assert clean.deployments is None  # nothing found: any deployment


async def test_local_only_without_a_local_deployment_is_refused() -> None:
    body = {"model": "a", "messages": [{"role": "user", "content": EMAIL}]}
    with pytest.raises(LocalOnlyUnavailable) as caught:
        await run(stage(default="local_only"), body)
    assert caught.value.status == 503 and EMAIL not in caught.value.message


async def test_precedence_key_over_team_over_alias_over_default() -> None:
    s = stage(default="allow", aliases={"a": "redact"}, teams={"team1": "block"}, keys={"key2": "pseudonymize"})
    team = Team("team1", "t")

    def ctx_for(key: Key | None, team: Team | None = None) -> RequestContext:
        return RequestContext("chat_completions", "chat", principal=Principal("p", "key", key=key, team=team))

    def body() -> dict[str, Any]:
        return {"model": "a", "messages": [{"role": "user", "content": EMAIL}]}

    b = body()
    await run(s, b)
    assert b["messages"][0]["content"] == "[EMAIL]"  # alias
    with pytest.raises(PrivacyBlocked):
        await run(s, body(), ctx_for(Key("key1", "k", "h", "x", team_id="team1"), team))  # team
    b = body()
    await run(s, b, ctx_for(Key("key2", "k", "h", "x", team_id="team1"), team))  # key table over team
    assert b["messages"][0]["content"] == "<EMAIL_1>"
    b = body()
    meta = Key("key2", "k", "h", "x", metadata={"privacy_policy": "allow"})
    await run(s, b, ctx_for(meta))  # the key's own metadata over the keys table
    assert b["messages"][0]["content"] == EMAIL
    with pytest.raises(PermissionDenied, match="privacy policy 'nope'"):
        await run(s, body(), ctx_for(Key("key3", "k", "h", "x", metadata={"privacy_policy": "nope"})))


async def test_embeddings_input_is_covered() -> None:
    body = {"model": "a", "input": [f"about {EMAIL}", [1, 2, 3], "plain"]}
    ctx = RequestContext("embeddings", "embeddings")
    await stage(default="pseudonymize").before(ctx, EmbeddingsRequest(body, "a"))
    assert body["input"] == ["about <EMAIL_1>", [1, 2, 3], "plain"]


async def test_invalid_json_arguments_are_one_text() -> None:
    body = {"model": "a", "messages": [{"role": "assistant", "tool_calls": [
        {"id": "t", "type": "function", "function": {"name": "f", "arguments": f"not json {EMAIL}"}}]}]}  # fmt: skip
    await run(stage(default="pseudonymize"), body)
    assert body["messages"][0]["tool_calls"][0]["function"]["arguments"] == "not json <EMAIL_1>"


# --- the config ------------------------------------------------------------------------------------------


def config(policies: dict[str, Any], local: bool = False) -> dict[str, Any]:
    return {"privacy": {"policies": policies}, "aliases": {"a": {"deployments": [{**SIM, "local": local}]}}}


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        (
            {"definitions": {"p": {"categories": {"EMAL": "block"}}}},
            "privacy.policies.definitions.p: categories.EMAL: unknown category",
        ),
        ({"definitions": {"p": {"action": "hide"}}}, "privacy.policies.definitions.p: action: unknown action 'hide'"),
        ({"definitions": {"p": {"categories": {"EMAIL": "hide"}}}}, "categories.EMAIL: unknown action 'hide'"),
        ({"definitions": {"p": {"unscanned": "warn"}}}, "definitions.p: unscanned: 'warn' is not allowed"),
        ({"default": "strict"}, "privacy.policies: default: unknown policy 'strict'"),
        ({"keys": {"k1": "strict"}}, "keys.k1: unknown policy 'strict'"),
        ({"definitions": {"block": {}}}, "definitions.block: 'block' is a built-in policy"),
        (
            {"aliases": {"a": "local_only"}},
            "privacy.policies.aliases.a: policy 'local_only' may allow a request only on local",
        ),
        ({"aliases": {"b": "redact"}}, "privacy.policies.aliases.b: 'b' is not an alias"),
    ],
)
def test_config_mistakes_name_their_key(policies: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config(policies))
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_the_stage_is_built_only_when_a_policy_is_configured(caplog: pytest.LogCaptureFixture) -> None:
    assert privacy_stage(parse_config(config({}))) is None
    assert privacy_stage(parse_config(config({"aliases": {"a": "local_only"}}, local=True))) is not None
    assert privacy_stage(parse_config(config({"default": "local_only"}))) is not None
    assert "these aliases have none" in caplog.text
