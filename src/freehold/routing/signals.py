"""What routing rules look at, worked out once per request and only when a rule asks.

``Facts`` wraps a request: its principal (key, team, their metadata), its tags (the
``x-freehold-metadata-*`` headers), its estimated prompt tokens, whether it offers tools or carries
images, what the privacy stage found, and the budget share its key or team has used. Each is
computed on first use, so a rule on the team costs a set lookup, and the budget share (a counter
read) is asked only when every cheaper condition of its rule already holds.

``BudgetShares`` keeps budget shares for ``ttl`` seconds per key: a routing rule may see a share
up to that old, which is the price of not reading a counter on every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from freehold.context import RequestContext
from freehold.governance.model import Key, Team
from freehold.usage import estimate_prompt_tokens

__all__ = ["PROMPT_CHARS", "BudgetShares", "Facts", "ShareReader", "prompt_text"]

log = logging.getLogger("freehold.routing")

PROMPT_CHARS = 8000
"""The most characters of the last user message a difficulty scorer sees (its head)."""
_IMAGE_PARTS = frozenset({"image_url", "image", "input_image"})

ShareReader = Callable[[Key, Team | None], Awaitable[float | None]]
"""The larger budget share the key or its team has spent this period (None: no budget applies)."""


class BudgetShares:
    """Budget shares per key, read through ``reader`` at most once per ``ttl`` seconds."""

    def __init__(self, reader: ShareReader, ttl: float = 1.0) -> None:
        self._reader = reader
        self._ttl = ttl
        self._cache: dict[str, tuple[float | None, float]] = {}
        self._failing = False

    async def share(self, key: Key, team: Team | None) -> float | None:
        now = time.monotonic()
        found = self._cache.get(key.id)
        if found is not None and now < found[1]:
            return found[0]
        try:
            value = await self._reader(key, team)
        except Exception as exc:  # counters unreachable: the rule does not match (budgets themselves fail closed)
            if not self._failing:
                log.warning("routing: budget shares unreadable, budget rules do not match meanwhile: %s", exc)
            self._failing = True
            value = None
        else:
            self._failing = False
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key.id] = (value, now + self._ttl)
        return value


def prompt_text(body: dict[str, Any]) -> str:
    """The text a difficulty scorer scores: the last user message's text, its first ``PROMPT_CHARS`` characters.

    Routers are trained on single prompts, so the system prompt and earlier turns (often the same
    boilerplate across requests) are left out: the question being asked now decides.
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content[:PROMPT_CHARS]
        if isinstance(content, list):
            texts = [p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
            return "\n".join(texts)[:PROMPT_CHARS]
        return ""
    return ""


class Facts:
    """One request as rules see it; each fact is worked out on first use."""

    __slots__ = ("_images", "_shares", "_tokens", "body", "ctx")

    def __init__(self, ctx: RequestContext, body: dict[str, Any], shares: BudgetShares | None) -> None:
        self.ctx = ctx
        self.body = body
        self._shares = shares
        self._tokens: int | None = None
        self._images: bool | None = None

    @property
    def key(self) -> Key | None:
        return self.ctx.principal.key

    @property
    def team(self) -> Team | None:
        return self.ctx.principal.team

    def key_field(self, name: str) -> str | None:
        """A field of the key's metadata, else of its team's, as text."""
        for record in (self.key, self.team):
            if record is not None and name in record.metadata:
                value = record.metadata[name]
                return value if isinstance(value, str) else str(value)
        return None

    def tag(self, name: str) -> str | None:
        tags = self.ctx.metadata
        return tags.get(name) if tags else None

    @property
    def prompt_tokens(self) -> int:
        if self._tokens is None:
            self._tokens = estimate_prompt_tokens(self.body)
        return self._tokens

    @property
    def has_tools(self) -> bool:
        return bool(self.body.get("tools") or self.body.get("functions"))

    @property
    def has_images(self) -> bool:
        if self._images is None:
            self._images = _has_images(self.body)
        return self._images

    def privacy(self) -> tuple[dict[str, int], set[str]]:
        """What the privacy stage found (category → count) and the actions it took; empty when it did not scan."""
        state = self.ctx.state
        found = state.get("privacy") if state is not None else None
        if not found:
            return {}, set()
        action = found.get("action") or "none"
        return found.get("categories") or {}, set(action.split("+"))

    async def budget_share(self) -> float | None:
        key = self.key
        if key is None or self._shares is None:
            return None
        return await self._shares.share(key, self.team)


def _has_images(body: dict[str, Any]) -> bool:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return False
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") in _IMAGE_PARTS:
                    return True
    return False
