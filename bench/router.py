"""Train the shipped difficulty router and measure it (issue 12): held-out subjects, baselines, overhead.

    .venv/bin/python bench/router.py [--data ../shared/data/routing/routellm-mmlu] [--windows 0,32]
        [--write src/freehold/routing/routers/default.json] [--png bench/router_curve.png]

Splits RouteLLM's 57 MMLU subjects into train and held-out groups (HELD_OUT below), holds out 20 %
of the rows of the train subjects too, fits one router per contextual window size on the rest,
and prints APGR / CPT(50 %) / CPT(80 %) beside random and prompt length, out of subject and in
domain. Then it times scoring one 500-token prompt (embedding + classifier, one process).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


from freehold.embedding.minilm import shared
from freehold.routing.difficulty import fit
from freehold.routing.features import featurize
from freehold.routing.labeled import Example, load_examples
from freehold.routing.metrics import Curve, curve

# ~20 % of the subjects, spread over STEM, humanities, social sciences and other (MMLU's own groups).
HELD_OUT = (
    "college_physics", "electrical_engineering", "high_school_statistics", "machine_learning",  # STEM
    "high_school_european_history", "philosophy", "world_religions",  # humanities
    "econometrics", "sociology", "us_foreign_policy",  # social sciences
    "clinical_knowledge", "marketing",  # other
)  # fmt: skip
SEED = 12


def split(examples: list[Example]) -> tuple[list[int], list[int], list[int]]:
    rng = random.Random(SEED)
    train, in_domain, out_subject = [], [], []
    for i, ex in enumerate(examples):
        if ex.group in HELD_OUT:
            out_subject.append(i)
        elif rng.random() < 0.2:
            in_domain.append(i)
        else:
            train.append(i)
    return train, in_domain, out_subject


def report(label: str, examples: list[Example], rows: list[int], scores: dict[str, list[float]]) -> dict[str, Curve]:
    strong = [examples[i].strong for i in rows]
    weak = [examples[i].weak for i in rows]
    print(f"\n{label}: {len(rows)} prompts, weak {sum(weak) / len(rows):.3f}, strong {sum(strong) / len(rows):.3f}")
    print(f"  {'router':<28} {'APGR':>6} {'CPT(50%)':>9} {'CPT(80%)':>9}")
    curves = {}
    for name, s in scores.items():
        c = curve(s, strong, weak)
        curves[name] = c
        print(f"  {name:<28} {c.apgr:6.3f} {c.cpt(0.5):9.1%} {c.cpt(0.8):9.1%}")
    return curves


def overhead(router_window: int, router: object) -> tuple[float, float]:
    model = shared()
    words = "Consider the function f(x) = 3x^2 + 2x and explain which of the following statements hold about it".split()
    n = 300
    while len(model.token_ids([" ".join(words[i % len(words)] for i in range(n))])[0]) < 500:
        n += 5
    prompt = " ".join(words[i % len(words)] for i in range(n))
    score = router.score  # type: ignore[attr-defined]
    for _ in range(5):
        score(prompt)
    times = []
    for _ in range(200):
        t = time.perf_counter()
        score(prompt)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data/routing/routellm-mmlu"))
    parser.add_argument("--windows", default="0,32")
    parser.add_argument("--l2", type=float, default=30.0)
    parser.add_argument("--ship-window", type=int, default=None, help="window of the router to write")
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--png", type=Path, default=None)
    args = parser.parse_args()
    examples = load_examples(args.data)
    train, in_domain, out_subject = split(examples)
    prompts = [e.prompt for e in examples]
    model = shared()
    lengths = [float(len(p)) for p in prompts]
    rng = random.Random(SEED)
    rand = [rng.random() for _ in prompts]
    labels = [examples[i].needs_strong for i in train]
    print(f"{len(examples)} prompts; train {len(train)}, in-domain held-out rows {len(in_domain)}, "
          f"held-out subjects {len(out_subject)} ({len(HELD_OUT)} subjects)")  # fmt: skip
    scores: dict[str, list[float]] = {"random": rand, "prompt length": lengths}
    routers = {}
    for window in (int(w) for w in args.windows.split(",")):
        t = time.perf_counter()
        rows = featurize(model, prompts, window)
        router = fit(rows[train], labels, name="default", window=window, l2=args.l2)
        routers[window] = router
        scores[f"MiniLM router (window {window})"] = [float(x) for x in router.probabilities(rows)]
        print(f"window {window}: featurised and fit in {time.perf_counter() - t:.0f} s")
    pick = lambda rows: {k: [v[i] for i in rows] for k, v in scores.items()}  # noqa: E731
    out_curves = report("Out of subject (12 held-out subjects)", examples, out_subject, pick(out_subject))
    in_curves = report("In domain (held-out rows of train subjects)", examples, in_domain, pick(in_domain))
    for window, router in routers.items():
        p50, p95 = overhead(window, router)
        print(f"overhead, 500-token prompt, window {window}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    if args.png:
        from freehold.routing.plot import save_curves

        save_curves(out_curves, args.png, "Held-out MMLU subjects: quality vs strong calls")
        print(f"curve saved to {args.png}")
    if args.write:
        window = args.ship_window if args.ship_window is not None else min(routers)
        router = routers[window]
        name = f"MiniLM router (window {window})"
        c, cal = out_curves[name], in_curves[name]  # threshold from train subjects' rows, never the test subjects
        router.threshold = cal.thresholds[min(range(len(cal.shares)), key=lambda i: abs(cal.shares[i] - 0.5))]
        router.provenance = {
            "data": "RouteLLM MMLU (lm-sys/RouteLLM routellm/evals/mmlu, 14,037 prompts after decontamination)",
            "strong": "gpt-4-1106-preview",
            "weak": "mistralai/Mixtral-8x7B-Instruct-v0.1",
            "label": "needs strong = strong correct and weak wrong (both wrong counts as not needing it)",
            "held_out_subjects": list(HELD_OUT),
            "train_rows": len(train),
            "l2": args.l2,
            "threshold": "50 % strong calls on the held-out rows of the train subjects",
            "out_of_subject": {"apgr": round(c.apgr, 4), "cpt50": round(c.cpt(0.5), 4), "cpt80": round(c.cpt(0.8), 4)},
            "in_domain_apgr": round(in_curves[name].apgr, 4),
            "reproduce": "bench/router.py --write src/freehold/routing/routers/default.json",
        }
        router.save(args.write)
        print(f"router written to {args.write} ({args.write.stat().st_size} bytes)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
