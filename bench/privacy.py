"""Score privacy detection on a labeled corpus: precision, recall and F1 per category, clean texts flagged, speed.

    python bench/privacy.py                                   # the committed corpus (tests/privacy/corpus)
    python bench/privacy.py --texts T.jsonl [--truth S.jsonl] # any corpus; truth defaults to T's own "spans"
    python bench/privacy.py --ner                             # with the NER extra
    python bench/privacy.py --cli                             # also through `freehold privacy detect`

The detector runs as whatever is installed: the Python source in an editable install (``pip install -e .``),
compiled by mypyc from a wheel (``pip install .``; hatch_build.py). The first line says which. To time the
compiled one beside a checkout: ``pip wheel --no-deps -w /tmp/w . && unzip -q /tmp/w/*.whl -d /tmp/site &&
PYTHONPATH=/tmp/site python bench/privacy.py``.

Matching: *exact* counts a predicted span right only when start, end and type all equal a true
span's; *overlap* when it overlaps a true span of the same type (recall likewise, from the truth's
side). Categories with no true span in the corpus and no prediction are left out. Without
``--ner``, PERSON, LOCATION and ORGANIZATION are not scored, and a text counts as clean when it has
no true span of the scored categories. Throughput is wall time over the whole corpus on one core,
tokens taken as characters / 4, the phone-validation cache emptied before each round (so every
number is parsed as if seen for the first time); "+ pseudonymize" is the privacy stage's own work on a
request of one user message: finding the texts, detecting, assigning placeholders, writing them back.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from freehold.config.privacy import DetectionSection, Policy
from freehold.privacy.detectors import COMPILED, build_detector
from freehold.privacy.detectors.contextual import _valid
from freehold.privacy.policy import apply_policy
from freehold.privacy.spans import CATEGORIES
from freehold.privacy.walk import chat_slots

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "corpus"
NER_TYPES = {"PERSON", "LOCATION", "ORGANIZATION"}
Spans = list[tuple[int, int, str]]
PSEUDONYMIZE = Policy(action="pseudonymize")


def load(texts: list[Path], truth: Path | None) -> tuple[list[tuple[str, str]], dict[str, Spans]]:
    rows, gold = [], {}
    for path in texts:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                rows.append((str(obj["id"]), obj["text"]))
                gold[str(obj["id"])] = [(s["start"], s["end"], s["type"]) for s in obj.get("spans", [])]
    if truth is not None:
        gold = {}
        for line in truth.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                gold[str(obj["id"])] = [(s["start"], s["end"], s["type"]) for s in obj["spans"]]
    return rows, gold


def score(gold: dict[str, Spans], pred: dict[str, Spans], types: set[str]) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    clean = flagged = 0
    for ident, truth in gold.items():
        truth = [s for s in truth if s[2] in types]
        found = [s for s in pred.get(ident, []) if s[2] in types]
        if not truth:
            clean += 1
            flagged += bool(found)
        for s in found:
            c = counts[s[2]]
            c["pred"] += 1
            c["tp_exact"] += s in truth
            c["tp_overlap_p"] += any(t[2] == s[2] and t[0] < s[1] and s[0] < t[1] for t in truth)
        for t in truth:
            c = counts[t[2]]
            c["gold"] += 1
            c["found_exact"] += t in found
            c["found_overlap"] += any(t[2] == s[2] and t[0] < s[1] and s[0] < t[1] for s in found)
    return {"counts": counts, "clean": clean, "flagged": flagged}


def _prf(tp_p: int, pred: int, found: int, gold: int) -> tuple[float, float, float]:
    p = tp_p / pred if pred else 1.0
    r = found / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(result: dict[str, Any]) -> None:
    head = f"{'P':>6}{'R':>6}{'F1':>6}"
    print(f"{'category':<16}{'gold':>6}{'pred':>6}   {head}  exact | overlap {head}")
    for cat in CATEGORIES:
        c = result["counts"].get(cat)
        if not c:
            continue
        ep, er, ef = _prf(c["tp_exact"], c["pred"], c["found_exact"], c["gold"])
        op, orr, of = _prf(c["tp_overlap_p"], c["pred"], c["found_overlap"], c["gold"])
        exact, overlap = f"{ep:6.3f}{er:6.3f}{ef:6.3f}", f"{op:6.3f}{orr:6.3f}{of:6.3f}"
        print(f"{cat:<16}{c['gold']:>6}{c['pred']:>6}   {exact}  exact | overlap {overlap}")
    clean, flagged = result["clean"], result["flagged"]
    print(f"clean texts flagged: {flagged}/{clean} = {flagged / max(clean, 1):.1%}")


def speed(detector: Any, rows: list[tuple[str, str]], rounds: int) -> None:
    chars = sum(len(t) for _, t in rows)
    best = best_sub = float("inf")
    for _ in range(rounds):
        _valid.cache_clear()  # every round meets the numbers for the first time, as unique texts would
        t0 = time.perf_counter()
        for _, text in rows:
            detector.detect(text)
        best = min(best, time.perf_counter() - t0)
        _valid.cache_clear()
        bodies = [{"messages": [{"role": "user", "content": text}]} for _, text in rows]
        t0 = time.perf_counter()
        for body in bodies:
            apply_policy(PSEUDONYMIZE, detector, chat_slots(body))
        best_sub = min(best_sub, time.perf_counter() - t0)
    per_1k = 1000 / (chars / 4)
    print(f"throughput: {len(rows)} texts, {chars} chars (~{chars // 4} tokens), best of {rounds}")
    per_text = best / len(rows) * 1e6
    print(f"  detect:              {best * 1000 * per_1k:.3f} ms per 1,000 tokens ({per_text:.0f} µs/text)")
    print(f"  detect + pseudonymize: {best_sub * 1000 * per_1k:.3f} ms per 1,000 tokens")
    joined = " ".join(t for _, t in rows)
    prompts = [joined[i : i + 4000] for i in range(0, len(joined), 4000)]
    best_prompts = best_policy = float("inf")
    for _ in range(rounds):
        _valid.cache_clear()
        t0 = time.perf_counter()
        for prompt in prompts:
            detector.detect(prompt)
        best_prompts = min(best_prompts, time.perf_counter() - t0)
        _valid.cache_clear()
        bodies = [{"messages": [{"role": "user", "content": prompt}]} for prompt in prompts]
        t0 = time.perf_counter()
        for body in bodies:
            apply_policy(PSEUDONYMIZE, detector, chat_slots(body))
        best_policy = min(best_policy, time.perf_counter() - t0)
    per_1k_joined = 1000 / (len(joined) / 4) * 1000
    print(f"  the texts joined, as {len(prompts)} prompts of 4,000 chars (~1,000 tokens):")
    print(f"    detect:              {best_prompts * per_1k_joined:.3f} ms per 1,000 tokens")
    print(f"    detect + pseudonymize: {best_policy * per_1k_joined:.3f} ms per 1,000 tokens")


def speed_on_files(detector: Any, files: list[Path], rounds: int) -> None:
    """Throughput on plain files cut into 4,000-character prompts: text less dense in findings than the corpus."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    prompts = [text[i : i + 4000] for i in range(0, len(text), 4000)]
    best = float("inf")
    for _ in range(rounds):
        _valid.cache_clear()
        t0 = time.perf_counter()
        found = sum(len(detector.detect(p)) for p in prompts)
        best = min(best, time.perf_counter() - t0)
    tokens = len(text) / 4
    print(
        f"  {len(files)} files, {len(prompts)} prompts of 4,000 chars, {found} findings: "
        f"{best * 1000 / tokens * 1000:.3f} ms per 1,000 tokens"
    )


def conversations(rows: list[tuple[str, str]], rounds: int, turns: int = 10) -> None:
    """The corpus as conversations of ``turns`` messages, each turn sending the whole history again.

    Cost per 1,000 tokens of *new* text, without and with the detector remembering texts it saw.
    """
    texts = [t for _, t in rows]
    chats = [texts[i : i + turns] for i in range(0, len(texts) - turns + 1, turns)]
    new_tokens = sum(len(t) for chat in chats for t in chat) / 4
    for remember in (0, 4096):
        best = float("inf")
        for _ in range(rounds):
            _valid.cache_clear()
            detector = build_detector(DetectionSection(), remember=remember)
            t0 = time.perf_counter()
            for chat in chats:
                for turn in range(1, len(chat) + 1):
                    for text in chat[:turn]:
                        detector.detect(text)
            best = min(best, time.perf_counter() - t0)
        label = f"remembering {remember} texts" if remember else "no memory"
        print(
            f"  {len(chats)} conversations of {turns} turns, {label}: "
            f"{best * 1000 / new_tokens * 1000:.3f} ms per 1,000 new tokens"
        )


def through_cli(texts: list[Path], ner: bool) -> dict[str, Spans]:
    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "in.jsonl"
        joined.write_text("".join(p.read_text(encoding="utf-8") for p in texts), encoding="utf-8")
        out = Path(tmp) / "out.jsonl"
        cmd = [sys.executable, "-m", "freehold", "privacy", "detect", "--in", str(joined), "--out", str(out)]
        t0 = time.perf_counter()
        subprocess.run(cmd + (["--ner"] if ner else []), check=True)
        print(f"CLI wall time (start-up included): {time.perf_counter() - t0:.2f} s")
        pred = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            pred[str(obj["id"])] = [(s["start"], s["end"], s["type"]) for s in obj["spans"]]
        return pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, nargs="+", default=sorted(CORPUS.glob("*.jsonl")))
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--ner", action="store_true")
    parser.add_argument("--cli", action="store_true", help="also score the output of `freehold privacy detect`")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=Path, nargs="*", default=[], help="also time these plain-text files")
    args = parser.parse_args()
    rows, gold = load(args.texts, args.truth)
    types = set(CATEGORIES) if args.ner else set(CATEGORIES) - NER_TYPES
    detector = build_detector(DetectionSection(), ner=args.ner, remember=0)  # rounds repeat texts: no memory
    pred = {ident: [(s.start, s.end, s.type) for s in detector.detect(text)] for ident, text in rows}
    build = "compiled by mypyc" if COMPILED else "Python source (an editable install; a wheel is compiled)"
    print(f"== in process ({'patterns + NER' if args.ner else 'patterns'}), {len(rows)} texts; detector: {build}")
    report(score(gold, pred, types))
    speed(detector, rows, 1 if args.ner else args.rounds)
    if args.files:
        speed_on_files(detector, args.files, 1 if args.ner else args.rounds)
    if not args.ner:
        conversations(rows, args.rounds)
    if args.cli:
        print("== through the CLI contract")
        cli_pred = through_cli(args.texts, args.ner)
        report(score(gold, cli_pred, types))
        print("CLI output identical to in-process:", cli_pred == pred)


if __name__ == "__main__":
    main()
