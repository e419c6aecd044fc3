"""Values named by a credential's name that does not stand right before them with an operator.

``{"name": "DB_PASSWORD", "value": "…"}`` (Kubernetes env lists, ECS task definitions, Postman),
``<add key="ClearTextPassword" value="…"/>``, ``define('DB_PASSWORD', '…')``,
``<password>…</password>``, a CSV or Markdown table with a ``password`` column: the name says what
the value is, but ``secrets.py``'s ``name = value`` reading cannot join them. Each shape is looked
for only where a credential keyword occurs at all (the caller knows) and a cheap substring says
the shape may be there.
"""

from __future__ import annotations

import re
from typing import Final

from freehold.privacy.detectors import cues
from freehold.privacy.detectors.base import Hit, Priority, Scan
from freehold.privacy.detectors.names import strength
from freehold.privacy.detectors.placeholders import CODE, PLACEHOLDER, PUBLISHED, filler, hashed, masked
from freehold.privacy.detectors.validators import entropy

__all__ = ["named_values"]

_Q: Final = r"[\"']?"
# A name field, then (after a comma, spaces or a line break) a value field: JSON, YAML, HCL, XML
# attributes. Found from the value field's "value", rarer than a name field's "name" or "key": the
# name is looked for in the 160 characters before it.
# One short field may stand between them, as Azure's CLI prints a key: ``"keyName": "key1", "permissions":
# "FULL", "value": "…"``.
_NAME_FIELD: Final = re.compile(
    rf"(?P<field>key|name|label|Key|Name|Label|ParameterKey|ParameterName|keyName|KeyName){_Q}\s*[:=]\s*{_Q}"
    rf"(?P<name>[\w.-]{{2,80}}){_Q}\s*,?\s*(?:{_Q}[A-Za-z]\w{{0,30}}{_Q}\s*:\s*\"[\w .-]{{0,30}}\",\s*)?"
    rf"(?:-\s+)?{_Q}(?:Parameter)?$"
)
_VALUE_FIELD: Final = re.compile(
    rf"(?i:value){_Q}\s*[:=]\s*(?:\"(?P<dq>[^\"\n]{{1,2000}})\"|'(?P<sq>[^'\n]{{1,2000}})'|(?P<bare>[^\s\"',}}\]]{{1,2000}}))"
)
# A call that takes the name, then the value: ``define('AUTH_KEY', '…')``, ``setenv("API_TOKEN", "…")``;
# a call, not a tuple (``("SECRET", "hunter2")`` pairs a label with an example): a name precedes "(".
_CALL: Final = re.compile(r"\(\s*[\"']([\w.-]{2,80})[\"']\s*,\s*(?:\"([^\"\n]{4,2000})\"|'([^'\n]{4,2000})')")
_ELEMENT: Final = re.compile(r"<([\w:.-]{2,60})>([^<>\n]{4,2000})</\1>")
_DELIMITERS: Final = (",", "\t", "|", ";")
_MAX_ROWS: Final = 500
_CELL_ENDS: Final = ",\t|;\n"
_CELL_AFTER: Final = re.compile(r"[\w.-]*[ \"'`*]*([,\t|;\r\n]|\Z)")
_NAME_AND_QUOTES: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.- \"'`*"
_COLUMN_NAME: Final = re.compile(r"[A-Za-z_][\w.-]*(?: [\w.-]+){0,3}")


cues.register("', ", '", ', "','", '","', "</")


def named_values(scan: Scan, lowered: str, keywords: list[int]) -> list[Hit]:
    """Every value found by a credential's name beside it (see the module's docstring).

    ``keywords``: where the credential keywords start in ``lowered`` (the caller found them; the text
    lower-cased letter by letter).
    """
    text = scan.text
    hits: list[Hit] = []
    at = lowered.find("value")
    while at >= 0:
        _pair(hits, text, at)
        at = lowered.find("value", at + 5)
    if scan.has("', ") or scan.has('", ') or scan.has("','") or scan.has('","'):
        for m in _CALL.finditer(text):
            if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
                _take(hits, text, m.group(1), *m.span(2 if m.group(2) is not None else 3))
    if scan.has("</"):
        for m in _ELEMENT.finditer(text):
            _take(hits, text, m.group(1), *m.span(2))
    if "\n" in text:
        hits += _columns(text, keywords)
    return hits


def _pair(hits: list[Hit], text: str, at: int) -> None:
    """The value field at ``at``, when a name field stands right before it."""
    value = _VALUE_FIELD.match(text, at)
    if value is None:
        return
    name = _NAME_FIELD.search(text, max(0, at - 160), at)
    if name is None or (name.start() and (text[name.start() - 1].isalnum() or text[name.start() - 1] in "_-")):
        return
    group = "dq" if value.group("dq") is not None else "sq" if value.group("sq") is not None else "bare"
    label = name.group("name")
    if name.group("field").lower() == "keyname":
        label = "access_key"  # the field says key, its name numbers it ("key1"): a random value is the key
    _take(hits, text, label, *value.span(group))


def _take(hits: list[Hit], text: str, name: str, start: int, end: int) -> None:
    level = strength(name)
    if level and _credential(text[start:end], level):
        hits.append(Hit(start, end, "SECRET", 0.9, Priority.ASSIGNED_SECRET))


def _credential(value: str, level: int) -> bool:
    """A literal value, not a placeholder, reference, hash or masked one; for a token/key name, a random one."""
    value = value.strip()
    if (
        len(value) < 4
        or len(set(value)) <= 2
        or PLACEHOLDER.match(value)
        or masked(value)
        or filler(value)
        or hashed(value)
    ):
        return False
    if CODE.match(value) or PUBLISHED.match(value) or value.startswith(("ENC[", "ENC(", "{cipher}", "vault:")):
        return False
    if level == 2:
        return True
    return len(value) >= 16 and any(c.isdigit() for c in value) and entropy(value) >= 3.0 and " " not in value


def _columns(text: str, keywords: list[int]) -> list[Hit]:
    """The cells under a ``password`` (``login_password``, ``api_token``…) column of a delimited table.

    The header is a line with that name among two or more fields split by one delimiter; its rows
    are the lines after it with the same number of that delimiter (a Markdown ``|---|`` rule
    skipped). Quoted fields (``"a, b"``) are read as one. Only the lines holding a keyword are
    read as headers.
    """
    hits: list[Hit] = []
    end = -1
    for at in keywords:
        if at <= end or not _in_a_cell(text, at):
            continue  # a keyword on a line already read, or in prose
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        hits += _column_cells(text, start, end)
    return hits


def _in_a_cell(text: str, at: int) -> bool:
    """Whether the name around the keyword at ``at`` fills a delimited cell.

    A delimiter on one side, a delimiter or the line's end on the other (quotes and spaces aside).
    Cheap (a match and a strip, no loop), and false for nearly every keyword in prose.
    """
    after = _CELL_AFTER.match(text, at)
    if after is None:
        return False
    head = text[max(0, at - 80) : at].rstrip(_NAME_AND_QUOTES)
    if not head and at > 80:
        return False  # no name is that long
    before = head[-1:] or "\n"
    delimiter_after = after.group(1) not in ("", "\n", "\r")
    return before in _CELL_ENDS and (delimiter_after or before != "\n")


def _column_cells(text: str, start: int, end: int) -> list[Hit]:
    header = text[start:end]
    delimiter = max(_DELIMITERS, key=header.count)
    count = header.count(delimiter)
    if count < 2 if delimiter != "|" else count < 3:
        return []
    fields = [f for f, _, _ in _fields(header, delimiter, 0)]
    if fields[0] == "#fields" and delimiter == "\t":  # Zeek's log header names the columns after its own tag
        fields, count = fields[1:], count - 1
    if delimiter == "|":  # a Markdown row starts and ends with its delimiter
        fields = fields[1:-1] if len(fields) > 2 and not fields[0] and not fields[-1] else []
    if not fields or not all(_COLUMN_NAME.fullmatch(f) for f in fields):
        return []  # a header holds names alone: prose, code and JSON lines are no header
    shift = 1 if delimiter == "|" else 0
    wanted = {i + shift: level for i, f in enumerate(fields) if (level := strength(f.replace(" ", "_")))}
    if not wanted:
        return []
    hits: list[Hit] = []
    line_start = end + 1
    for _ in range(_MAX_ROWS):
        if line_start >= len(text):
            break
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        row = text[line_start:line_end]
        if row.count(delimiter) != count and not (delimiter == "|" and not row.strip(" |:-")):
            if delimiter != "," or '"' not in row:
                break
        for i, (cell, a, b) in enumerate(_fields(row, delimiter, line_start)):
            if i in wanted and _credential(cell, wanted[i]):
                hits.append(Hit(a, b, "SECRET", 0.85, Priority.ASSIGNED_SECRET))
        line_start = line_end + 1
    return hits


def _fields(line: str, delimiter: str, offset: int) -> list[tuple[str, int, int]]:
    """Each field's stripped text and (start, end) in the text; a quoted field may hold the delimiter."""
    fields = []
    i, n = 0, len(line)
    while i <= n:
        if line.startswith('"', i):
            close = line.find('"', i + 1)
            j = line.find(delimiter, close + 1 if close >= 0 else i + 1)
        else:
            j = line.find(delimiter, i)
        j = n if j < 0 else j
        a, b = i, j
        while a < b and line[a] in " \t\"'`":
            a += 1
        while b > a and line[b - 1] in " \t\"'`":
            b -= 1
        fields.append((line[a:b], offset + a, offset + b))
        i = j + 1
    return fields
