"""The name of the column a value sits in: a CSV/TSV/Markdown table's header, or an SQL INSERT's column list.

A date under a ``dob`` header or in a ``birth_date`` column is a date of birth although no word
stands next to it; a number under ``phone`` is a phone number. Finders ask only about a candidate
the words around it did not settle, so this parses a line or a statement only then.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["column_name"]

_DELIMITERS: Final = (",", "\t", ";", "|")
_INSERT: Final = re.compile(r"insert\s+into\s+[\w.`\"\[\]]+\s*\(([^()]{1,2000})\)\s*values\s*", re.IGNORECASE)
_MAX_LINES: Final = 200  # how far up a header may be; tables in a prompt are short


def column_name(text: str, pos: int) -> str | None:
    """The lower-cased name of the column holding ``text[pos]``, or None when it is in no table.

    A delimited line is a row when it and every line up to the block's first have the same number
    of the same delimiter; that first line is the header. An SQL value is named by the INSERT's
    column list, counted by position in its tuple.
    """
    return _sql_column(text, pos) or _table_column(text, pos)


def _line(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _table_column(text: str, pos: int) -> str | None:
    start, end = _line(text, pos)
    row = text[start:end]
    delimiter = max(_DELIMITERS, key=row.count)
    count = row.count(delimiter)
    if not count:
        return None
    index = text.count(delimiter, start, pos)
    header = None
    top = start
    for _ in range(_MAX_LINES):
        if top == 0:
            break
        above = text.rfind("\n", 0, top - 1) + 1
        line = text[above : top - 1]
        if line.count(delimiter) != count and not _rule(line):
            break
        if not _rule(line):
            header = line
        top = above
    if header is None:
        return None
    fields = header.split(delimiter)
    return fields[index].strip().strip("\"'`*").lower() if index < len(fields) else None


def _rule(line: str) -> bool:
    """A Markdown table's ``|---|:--:|`` line, which sits between the header and the rows."""
    return bool(line.strip()) and not line.strip(" |:-")


def _sql_column(text: str, pos: int) -> str | None:
    at = max(text.rfind("INSERT", 0, pos), text.rfind("insert", 0, pos), text.rfind("Insert", 0, pos))
    statement = _INSERT.match(text, at) if at >= 0 else None
    if statement is None or statement.end() > pos:
        return None
    index = _tuple_index(text, statement.end(), pos)
    if index is None:
        return None
    columns = statement.group(1).split(",")
    return columns[index].strip().strip('`"[]').lower() if index < len(columns) else None


def _tuple_index(text: str, start: int, pos: int) -> int | None:
    """Which value of its ``( … )`` tuple ``pos`` is in, reading SQL quoting from the VALUES keyword on."""
    depth = 0
    index = 0
    quote = ""
    i = start
    while i < pos:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
            if depth == 1:
                index = 0
        elif c == ")":
            depth -= 1
            if depth < 0:
                return None
        elif c == "," and depth == 1:
            index += 1
        elif c == ";" and depth == 0:
            return None  # the statement ended before ``pos``
        i += 1
    return index if depth == 1 else None
