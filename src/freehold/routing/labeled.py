"""Labeled routing data: JSON Lines of a team's own traffic, or RouteLLM's per-subject MMLU CSVs.

Each example carries the quality of both models on the prompt (0…1). JSONL rows are either
``{"prompt", "weak_ok": bool}`` (the strong model is then taken as acceptable: feedback usually
only says whether the cheap answer was good enough) or ``{"prompt", "strong_score", "weak_score"}``.
A folder is read as RouteLLM's ``mmlu_<subject>.csv`` files with ``True``/``False`` correctness
columns, minus the prompts listed in ``contaminated_prompts.jsonl``.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson

__all__ = ["STRONG_COLUMN", "WEAK_COLUMN", "BadData", "Example", "load_examples"]

WEAK_COLUMN = "mistralai/Mixtral-8x7B-Instruct-v0.1"
STRONG_COLUMN = "gpt-4-1106-preview"


class BadData(ValueError):
    """A data file the router cannot learn from; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    prompt: str
    strong: float  # quality of the strong model's answer, 0…1
    weak: float
    group: str = ""  # the subject (for held-out-subject splits); "" for JSONL rows

    @property
    def needs_strong(self) -> bool:
        """Only here does the strong model pay off; when both fail, strong money buys nothing."""
        return self.strong > self.weak


def _score(path: Path, number: int, obj: dict[str, object], key: str) -> float:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise BadData(f"{path}: line {number}: '{key}' must be a number between 0 and 1")
    return float(value)


def _jsonl(path: Path) -> list[Example]:
    out: list[Example] = []
    with path.open("rb") as source:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise BadData(f"{path}: line {number}: not valid JSON ({exc})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("prompt"), str):
                raise BadData(f"{path}: line {number}: must be an object with a string 'prompt'")
            if "weak_ok" in obj:
                if not isinstance(obj["weak_ok"], bool):
                    raise BadData(f"{path}: line {number}: 'weak_ok' must be true or false")
                out.append(Example(obj["prompt"], 1.0, float(obj["weak_ok"]), str(obj.get("group", ""))))
            elif "strong_score" in obj and "weak_score" in obj:
                strong, weak = _score(path, number, obj, "strong_score"), _score(path, number, obj, "weak_score")
                out.append(Example(obj["prompt"], strong, weak, str(obj.get("group", ""))))
            else:
                raise BadData(
                    f"{path}: line {number}: needs 'weak_ok' (true/false) or both 'strong_score' and 'weak_score'"
                )
    return out


def _bool(path: Path, number: int, value: str) -> float:
    if value not in ("True", "False"):
        raise BadData(f"{path}: line {number}: expected True or False, got {value!r}")
    return float(value == "True")


def _routellm(folder: Path) -> list[Example]:
    contaminated: set[str] = set()
    listed = folder / "contaminated_prompts.jsonl"
    if listed.exists():
        for raw in listed.read_bytes().splitlines():
            if raw.strip():
                contaminated.add(orjson.loads(raw)["eval_prompt"])
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise BadData(f"{folder}: no .csv files (expected RouteLLM's mmlu_<subject>.csv)")
    csv.field_size_limit(sys.maxsize)
    out: list[Example] = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as source:
            reader = csv.DictReader(source)
            missing = {"prompt", WEAK_COLUMN, STRONG_COLUMN} - set(reader.fieldnames or ())
            if missing:
                raise BadData(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            subject = path.stem.removeprefix("mmlu_")
            for row in reader:
                if row["prompt"] in contaminated:
                    continue
                line = reader.line_num
                strong, weak = _bool(path, line, row[STRONG_COLUMN]), _bool(path, line, row[WEAK_COLUMN])
                out.append(Example(row["prompt"], strong, weak, subject))
    return out


def load_examples(path: Path) -> list[Example]:
    """Examples from a JSONL file or a RouteLLM CSV folder."""
    if path.is_dir():
        examples = _routellm(path)
    elif path.exists():
        examples = _jsonl(path)
    else:
        raise BadData(f"{path}: no such file or folder")
    if not examples:
        raise BadData(f"{path}: no examples")
    return examples
