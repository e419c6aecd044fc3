"""Putting the real values back into an answer: whole, or as a stream arrives.

A stream may cut a placeholder anywhere (``<EM`` | ``AIL_1>``), in the text or inside a tool
call's arguments. ``TextRestorer`` holds back only a suffix that could still become a
placeholder this request knows (``<``, ``<EM``, ``<EMAIL_`` …, never longer than the longest
placeholder less one character) and releases text as soon as it cannot; ``flush`` gives what is
held when the field ends. Whatever the chunking, the concatenated output equals restoring the
whole text at once (a property test checks it): a placeholder contains ``<`` only as its first
character, so a held suffix never splits one, and one still incomplete always starts inside
the held suffix.

``StreamRestorer`` applies that to canonical ``chat.completion.chunk`` objects: one restorer per
choice and field (``content``, ``refusal``, ``reasoning_content``, and each tool call's
``arguments`` by index, whose values are restored JSON-escaped so that the arguments stay valid
JSON). Held text is released, in order, in chunks of its own: before a chunk that moves the
choice to another field (text → a tool call, tool call 0 → 1), before the choice's finish
(split from the chunk that carries it), before a usage-only chunk, and at the end of the stream.
A chunk whose only text was held back is not sent.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any, Final

from freehold.privacy.pseudonymize import Table

__all__ = ["StreamRestorer", "TextRestorer", "restore_answer"]

_TEXT_FIELDS: Final = ("content", "refusal", "reasoning_content")
_TEXT_KEYS: Final[frozenset[str]] = frozenset(_TEXT_FIELDS)
_BASE_KEYS: Final = ("id", "object", "created", "model", "system_fingerprint", "service_tier")
Field = str | int
"""A text field's name, or a tool call's index."""


class TextRestorer:
    """Restores one streamed field; ``held`` is the suffix that may still be a placeholder's start."""

    __slots__ = ("_escaped", "_table", "held")

    def __init__(self, table: Table, escaped: bool = False) -> None:
        self._table = table
        self._escaped = escaped
        self.held = ""

    def feed(self, text: str) -> str:
        """The restored text that can go out now; the rest is held."""
        buf = self.held + text if self.held else text
        if "<" not in buf:
            self.held = ""
            return buf
        table = self._table
        prefixes = table.prefixes
        # Only a '<' within the last (longest - 1) characters can start an incomplete placeholder.
        i = buf.find("<", max(0, len(buf) - table.longest + 1))
        while i != -1 and buf[i:] not in prefixes:
            i = buf.find("<", i + 1)
        if i == -1:
            self.held = ""
        else:
            self.held, buf = buf[i:], buf[:i]
        return table.restore(buf, self._escaped)

    def flush(self) -> str:
        """What is held, as it is (the field ended: it was no placeholder)."""
        held, self.held = self.held, ""
        return held


def restore_answer(body: dict[str, Any], table: Table) -> bool:
    """Restore a whole ``chat.completion`` in place: message text, refusals, tool-call arguments.

    Returns whether anything changed.
    """
    changed = False
    for choice in body.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        for field in _TEXT_FIELDS:
            value = message.get(field)
            if isinstance(value, str) and "<" in value:
                restored = table.restore(value)
                changed |= restored != value
                message[field] = restored
        calls = message.get("tool_calls")
        functions = [c.get("function") for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []
        functions.append(message.get("function_call"))
        for function in functions:
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                args = function["arguments"]
                restored = table.restore(args, escaped=True)
                changed |= restored != args
                function["arguments"] = restored
    return changed


class StreamRestorer:
    """One stream's restoration, chunk by chunk (see the module docstring)."""

    __slots__ = ("_fields", "_holding", "_last", "_table", "held_chunks")

    def __init__(self, table: Table) -> None:
        self._table = table
        self._fields: dict[tuple[int, Field], TextRestorer] = {}
        self._holding: set[tuple[int, Field]] = set()
        """The fields holding text back now (most of the time none: nothing to flush or look at)."""
        self._last: dict[str, Any] = {"object": "chat.completion.chunk"}
        self.held_chunks = 0
        """Chunks that carried only held-back text and were not sent (their text went out later)."""

    def on_chunk(self, chunk: dict[str, Any]) -> list[dict[str, Any]]:
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices:
            return [*self.flush(), chunk] if self._holding else [chunk]  # a usage-only chunk: after every text
        self._last = chunk
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        trimmed = False
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            i = choice.get("index", 0)
            i = i if isinstance(i, int) else 0
            delta = choice.get("delta")
            if isinstance(delta, dict):
                trimmed |= self._delta(i, delta, before)
            finish = choice.get("finish_reason")
            if finish is not None and self._holding:
                held = self._flush_choice(i)
                if held:
                    # The held text goes out before the finish: split the finish into a chunk of its own.
                    choice["finish_reason"] = None
                    ending = self._chunk(i, {}, finish)
                    if "usage" in chunk:
                        ending["usage"] = chunk.pop("usage")
                    after += [*held, ending]
                    trimmed = True  # what is left of the chunk may now say nothing
        if trimmed and _empty(chunk):
            self.held_chunks += 1
            return [*before, *after]
        return [*before, chunk, *after]

    def _delta(self, i: int, delta: dict[str, Any], before: list[dict[str, Any]]) -> bool:
        """Restore one choice's delta in place; returns whether text was held back."""
        trimmed = False
        calls = delta.get("tool_calls")
        if isinstance(calls, list) and calls:
            if self._holding:
                current = {c.get("index") for c in calls if isinstance(c, dict)}
                before += self._flush_choice(i, keep=current)  # the text, and earlier tool calls, end here
            for call in calls:
                function = call.get("function") if isinstance(call, dict) else None
                k = call.get("index") if isinstance(call, dict) else None
                if isinstance(function, dict) and isinstance(k, int) and isinstance(function.get("arguments"), str):
                    args = function["arguments"]
                    function["arguments"] = out = self._feed(i, k, args)
                    trimmed |= bool(args) and not out
        for field in _TEXT_FIELDS:
            value = delta.get(field)
            if value.__class__ is str and value:
                if self._holding and not calls:
                    before += self._flush_choice(i, keep=_TEXT_KEYS)  # a tool call's arguments end here
                delta[field] = out = self._feed(i, field, value)
                trimmed |= not out
        return trimmed

    def _feed(self, i: int, field: Field, text: str) -> str:
        key = (i, field)
        restorer = self._fields.get(key)
        if restorer is None:
            if "<" not in text:
                return text  # nothing held, nothing to restore: no restorer needed yet
            restorer = self._fields[key] = TextRestorer(self._table, escaped=isinstance(field, int))
        out = restorer.feed(text)
        if restorer.held:
            self._holding.add(key)
        else:
            self._holding.discard(key)
        return out

    def _flush_choice(self, i: int, keep: AbstractSet[Any] | None = None) -> list[dict[str, Any]]:
        out = []
        for key in sorted(self._holding, key=_order):
            choice, field = key
            if choice != i or (keep is not None and field in keep):
                continue
            self._holding.discard(key)
            held = self._fields[key].flush()
            if isinstance(field, int):
                out.append(self._chunk(i, {"tool_calls": [{"index": field, "function": {"arguments": held}}]}))
            else:
                out.append(self._chunk(i, {field: held}))
        return out

    def flush(self) -> list[dict[str, Any]]:
        """Every held text, in chunks of its own (the stream ended, or a usage-only chunk came)."""
        choices = sorted({i for i, _ in self._holding})
        return [chunk for i in choices for chunk in self._flush_choice(i)]

    def _chunk(self, i: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        """A chunk of its own for released text, with the stream's id, model and so on."""
        last = self._last
        base: dict[str, Any] = {k: last[k] for k in _BASE_KEYS if k in last}
        return {**base, "choices": [{"index": i, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def _order(key: tuple[int, Field]) -> tuple[int, int, str]:
    """Text fields before tool calls, tool calls by index."""
    choice, field = key
    return (choice, 1, f"{field:09d}") if isinstance(field, int) else (choice, 0, field)


def _empty(chunk: dict[str, Any]) -> bool:
    """The chunk says nothing once its held-back text is out: no text, no finish, no usage, no role."""
    if chunk.get("usage"):
        return False
    for choice in chunk["choices"]:
        if not isinstance(choice, dict) or choice.get("finish_reason") is not None or choice.get("logprobs"):
            return False
        for key, value in (choice.get("delta") or {}).items():
            if key == "tool_calls" and isinstance(value, list):
                if not all(_empty_call(c) for c in value):
                    return False
            elif value not in ("", None):
                return False
    return True


def _empty_call(call: object) -> bool:
    if not isinstance(call, dict):
        return False
    for key, value in call.items():
        if key == "function" and isinstance(value, dict):
            if any(v not in ("", None) for v in value.values()):
                return False
        elif key != "index" and value is not None:
            return False
    return True
