"""Turn a held-out set's texts.txt (inline ``[[TYPE|value]]`` marks) into JSON Lines with character offsets.

    python tests/privacy/heldout/build.py                          # heldout/texts.txt  -> heldout/heldout.jsonl
    python tests/privacy/heldout/build.py tests/privacy/heldout2   # heldout2/texts.txt -> heldout2/heldout2.jsonl

Each text starts at a ``### id`` line; the marks are removed and become ``spans``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.DOTALL)


def parse(source: str) -> list[dict[str, object]]:
    rows = []
    for block in re.split(r"^### ", source, flags=re.MULTILINE)[1:]:
        ident, _, body = block.partition("\n")
        body = body.rstrip("\n")
        text, spans, last = [], [], 0
        pos = 0
        for m in MARK.finditer(body):
            text.append(body[last : m.start()])
            pos += m.start() - last
            spans.append({"start": pos, "end": pos + len(m.group(2)), "type": m.group(1)})
            text.append(m.group(2))
            pos += len(m.group(2))
            last = m.end()
        text.append(body[last:])
        joined = "".join(text)
        assert "[[" not in joined, ident
        rows.append({"id": ident.strip(), "text": joined, "spans": spans})
    return rows


def main() -> None:
    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    rows = parse((folder / "texts.txt").read_text(encoding="utf-8"))
    out = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (folder / f"{folder.name}.jsonl").write_text(out, encoding="utf-8")
    print(f"{len(rows)} texts, {sum(len(r['spans']) for r in rows)} spans")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
