"""The difficulty router: how likely a prompt needs the strong model, from MiniLM and text features.

A logistic regression (fit here in numpy, :func:`fit`) over :func:`features.featurize` rows. The
artifact is one JSON file holding the feature recipe, the standardisation, the weights, the
default threshold and where it came from, so a router trained on a team's own traffic is a file
they can read, diff and ship. ``load_router("default")`` is the one trained on RouteLLM's MMLU
data with whole subjects held out (bench/router.py reproduces it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from freehold.routing.features import TEXT_FEATURES, featurize

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from freehold.embedding.minilm import MiniLM

__all__ = ["FORMAT", "DifficultyRouter", "fit", "load_router"]

FORMAT = "freehold-difficulty-router/1"
_ROUTERS = Path(__file__).with_name("routers")


@dataclass
class DifficultyRouter:
    """Scores prompts in [0, 1]; at or above ``threshold`` a prompt should go to the strong model."""

    name: str
    threshold: float
    window: int  # contextual MiniLM tokens (0: static token embeddings only)
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    provenance: dict[str, Any] = field(default_factory=dict)
    _arrays: tuple[Any, Any, Any] | None = field(default=None, repr=False, compare=False)
    _model: MiniLM | None = field(default=None, repr=False, compare=False)

    def score(self, prompt: str) -> float:
        return self.score_many([prompt])[0]

    def score_many(self, prompts: Sequence[str]) -> list[float]:
        if not prompts:
            return []
        return [float(p) for p in self.probabilities(self.features(prompts))]

    def features(self, prompts: Sequence[str]) -> npt.NDArray[np.float32]:
        if self._model is None:
            from freehold.embedding.minilm import shared

            self._model = shared()
        return featurize(self._model, prompts, self.window)

    def probabilities(self, rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """The sigmoid of the linear score of already-featurised rows (training reuses features)."""
        import numpy as np

        if self._arrays is None:
            self._arrays = (
                np.asarray(self.mean, dtype=np.float32),
                np.asarray(self.scale, dtype=np.float32),
                np.asarray(self.weights, dtype=np.float32),
            )
        mean, scale, weights = self._arrays
        if rows.shape[1] != weights.shape[0]:
            raise ValueError(f"router {self.name}: expects {weights.shape[0]} features, got {rows.shape[1]}")
        z = ((rows - mean) / scale) @ weights + self.bias
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z.astype(np.float64), -40, 40)))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "threshold": self.threshold,
            "features": {"minilm_static_mean": 384, "minilm_window_tokens": self.window, "text": list(TEXT_FEATURES)},
            "mean": [round(x, 7) for x in self.mean],
            "scale": [round(x, 7) for x in self.scale],
            "weights": [round(x, 7) for x in self.weights],
            "bias": self.bias,
            "provenance": self.provenance,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n")


def _check(source: str, obj: Any) -> DifficultyRouter:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ValueError(f'{source}: not a difficulty router (expected "format": "{FORMAT}")')
    feats = obj.get("features", {})
    if list(feats.get("text", [])) != list(TEXT_FEATURES):
        raise ValueError(f"{source}: trained with other text features than this version computes; retrain it")
    window = int(feats.get("minilm_window_tokens", 0))
    width = 384 + (384 if window > 0 else 0) + len(TEXT_FEATURES)
    for key in ("mean", "scale", "weights"):
        if len(obj.get(key, ())) != width:
            raise ValueError(f"{source}: '{key}' must have {width} numbers")
    threshold = float(obj["threshold"])
    if not 0 <= threshold <= 1 or not math.isfinite(float(obj["bias"])):
        raise ValueError(f"{source}: 'threshold' must lie in [0, 1] and 'bias' be finite")
    return DifficultyRouter(
        name=str(obj.get("name", source)),
        threshold=threshold,
        window=window,
        mean=[float(x) for x in obj["mean"]],
        scale=[float(x) for x in obj["scale"]],
        weights=[float(x) for x in obj["weights"]],
        bias=float(obj["bias"]),
        provenance=dict(obj.get("provenance", {})),
    )


def load_router(path_or_name: str) -> DifficultyRouter:
    """A router from a JSON artifact, or a shipped one by name (``"default"``)."""
    path = Path(path_or_name)
    if not path.suffix and not path.exists():
        path = _ROUTERS / f"{path_or_name}.json"
        if not path.exists():
            shipped = ", ".join(sorted(p.stem for p in _ROUTERS.glob("*.json")))
            raise ValueError(f"no shipped router named {path_or_name!r} (shipped: {shipped}); or give a file path")
    try:
        obj = json.loads(path.read_text())
    except FileNotFoundError:
        raise ValueError(f"{path}: no such router file") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    try:
        return _check(str(path), obj)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: malformed router file ({type(exc).__name__}: {exc})") from None


def fit(
    rows: npt.NDArray[np.float32],
    labels: Sequence[bool],
    *,
    name: str,
    window: int,
    l2: float = 1.0,
    provenance: dict[str, Any] | None = None,
) -> DifficultyRouter:
    """L2-regularised logistic regression by Newton's method, classes weighted to equal total weight.

    Few features (≈400–800) and up to tens of thousands of rows: the Hessian solve is milliseconds
    and converges in a handful of steps, so no optimiser library is needed.
    """
    import numpy as np

    y = np.asarray(labels, dtype=np.float64)
    positives = float(y.sum())
    if positives == 0 or positives == len(y):
        raise ValueError(
            "training needs examples of both kinds: prompts that need the strong model and ones that don't"
        )
    mean = rows.mean(axis=0).astype(np.float64)
    scale = rows.std(axis=0).astype(np.float64)
    scale[scale < 1e-6] = 1.0
    x = (rows - mean) / scale
    x = np.hstack([x, np.ones((len(x), 1))])
    sample = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        grad = x.T @ (sample * (p - y)) + penalty * w
        hess = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return DifficultyRouter(
        name=name,
        threshold=0.5,
        window=window,
        mean=mean.tolist(),
        scale=scale.tolist(),
        weights=w[:-1].tolist(),
        bias=float(w[-1]),
        provenance=provenance or {},
    )
