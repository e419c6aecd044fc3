"""Where a value sits in a document's layout: under an indented parent, in a two-column table, in a listing.

Tool output and config files say what a value is by where they put it, not by an operator beside it:
``vault kv get`` prints ``sftp_password          n2m2…`` in aligned columns; Rails nests
``primary_key:`` under ``active_record_encryption:``; ``vault list`` prints names under ``Keys`` and a
rule. The secret finder asks these questions only of a candidate its own reading left open.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["aligned_value", "in_listing", "key_of", "parent_name", "sealed", "under_credentials"]

_PARENT_REACH: Final = 60  # lines walked up to the parent: a block of a few dozen keys
# A value in the second column, alone on its line; its name was the line's first word.
_ALIGNED: Final = re.compile(r"[ \t]{2,}(?P<value>[^\s'\"`<>]{4,2000})[ \t]*(?=\r?\n|\Z)")
_TWO_COLUMNS: Final = re.compile(r"[ \t]*[\w.-]+[ \t]{2,}\S+[ \t]*")
_LISTING: Final = "keys\n---"  # ``vault list``'s heading and rule (lower-cased)
# A parent that makes its children's keys and salts credentials: ``active_record_encryption:`` over
# ``primary_key:`` (Rails), ``jwt:`` over ``key:``; under anything else a ``primary_key`` is a table's.
_CREDENTIAL_PARENT: Final = re.compile(r"encrypt|secret|credential|crypt|cipher|signing|jwt|keyring|keys$", re.I)




def key_of(text: str, start: int) -> str | None:
    """The name of the key whose value starts at ``start``, or None.

    JSON (``"created_at": 1715…``, also JSON-escaped inside a tool result's string), YAML or an env file
    (``order_id: 5893…``): a key of up to 60 characters (61 bare), spaces, ``:`` or ``=`` within five
    characters of the value, an optional quote. A bare key must look like an identifier (an underscore or
    a capital inside), so that prose's "call me at: …" names nothing. Read backwards from the value rather
    than searched for: a search of the 70 characters before cost a few microseconds per labelled value.
    """
    i = start
    if i and text[i - 1] in "\"'":
        i -= 1 + (i > 1 and text[i - 2] == "\\")
    while i and text[i - 1] in " \t":
        i -= 1
    if not i or text[i - 1] not in ":=" or i - 1 < start - 5:
        return None  # (the operator stands within five characters of the value)
    i -= 1
    while i and text[i - 1] in " \t":
        i -= 1
    end = i
    if i and text[i - 1] == '"':
        close = i - 1 - (i > 1 and text[i - 2] == "\\")
        opening = text.rfind('"', max(0, close - 61), close)
        key = text[opening + 1 : close]
        if opening >= 0 and key and "\n" not in key and "\\" not in key and start - opening <= 70 + 2:
            return key
    while i > end - 61 and i and (text[i - 1].isalnum() or text[i - 1] in "_.-"):
        i -= 1
    bare = text[i:end]
    if not bare or not ("A" <= bare[0] <= "Z" or "a" <= bare[0] <= "z"):
        return None
    if i and (text[i - 1].isalnum() or text[i - 1] in "_.-"):
        return None  # a longer word than a key's 61 characters
    return bare if "_" in bare or not (bare.islower() or bare.isupper()) else None


def parent_name(text: str, start: int) -> str | None:
    """The name of the mapping the YAML key at ``start`` is nested in, or None.

    ``active_record_encryption`` for ``  primary_key:`` below it; None when the key is not indented
    alone at its line's start, or the line above it with less indentation is no mapping's key.
    """
    line = text.rfind("\n", max(0, start - 80), start) + 1
    indent = start - line
    if indent == 0 or (line == 0 and start > 80) or text[line:start].strip(" \t-+"):
        return None  # (a diff's "+" or "-" before the indentation shifts every line alike)
    pos = line - 1
    for _ in range(_PARENT_REACH):
        if pos <= 0:
            return None
        above = text.rfind("\n", 0, pos) + 1
        row = text[above:pos]
        stripped = row.lstrip(" \t-+")
        if stripped and len(row) - len(stripped) < indent:
            stripped = stripped.rstrip()
            return stripped[:-1].strip("\"'") if stripped.endswith(":") else None
        pos = above - 1
    return None


def under_credentials(text: str, start: int, key: str) -> bool:
    """Whether ``key`` (at ``start``) names a key or a salt nested under a parent named for credentials."""
    lowered = key.lower()
    if "key" not in lowered and "salt" not in lowered:
        return False
    parent = parent_name(text, start)
    return parent is not None and _CREDENTIAL_PARENT.search(parent) is not None


def aligned_value(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value after the name ``text[start:end]`` in a table of two aligned columns (``name   value``).

    The name must start its line, and the line above or below must have the same two-column shape
    (``vault kv get``'s ``Key   Value`` header counts): a lone ``password   hunter2`` line is prose
    as often as a table.
    """
    m = _ALIGNED.match(text, end)
    if m is None:
        return None
    line = text.rfind("\n", max(0, start - 80), start) + 1
    if (line == 0 and start > 80) or text[line:start].strip():
        return None
    above_end = line - 1
    above = text.rfind("\n", 0, max(0, above_end)) + 1
    below = m.end() + 1
    below_end = text.find("\n", below)
    neighbours = (
        text[above:above_end] if above_end > 0 else "",
        text[below : below_end if below_end >= 0 else len(text)] if below <= len(text) else "",
    )
    if not any(_TWO_COLUMNS.fullmatch(row) for row in neighbours):
        return None
    return m.span("value")


def in_listing(lowered: str, start: int) -> bool:
    """Whether ``start`` is in a list of names under ``Keys`` and a rule, as ``vault list`` prints them.

    The names are paths or lease ids, random-looking and granting nothing; a blank line ends the list.
    """
    at = lowered.rfind(_LISTING, max(0, start - 20_000), start)
    return at >= 0 and "\n\n" not in lowered[at:start] and (at == 0 or lowered[at - 1] == "\n")


_SEALED_REACH: Final = 20_000  # characters: a SealedSecret of a dozen keys; bounds the look back per candidate


def sealed(text: str, start: int) -> bool:
    """Whether ``start`` lies in the block under a YAML ``encryptedData:`` key (a SealedSecret's ciphertexts).

    Asked only of values that start with "Ag", as every sealed value does (base64 of its version byte, 2).
    """
    at = text.rfind("encryptedData:", max(0, start - _SEALED_REACH), start)
    if at < 0:
        return False
    line = text.rfind("\n", 0, at) + 1
    indent = at - line
    for row in text[text.find("\n", at) + 1 : start].split("\n")[1:]:
        if row.strip() and len(row) - len(row.lstrip(" \t+-")) <= indent:
            return False  # the block ended before ``start`` (a diff's "+" or "-" counts as indentation)
    return True
