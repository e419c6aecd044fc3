"""Placeholders for one request: the same value always gets the same ``<EMAIL_1>``, and back.

The mapping (``Pseudonyms``) is made in the privacy stage's ``before`` and lives in the request's
``ctx.stage_state`` until the answer has been restored: never sent, logged or put in an error.
Its ``repr`` shows only how many placeholders it holds.

A placeholder is ``<CATEGORY_N>``: no quote, backslash or space, so it can stand inside a JSON
string (tool-call arguments) and be matched whole in any text; numbers count per category from
1 in the order values first appear in the request (system prompt, then each message in turn), so
a conversation the client sends back again with the real values restored gets the same
placeholders again for the values it already had. A number whose placeholder the client's own
text already contains is skipped: restoring the answer must never turn the client's literal
``<EMAIL_1>`` into a value.
"""

from __future__ import annotations

import re
from typing import Final

import orjson

from freehold.privacy.spans import Category

__all__ = ["PLACEHOLDER", "Pseudonyms", "Table", "marker"]

PLACEHOLDER: Final = re.compile(r"<[A-Z][A-Z_]*_[0-9]+>")
"""Anything shaped like a placeholder (those a table does not know are left as they are)."""


def marker(category: Category) -> str:
    """What ``redact`` leaves in place of a value: ``[EMAIL]`` (irreversible)."""
    return f"[{category}]"


class Pseudonyms:
    """One request's values and their placeholders, assigned as the request is walked."""

    __slots__ = ("_by_value", "_next", "_taken", "values")

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()) -> None:
        """``taken``: placeholder-shaped strings the request already contains (never assigned)."""
        self._taken = taken
        self._by_value: dict[tuple[Category, str], str] = {}
        self._next: dict[Category, int] = {}
        self.values: dict[str, str] = {}
        """Placeholder → the value it stands for."""

    def __repr__(self) -> str:
        return f"<Pseudonyms: {len(self.values)} placeholder(s)>"  # never the values

    def __len__(self) -> int:
        return len(self.values)

    def placeholder(self, category: Category, value: str) -> str:
        found = self._by_value.get((category, value))
        if found is not None:
            return found
        n = self._next.get(category, 0)
        while True:
            n += 1
            name = f"<{category}_{n}>"
            if name not in self._taken:
                break
        self._next[category] = n
        self._by_value[(category, value)] = name
        self.values[name] = value
        return name

    def table(self) -> Table:
        return Table(self.values)


class Table:
    """What restoring needs.

    Each placeholder's value (plain, and escaped for inside a JSON string), and every proper
    prefix of a placeholder, to know what a stream must hold back.
    """

    __slots__ = ("escaped", "longest", "prefixes", "values")

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.escaped = {name: orjson.dumps(value).decode()[1:-1] for name, value in values.items()}
        self.prefixes = frozenset(name[:k] for name in values for k in range(1, len(name)))
        self.longest = max((len(name) for name in values), default=0)

    def __repr__(self) -> str:
        return f"<Table: {len(self.values)} placeholder(s)>"

    def restore(self, text: str, escaped: bool = False) -> str:
        """``text`` with each known placeholder replaced by its value (JSON-escaped with ``escaped``)."""
        if "<" not in text:
            return text
        table = self.escaped if escaped else self.values
        return PLACEHOLDER.sub(lambda m: table.get(m[0], m[0]), text)
