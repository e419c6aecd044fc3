"""``freehold router``: score, train, calibrate and evaluate difficulty routers.

``score`` has a fixed contract so any labeled set can be scored by any router: each input line is
``{"id": ..., "prompt": "..."}``, each output line ``{"id": ..., "score": s}`` in input order,
higher meaning more likely to need the strong model. A bad line stops the run with its line
number (exit 2) and leaves no half-written file. numpy and the model load only when a command
runs, so the gateway's start-up never pays for them.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from freehold.commands.jsonl import id_and_text, run_lines
from freehold.routing.difficulty import DifficultyRouter, load_router
from freehold.routing.labeled import BadData, Example, load_examples
from freehold.routing.metrics import Curve, curve

__all__ = ["app", "score_lines"]

app = typer.Typer(help="The difficulty router: score prompts, train, calibrate, evaluate.", no_args_is_help=True)
err = Console(stderr=True, width=None if os.isatty(2) else 160)
out = Console(width=None if os.isatty(1) else 160)
_BATCH = 64

RouterOption = Annotated[str, typer.Option("--router", help='A router file, or "default" for the shipped one.')]
DataArgument = Annotated[
    Path, typer.Argument(help="Labeled JSON Lines, or a folder of RouteLLM mmlu_<subject>.csv files.")
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # "[router]" is not markup
    return typer.Exit(2)


def _router(name: str) -> DifficultyRouter:
    try:
        router = load_router(name)
        router.score("warm-up")  # loads the model now: a missing extra is one clear line, not a traceback
    except (ImportError, ValueError) as exc:
        raise _fail(str(exc)) from None
    return router


def _examples(path: Path) -> list[Example]:
    try:
        return load_examples(path)
    except BadData as exc:
        raise _fail(str(exc)) from None


def score_lines(router: DifficultyRouter, source: IO[bytes], sink: IO[bytes]) -> int:
    """Score each input line in batches (the encoder is faster on several at once); returns the count."""
    count = 0
    batch: list[tuple[Any, str]] = []

    def flush() -> None:
        for (ident, _), value in zip(batch, router.score_many([p for _, p in batch]), strict=True):
            sink.write(orjson.dumps({"id": ident, "score": round(value, 6)}, option=orjson.OPT_APPEND_NEWLINE))
        batch.clear()

    for number, line in enumerate(source, 1):
        if line.strip():
            batch.append(id_and_text(number, line, "prompt"))
            count += 1
            if len(batch) == _BATCH:
                flush()
    flush()
    return count


@app.command()
def score(
    prompts: Annotated[Path, typer.Option("--in", help='JSON Lines of {"id", "prompt"}; "-" reads standard input.')],
    target: Annotated[Path, typer.Option("--out", help='JSON Lines of {"id", "score"}; "-" writes standard output.')],
    router: RouterOption = "default",
) -> None:
    """Score each prompt in [0, 1]: how likely it needs the strong model."""
    model = _router(router)
    count = run_lines(prompts, target, lambda source, sink: score_lines(model, source, sink), _fail)
    err.print(f"{count} prompt(s) scored with {model.name}, written to {target}", highlight=False)


def _curves(router: DifficultyRouter, examples: list[Example]) -> dict[str, Curve]:
    strong, weak = [e.strong for e in examples], [e.weak for e in examples]
    rng = random.Random(0)
    return {
        router.name: curve(router.score_many([e.prompt for e in examples]), strong, weak),
        "random": curve([rng.random() for _ in examples], strong, weak),
        "prompt length": curve([float(len(e.prompt)) for e in examples], strong, weak),
    }


def _print_metrics(curves: dict[str, Curve]) -> None:
    out.print(f"{'router':<24} {'APGR':>6} {'CPT(50%)':>9} {'CPT(80%)':>9}")
    for name, c in curves.items():
        out.print(f"{name:<24} {c.apgr:6.3f} {c.cpt(0.5):9.1%} {c.cpt(0.8):9.1%}", highlight=False)


@app.command()
def train(
    data: DataArgument,
    target: Annotated[Path, typer.Option("--out", help="Where to write the router (JSON).")],
    holdout_subjects: Annotated[
        str,
        typer.Option(
            "--holdout-subjects", help="Comma-separated subjects (CSV folder) or 'group' values to leave out."
        ),
    ] = "",
    window: Annotated[int, typer.Option(help="Contextual MiniLM tokens per prompt (0: static embeddings only).")] = 0,
    l2: Annotated[float, typer.Option(help="L2 penalty of the logistic regression.")] = 30.0,
    name: Annotated[str | None, typer.Option(help="Router name (default: the file's stem).")] = None,
) -> None:
    """Fit a router: the strong model is needed where it did better than the weak one."""
    try:  # the router extra: a missing one is one clear line, not a traceback
        from freehold.embedding.minilm import shared
        from freehold.routing.difficulty import fit
        from freehold.routing.features import featurize

        model = shared()
    except ImportError as exc:
        raise _fail(str(exc)) from None

    if window < 0 or window == 1 or window == 2:
        raise _fail("--window must be 0 or at least 3 tokens")
    examples = _examples(data)
    held = {s.strip() for s in holdout_subjects.split(",") if s.strip()}
    unknown = held - {e.group for e in examples}
    if unknown:
        raise _fail(f"--holdout-subjects: {', '.join(sorted(unknown))} not in {data}")
    kept = [e for e in examples if e.group not in held]
    rows = featurize(model, [e.prompt for e in kept], window)
    provenance = {"data": str(data), "rows": len(kept), "held_out_subjects": sorted(held), "l2": l2}
    try:
        router = fit(rows, [e.needs_strong for e in kept], name=name or target.stem, window=window, l2=l2,
                     provenance=provenance)  # fmt: skip
    except ValueError as exc:
        raise _fail(f"{data}: {exc}") from None
    router.save(target)
    err.print(f"trained on {len(kept)} example(s), written to {target}", highlight=False)
    rest = [e for e in examples if e.group in held]
    if rest:
        out.print(f"Held-out subjects ({len(rest)} prompts):")
        _print_metrics(_curves(router, rest))


@app.command()
def calibrate(
    data: DataArgument,
    router: RouterOption = "default",
    strong_share: Annotated[float | None, typer.Option(help="Target share of calls sent strong, 0…1.")] = None,
    quality_floor: Annotated[
        float | None, typer.Option(help="Least quality kept, as a share of all-strong quality, 0…1.")
    ] = None,
    target: Annotated[
        Path | None, typer.Option("--out", help="Write here (default: overwrite the router file).")
    ] = None,
) -> None:
    """Pick the threshold for a share of strong calls, or the cheapest one keeping a quality floor."""
    if (strong_share is None) == (quality_floor is None):
        raise _fail("give exactly one of --strong-share or --quality-floor")
    goal = strong_share if strong_share is not None else quality_floor
    if goal is None or not 0 <= goal <= 1:
        raise _fail("--strong-share / --quality-floor must lie between 0 and 1")
    model = _router(router)
    path = target or Path(router)
    if target is None and (not path.suffix or not path.exists()):
        raise _fail(f"--router {router} is a shipped router: give --out for the calibrated copy")
    examples = _examples(data)
    c = curve(model.score_many([e.prompt for e in examples]), [e.strong for e in examples], [e.weak for e in examples])
    points = range(1, len(c.shares))
    if strong_share is not None:
        best = min(points, key=lambda i: abs(c.shares[i] - strong_share))
    else:
        best = next((i for i in points if c.quality[i] >= goal * c.strong - 1e-12), len(c.shares) - 1)
    model.threshold = c.thresholds[best]
    model.provenance["calibration"] = {
        "data": str(data), "strong_share": round(c.shares[best], 4), "quality": round(c.quality[best], 4),
        "quality_of_strong": round(c.quality[best] / c.strong, 4) if c.strong else None,
    }  # fmt: skip
    model.save(path)
    out.print(
        f"threshold {model.threshold:.6f}: {c.shares[best]:.1%} strong calls, quality {c.quality[best]:.4f} "
        f"(all weak {c.weak:.4f}, all strong {c.strong:.4f}); written to {path}",
        highlight=False,
    )


@app.command("eval")
def evaluate(
    data: DataArgument,
    router: RouterOption = "default",
    png: Annotated[Path | None, typer.Option(help="Save the quality-vs-strong-calls curve here.")] = None,
    steps: Annotated[int, typer.Option(help="Rows of the threshold table.")] = 10,
) -> None:
    """Quality kept vs share of strong calls, APGR and CPT, beside random and prompt-length routing."""
    model = _router(router)
    examples = _examples(data)
    curves = _curves(model, examples)
    mine = curves[model.name]
    out.print(f"{len(examples)} prompts: all weak {mine.weak:.4f}, all strong {mine.strong:.4f}")
    out.print(f"{'strong calls':>12} {'threshold':>10} " + " ".join(f"{n[:16]:>16}" for n in curves))
    for k in range(steps + 1):
        share = k / steps
        cells = []
        for c in curves.values():
            i = min(range(len(c.shares)), key=lambda j: abs(c.shares[j] - share))
            cells.append(f"{c.quality[i]:16.4f}")
        i = min(range(len(mine.shares)), key=lambda j: abs(mine.shares[j] - share))
        out.print(f"{share:12.0%} {min(mine.thresholds[i], 1.0):10.4f} " + " ".join(cells), highlight=False)
    _print_metrics(curves)
    if png is not None:
        from freehold.routing.plot import save_curves

        try:
            save_curves(curves, png, f"{data.name}: quality vs strong calls")
        except ImportError as exc:
            raise _fail(str(exc)) from None
        err.print(f"curve saved to {png}", highlight=False)
