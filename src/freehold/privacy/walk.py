"""Every text of a canonical request a policy must see, each with a way to write it back.

Chat (every door decodes to this shape): each message's string content (system and developer
prompts, user turns, assistant turns, tool results), the ``text`` and ``refusal`` of multi-part
content, an assistant's ``refusal``, and its tool calls' ``arguments`` (and the legacy
``function_call``). Arguments are JSON text: each string value inside them is a text of its own
(keys are left alone) and the arguments are re-encoded only when one changed, so they stay valid
JSON; arguments that are not a JSON object or array are one text. Also what the client tells the
model about its tools and answer format, which can carry the same data (an enum of customer
e-mails, a key in an example): each tool's ``description`` and every string value of its
``parameters`` schema (``tools`` and the legacy ``functions``), and ``response_format``'s JSON
schema and its description. And files whose content is text: a ``file`` part whose ``file_data``
is a base64 ``data:`` URL of a text media type is decoded, scanned and, when rewritten,
re-encoded; its ``filename`` is a text too.

What cannot be read is counted in ``Texts.unscanned`` instead (images, audio, PDFs and other
binary files): a policy with ``unscanned: block`` refuses such requests. Embeddings: ``input``
(a string or strings; token arrays are opaque and pass as they are).
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
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

    __slots__ = ("_files", "_json", "slots", "unscanned")

    def __init__(self) -> None:
        self.slots: list[Slot] = []
        self.unscanned: Counter[str] = Counter()
        """Parts no detector reads, by kind (``image``, ``audio``, ``file``)."""
        self._json: list[tuple[dict[str, Any], Any, list[bool]]] = []
        self._files: list[tuple[dict[str, Any], str, list[str], list[bool]]] = []

    def commit(self) -> None:
        """Re-encode the JSON arguments and the text files one of whose values was rewritten."""
        for function, parsed, dirty in self._json:
            if dirty[0]:
                function["arguments"] = orjson.dumps(parsed).decode()
        for file, header, content, dirty in self._files:
            if dirty[0]:
                file["file_data"] = header + base64.b64encode(content[0].encode()).decode()

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
                    kind = part.get("type")
                    if kind == "file":
                        self._file(part.get("file"))
                    elif kind in _OPAQUE:
                        self.unscanned[_OPAQUE[kind]] += 1

    def _file(self, file: object) -> None:
        """A file part: its name, and its content when it is base64 text; else it counts as unscanned."""
        if not isinstance(file, dict):
            return
        if isinstance(file.get("filename"), str) and file["filename"]:
            self._item(file, "filename")
        data = file.get("file_data")
        decoded = _text_file(data) if isinstance(data, str) else None
        if decoded is None:
            self.unscanned["file"] += 1
            return
        header, text = decoded
        content, dirty = [text], [False]
        if text:
            self._item(content, 0, dirty)
        self._files.append((file, header, content, dirty))

    def _schema(self, owner: dict[str, Any], key: str) -> None:
        """Every string value of a JSON schema (descriptions, enums, examples, defaults); keys stay."""
        value = owner.get(key)
        if isinstance(value, str):
            if value:
                self._item(owner, key)
        elif isinstance(value, dict | list):
            for container, inner in _strings(value):
                self._item(container, inner)

    def _tool(self, function: object) -> None:
        if isinstance(function, dict):
            self._schema(function, "description")
            self._schema(function, "parameters")

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


_OPAQUE = {"image_url": "image", "input_audio": "audio"}
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-yaml", "application/yaml",
               "application/csv", "application/x-ndjson", "application/jsonl")  # fmt: skip


def _text_file(data: str) -> tuple[str, str] | None:
    """(``data:…;base64,`` header, decoded text) of a base64 data URL of a text type, else None."""
    comma = data.find(",")
    header = data[: comma + 1]
    if not header.startswith("data:") or not header.endswith(";base64,"):
        return None
    media = header[5:].split(";", 1)[0].strip().lower()
    if not media.startswith(_TEXT_TYPES):
        return None
    try:
        return header, base64.b64decode(data[comma + 1 :], validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


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
    tools = body.get("tools")
    for tool in tools if isinstance(tools, list) else ():
        if isinstance(tool, dict):
            texts._tool(tool.get("function"))
    functions = body.get("functions")
    for function in functions if isinstance(functions, list) else ():
        texts._tool(function)
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict):
        texts._schema(fmt["json_schema"], "description")
        texts._schema(fmt["json_schema"], "schema")
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
