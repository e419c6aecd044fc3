"""The name of the column a value sits in: a CSV/TSV/Markdown table's header, or an SQL INSERT's column list.

A date under a ``dob`` header or in a ``birth_date`` column is a date of birth although no word
stands next to it; a number under ``phone`` is a phone number. Finders ask only about a candidate
the words around it did not settle, through one ``Columns`` per text: a text may hold thousands of
rows, so each line is walked once (the block it belongs to is remembered) and an INSERT's values
are read once, front to back, however many candidates ask.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

__all__ = ["MAX_ROW", "Columns", "whole_cell"]

_DELIMITERS: Final = (",", "\t", ";", "|")
MAX_ROW: Final = 10_000  # characters: a longer line is prose or data, not a table's row
_INSERT_AT: Final = re.compile(r"insert\s+into\b", re.IGNORECASE)
_COPY: Final = re.compile(r"copy\s+[\w.\"]+\s*\(([^()]{1,2000})\)\s+from\s+stdin[^\n]*\n", re.IGNORECASE)
# A JSON result's column list, then (other keys between) its rows: ``{"columns": ["id", "dob"], "rows": [``.
_RESULT: Final = re.compile(r'"columns"\s*:\s*\[([^\[\]]{1,2000})\][^\[\]]{0,200}?"rows"\s*:\s*\[')
_NAME_IN_LIST: Final = re.compile(r'"([^"\n]*)"')
_INSERT: Final = re.compile(r"insert\s+into\s+[\w.`\"\[\]]+\s*\(([^()]{1,2000})\)\s*values\s*", re.IGNORECASE)


class Columns:
    """Column names in one text; ask ``name(pos)`` for as many positions as needed."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._tops: dict[tuple[int, str, int], int] = {}  # (line start, delimiter, count) → its block's first line
        self._rows: dict[int, tuple[str, list[int]] | None] = {}  # line start → its delimiter and where each is
        self._headers: dict[int, list[str]] = {}  # a block's first line → its fields
        self._inserts: list[int] | None = None  # where each INSERT starts, found on first use
        self._copies: list[tuple[re.Match[str], int]] | None = None  # each ``COPY … FROM stdin`` and its data's end
        self._reader: _ValuesReader | None = None
        self._aligned_tops: dict[int, int] = {}  # line start → its aligned block's first line
        self._results: list[tuple[int, list[str]]] | None = None  # where each JSON result's rows start, its names
        self._rows_reader: _ValuesReader | None = None
        self._aligned_headers: dict[int, list[tuple[int, int, str]]] = {}  # a block's first line → its names

    def name(self, pos: int) -> str | None:
        """The lower-cased name of the column holding ``text[pos]``, or None when it is in no table.

        A delimited line is a row when it and every line up to its block's first have the same
        number of the same delimiter (a Markdown ``|---|`` rule or psql's ``---+---`` may sit among
        them); that first line is the header. A line of no delimiter is a row of an aligned table
        (a pandas frame, ``kubectl get``, ``docker ps``) when it and every line up to the block's
        first have a gap of two spaces: the header's name above the value names it. An SQL value is
        named by its INSERT's column list, by its position in its tuple; a row of PostgreSQL's ``COPY …
        FROM stdin`` data by the statement's column list, by its tabs; a value in a JSON result's
        ``"rows": [[…], …]`` by the ``"columns": […]`` before it, as SQL tools return their results.
        """
        return (
            self._sql_column(pos)
            or self._copy_column(pos)
            or self._rows_column(pos)
            or self._table_column(pos)
            or self._aligned_column(pos)
        )

    def _table_column(self, pos: int) -> str | None:
        text = self._text
        start = text.rfind("\n", max(0, pos - MAX_ROW), pos) + 1
        if start == 0 and pos > MAX_ROW:
            return None  # too long a line
        row = self._row(start)
        if row is None:
            return None
        delimiter, at = row
        top = self._block_top(start, delimiter, len(at))
        if top == start:
            return None  # the row is its block's first line: a header, or no table
        fields = self._headers.get(top)
        if fields is None:
            header = text[top : text.find("\n", top)]
            fields = self._headers[top] = [] if _rule(header) else _split(header, delimiter)
        index = bisect.bisect_left(at, pos)
        return fields[index].strip().strip("\"'`*").lower() if index < len(fields) else None

    def _row(self, start: int) -> tuple[str, list[int]] | None:
        """The delimiter of the line at ``start`` (the most frequent) and its offsets; None for no delimiter.

        Remembered per line; a line longer than ``MAX_ROW`` is no table's row.
        """
        if start in self._rows:
            return self._rows[start]
        text = self._text
        end = text.find("\n", start, start + MAX_ROW + 1)
        found = None
        if end >= 0 or len(text) - start <= MAX_ROW:
            line = text[start : len(text) if end < 0 else end]
            delimiter = max(_DELIMITERS, key=line.count)
            at = [start + i for i in _delimiters(line, delimiter)]
            if delimiter == "," and "  " in line and len(_THOUSANDS.findall(line)) == len(at):
                at = []  # an aligned table's figures with thousands separators ("1,212"), not a CSV row
            found = (delimiter, at) if at else None
        self._rows[start] = found
        return found

    def _block_top(self, start: int, delimiter: str, count: int) -> int:
        """The first line of the block of lines with ``count`` ``delimiter``s that holds the line at ``start``."""
        text, tops = self._text, self._tops
        walked = []
        top = start
        while True:
            known = tops.get((top, delimiter, count))
            if known is not None:
                top = known
                break
            walked.append(top)
            if top == 0:
                break
            above = text.rfind("\n", 0, top - 1) + 1
            line = text[above : top - 1]
            if len(_delimiters(line, delimiter)) != count and not _rule(line):
                break
            top = above
        for line_start in walked:
            tops[(line_start, delimiter, count)] = top
        return top

    def _aligned_column(self, pos: int) -> str | None:
        """The header name over ``pos`` in a table aligned by spaces; None when no name is above it.

        The value's cell is its run of characters with single spaces inside (``+43 664 763859``);
        the header's names are split the same way, and the one overlapping the cell most names it.
        """
        text = self._text
        start = text.rfind("\n", max(0, pos - MAX_ROW), pos) + 1
        end = text.find("\n", pos, pos + MAX_ROW)
        if (start == 0 and pos > MAX_ROW) or (end < 0 and len(text) - pos > MAX_ROW):
            return None
        top = self._aligned_top(start)
        if top == start:
            return None
        lo, hi = pos, end if end >= 0 else len(text)
        while lo > start and not (text[lo - 1] == " " and (lo - 1 == start or text[lo - 2] == " ")):
            lo -= 1  # back to the cell's start: two spaces, or the line's
        cell_end = _GAP.search(text, pos, hi)
        cell = (lo - start, (cell_end.start() if cell_end else hi) - start)
        names = self._aligned_headers.get(top)
        if names is None:
            header = text[top : text.find("\n", top)]
            names = [(m.start(), m.end(), m.group()) for m in _CELL.finditer(header)]
            if sum(any(c.isdigit() for c in name) for _, _, name in names) * 2 > len(names):
                names = []  # figures in most cells: the block's first line is a row, and it has no header
            self._aligned_headers[top] = names
        best, best_overlap = None, 0
        for name_start, name_end, name in names:
            overlap = min(cell[1], name_end) - max(cell[0], name_start)
            if overlap > best_overlap:
                best, best_overlap = name, overlap
        return best.lower() if best is not None else None

    def _aligned_top(self, start: int) -> int:
        """The first line of the block of lines, each with a gap of two spaces inside, that holds ``start``."""
        text, tops = self._text, self._aligned_tops
        walked = []
        top = start
        while True:
            known = tops.get(top)
            if known is not None:
                top = known
                break
            end = text.find("\n", top)
            if not _aligned(text[top : end if end >= 0 else len(text)]):
                if top == start:
                    tops[start] = start  # no block: remembered too (a long line is asked about once per value in it)
                    return start
                break
            walked.append(top)
            if top == 0:
                break
            above = text.rfind("\n", 0, top - 1) + 1
            if not _aligned(text[above : top - 1]):
                break
            top = above
        for line_start in walked:
            tops[line_start] = top
        return top

    def _copy_column(self, pos: int) -> str | None:
        r"""A value of PostgreSQL's ``COPY t (a, b, …) FROM stdin;`` data: tab-separated, up to a line ``\.``."""
        if self._copies is None:
            found = _COPY.finditer(self._text) if "stdin" in self._text else ()
            self._copies = [(m, _copy_end(self._text, m.end())) for m in found]
        text = self._text
        for statement, end in self._copies:
            if statement.end() <= pos < end:
                line = text.rfind("\n", statement.end() - 1, pos) + 1
                index = text.count("\t", line, pos)
                columns = statement.group(1).split(",")
                return columns[index].strip().strip('"').lower() if index < len(columns) else None
        return None

    def _rows_column(self, pos: int) -> str | None:
        """A value of a JSON result's ``"rows"`` arrays, named by the ``"columns"`` list before them."""
        if self._results is None:
            found = _RESULT.finditer(self._text) if '"rows"' in self._text else ()
            self._results = [(m.end(), _NAME_IN_LIST.findall(m.group(1))) for m in found]
        i = bisect.bisect_right(self._results, pos, key=lambda result: result[0]) - 1
        if i < 0:
            return None
        start, names = self._results[i]
        reader = self._rows_reader
        if reader is None or reader.at != start or reader.pos > pos:
            reader = self._rows_reader = _ValuesReader(self._text, start, start, names, "[", "]")
        index = reader.index_at(pos)
        return names[index].lower() if index is not None and index < len(names) else None

    def _sql_column(self, pos: int) -> str | None:
        if self._inserts is None:
            lowered = self._text.lower()  # every match has "nsert" (or "nſert") once lower-cased
            hint = "nsert" in lowered or "nſert" in lowered
            self._inserts = [m.start() for m in _INSERT_AT.finditer(self._text)] if hint else []
        i = bisect.bisect_right(self._inserts, pos) - 1
        if i < 0:
            return None
        at = self._inserts[i]
        reader = self._reader
        if reader is None or reader.at != at or reader.pos > pos:
            statement = _INSERT.match(self._text, at)
            if statement is None or statement.end() > pos:
                return None
            reader = self._reader = _ValuesReader(self._text, at, statement.end(), statement.group(1).split(","))
        index = reader.index_at(pos)
        if index is None or index >= len(reader.columns):
            return None
        return reader.columns[index].strip().strip('`"[]').lower()


class _ValuesReader:
    """Which value of its ``( … )`` tuple a position is in, reading SQL quoting from VALUES on.

    Or of its ``[ … ]`` row, in a JSON result's rows (``opening``, ``closing``). It reads forward only,
    so the candidates of one statement, asked in order, cost one pass.
    """

    def __init__(
        self, text: str, at: int, start: int, columns: list[str], opening: str = "(", closing: str = ")"
    ) -> None:
        self.text, self.at, self.pos, self.columns = text, at, start, columns
        self.opening, self.closing = opening, closing
        self.depth = self.index = 0
        self.quote = ""
        self.ended = False

    def index_at(self, pos: int) -> int | None:
        text = self.text
        depth, index, quote = self.depth, self.index, self.quote
        i = self.pos
        while i < pos and not self.ended:
            c = text[i]
            if quote:
                if c == "\\":
                    i += 1  # MySQL's escape: 'O\'Shaughnessy' goes on after the escaped quote
                elif c == quote:
                    quote = ""
            elif c in "'\"":
                quote = c
            elif c == self.opening:
                depth += 1
                if depth == 1:
                    index = 0
            elif c == self.closing:
                depth -= 1
                self.ended = depth < 0
            elif c == "," and depth == 1:
                index += 1
            elif c == ";" and depth == 0:
                self.ended = True  # the statement ended before ``pos``
            i += 1
        self.pos, self.depth, self.index, self.quote = i, depth, index, quote
        return index if depth == 1 and not self.ended else None


def whole_cell(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` fills a delimited cell (a quote may wrap it): nothing else in it to read."""
    before = text[start - 1 : start]
    if before in "\"'" and start > 1:
        before = text[start - 2 : start - 1]
    after = text[end : end + 1]
    if after and after in "\"'":
        after = text[end + 1 : end + 2]
    return (before in _DELIMITERS or before in ("", "\n")) and (after in _DELIMITERS or after in ("", "\n", "\r"))


def _copy_end(text: str, start: int) -> int:
    r"""Where the data of a ``COPY … FROM stdin`` starting at ``start`` ends: its ``\.`` line, or the text's end."""
    end = text.find("\n\\.", start - 1)
    return end if end >= 0 else len(text)


def _delimiters(line: str, delimiter: str) -> list[int]:
    """Where ``delimiter`` stands in ``line``, outside double quotes (a CSV's ``"Quarshie, Efua"`` is one field)."""
    if '"' not in line:
        at, i = [], line.find(delimiter)
        while i >= 0:
            at.append(i)
            i = line.find(delimiter, i + 1)
        return at
    at, pos = [], 0
    for k, part in enumerate(line.split('"')):  # the even parts lie outside quotes
        if not k % 2:
            i = part.find(delimiter)
            while i >= 0:
                at.append(pos + i)
                i = part.find(delimiter, i + 1)
        pos += len(part) + 1
    return at


def _split(line: str, delimiter: str) -> list[str]:
    cuts = [-1, *_delimiters(line, delimiter), len(line)]
    return [line[a + 1 : b] for a, b in zip(cuts, cuts[1:], strict=False)]


def _rule(line: str) -> bool:
    """A Markdown table's ``|---|:--:|`` line or psql's ``----+----``, between the header and the rows."""
    return bool(line.strip()) and not line.strip(" |:-+")


_GAP: Final = re.compile(r"  |\t")
_THOUSANDS: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_CELL: Final = re.compile(r"\S+(?: \S+)*")  # a header's name, or a cell: single spaces inside


def _aligned(line: str) -> bool:
    """A line with two spaces between two of its words: an aligned table's header or row."""
    return _GAP.search(line.strip()) is not None
