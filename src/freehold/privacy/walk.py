"""Every text of a canonical request a policy must see, each with a way to write it back.

Chat (every door decodes to this shape): each message's string content (system and developer
prompts, user turns, assistant turns, tool results), the ``text`` and ``refusal`` of multi-part
content, an assistant's ``refusal``, and its tool calls' ``arguments`` (and the legacy
``function_call``). Arguments are JSON text: each string value inside them is a text of its own
(keys are left alone) and the arguments are re-encoded only when one changed, so they stay valid
JSON; arguments that are not a JSON object or array are one text. Embeddings: ``input`` (a
string or strings; token arrays are opaque and pass as they are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["Slot", "chat_slots", "embeddings_slots"]


@dataclass(slots=True)
class Slot:
    """One text of the request; ``write`` puts a new one in its place (then call the walk's ``commit``)."""

    text: str
    write: Callable[[str], None]


class Texts:
    """The slots of one request, and the tool-call arguments to re-encode once their values changed."""

    __slots__ = ("_json", "slots")

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self._json: list[tuple[dict[str, Any], Any, list[bool]]] = []

    def commit(self) -> None:
        """Re-encode the JSON arguments one of whose values was rewritten."""
        for function, parsed, dirty in self._json:
            if dirty[0]:
                function["arguments"] = orjson.dumps(parsed).decode()

    def _item(self, owner: Any, key: Any, dirty: list[bool] | None = None) -> None:
        def write(text: str) -> None:
            owner[key] = text
            if dirty is not None:
                dirty[0] = True

        self.slots.append(Slot(owner[key], write))

    def _content(self, owner: dict[str, Any], key: str) -> None:
        value = owner.get(key)
        if isinstance(value, str):
            if value:
                self._item(owner, key)
        elif isinstance(value, list):
            for part in value:
                if isinstance(part, dict):
                    for field in ("text", "refusal"):
                        if isinstance(part.get(field), str) and part[field]:
                            self._item(part, field)

    def _arguments(self, function: object) -> None:
        if not isinstance(function, dict) or not isinstance(function.get("arguments"), str):
            return
        raw = function["arguments"]
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict | list):
            if raw:
                self._item(function, "arguments")
            return
        dirty = [False]
        for owner, key in _strings(parsed):
            self._item(owner, key, dirty)
        self._json.append((function, parsed, dirty))


def _strings(value: Any, depth: int = 0) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every non-empty string value in parsed JSON (the doors bound its depth)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            if item:
                yield value, key
        elif isinstance(item, dict | list) and depth < 256:
            yield from _strings(item, depth + 1)


def chat_slots(body: dict[str, Any]) -> Texts:
    texts = Texts()
    messages = body.get("messages")
    if not isinstance(messages, list):
        return texts
    for message in messages:
        if not isinstance(message, dict):
            continue
        texts._content(message, "content")
        if isinstance(message.get("refusal"), str) and message["refusal"]:
            texts._item(message, "refusal")
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict):
                    texts._arguments(call.get("function"))
        texts._arguments(message.get("function_call"))
    return texts


def embeddings_slots(body: dict[str, Any]) -> Texts:
    texts = Texts()
    value = body.get("input")
    if isinstance(value, str):
        if value:
            texts._item(body, "input")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str) and item:
                texts._item(value, i)
    return texts
