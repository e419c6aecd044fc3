"""What makes two requests the same request: the normalized body, the alias served, the scope.

The key hashes everything that can change the answer — the alias as served (after routing),
the messages, tools, tool_choice, response_format, sampling parameters (temperature, top_p,
seed, max_tokens, stop, ...) — and drops what cannot: ``stream`` and ``stream_options`` (a
stream and a whole answer are the same answer, rendered differently), ``user`` and ``metadata``
(labels for the vendor's logs), ``store`` and ``service_tier``. Keys are sorted before hashing,
so the order of a body's fields does not matter; the order of messages and tools does.

The scope is part of the key: a key's answers are its own (``scope: key``), or its team's
(``scope: team``); the master key and anonymous requests are scopes of their own.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from freehold.context import RequestContext

__all__ = ["IGNORED", "cacheable", "exact_key", "partition_key", "scope_of"]

IGNORED = frozenset({"stream", "stream_options", "user", "metadata", "store", "service_tier", "model"})
"""Body fields that do not change the answer (``model`` is hashed as the alias served instead)."""


def scope_of(ctx: RequestContext, per: str) -> str:
    """The principal's cache scope: ``key:<id>``, ``team:<id>``, ``master`` or ``anonymous``."""
    principal = ctx.principal
    key = principal.key
    if key is None:
        return principal.kind
    team = principal.team
    if per == "team" and team is not None:
        return f"team:{team.id}"
    return f"key:{key.id}"


def cacheable(body: dict[str, Any], tools: bool) -> str:
    """Why a request is not cached ('' when it may be).

    ``n`` > 1 asks for several samples (a replay would repeat one set of them); tools are
    excluded unless the alias allows them, since a cached call may be acted on twice; so are
    requests for ``logprobs``, which an assembled stream does not keep.
    """
    n = body.get("n")
    if n is not None and n != 1:
        return "n > 1"
    if not tools and (body.get("tools") or body.get("functions")):
        return "tools"
    if body.get("logprobs"):
        return "logprobs"  # a stream's replay could not carry them
    return ""


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _normalized(body: dict[str, Any], drop: frozenset[str]) -> bytes:
    return orjson.dumps({k: v for k, v in body.items() if k not in drop}, option=orjson.OPT_SORT_KEYS)


def exact_key(operation: str, alias: str, scope: str, body: dict[str, Any]) -> str:
    """The exact cache's key for a request body (raises ``TypeError`` for bodies orjson cannot sort)."""
    return _digest(operation.encode(), alias.encode(), scope.encode(), _normalized(body, IGNORED))


def partition_key(alias: str, scope: str, body: dict[str, Any]) -> str:
    """The semantic index a request is compared in: everything but the last message must match exactly.

    Only the last user message is embedded and compared; the conversation before it, the tools
    and the sampling parameters are hashed here, so that a paraphrase matches only in the same
    context.
    """
    messages = body.get("messages")
    head = messages[:-1] if isinstance(messages, list) else messages
    rest = {k: v for k, v in body.items() if k not in IGNORED and k != "messages"}
    rest["messages"] = head
    return _digest(b"semantic", alias.encode(), scope.encode(), orjson.dumps(rest, option=orjson.OPT_SORT_KEYS))


def last_user_text(body: dict[str, Any]) -> str | None:
    """The text of the last message when it is the user's (string or text parts); None otherwise."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return None
    last = messages[-1]
    if not isinstance(last, dict) or last.get("role") != "user":
        return None
    content = last.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                return None  # images, audio: not compared by text
            texts.append(part["text"])
        return "\n".join(texts)
    return None
