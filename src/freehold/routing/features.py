"""What the difficulty router sees of a prompt: MiniLM vectors plus cheap text counts.

Every prompt is tokenised once; the mean of MiniLM's input token embeddings covers all of it in
microseconds, and an optional contextual pass over its first ``window`` tokens adds what the
encoder understands (about 0.35 ms per token on this CPU, so the window is what bounds latency).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from freehold.embedding.minilm import MiniLM

__all__ = ["TEXT_FEATURES", "featurize", "text_features"]

_MATH = re.compile(r"[=+\-*/^<>√∫∑π≤≥∞]|\\frac|\\sqrt|\$")
_CODE = re.compile(r"```|\bdef |\breturn\b|\bimport\b|[{};]|\bint\b|\bprintf?\b|==|!=|\+\+")
_QUESTION = re.compile(r"\b(what|which|why|how|who|when|where)\b", re.I)
_TASK = re.compile(r"\b(calculate|compute|find|solve|prove|derive|evaluate|determine|estimate)\b", re.I)
_NEGATION = re.compile(r"\b(not|except|least|false|incorrect|never)\b", re.I)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

TEXT_FEATURES = (
    "log_chars",
    "log_words",
    "log_tokens",
    "log_lines",
    "digit_share",
    "numbers_per_word",
    "math_per_word",
    "code_per_word",
    "questions",
    "task_verbs",
    "negations",
    "mean_word_len",
    "upper_share",
)


def text_features(prompt: str, tokens: int) -> list[float]:
    """The counts named in :data:`TEXT_FEATURES`, scaled so that none dominates the fit."""
    chars = len(prompt)
    words = max(len(prompt.split()), 1)
    letters = sum(map(str.isalpha, prompt)) or 1  # map over str methods: ~10x a generator
    return [
        math.log1p(chars),
        math.log1p(words),
        math.log1p(tokens),
        math.log1p(prompt.count("\n")),
        sum(map(str.isdigit, prompt)) / max(chars, 1),
        len(_NUMBER.findall(prompt)) / words,
        len(_MATH.findall(prompt)) / words,
        len(_CODE.findall(prompt)) / words,
        float(len(_QUESTION.findall(prompt))),
        float(len(_TASK.findall(prompt))),
        float(len(_NEGATION.findall(prompt))),
        chars / words,
        sum(map(str.isupper, prompt)) / letters,
    ]


def featurize(model: MiniLM, prompts: Sequence[str], window: int) -> npt.NDArray[np.float32]:
    """One row per prompt: [static mean (384) | contextual window (384, if window > 0) | text features]."""
    import numpy as np

    ids = model.token_ids(prompts)
    parts = [model.static_mean(ids)]
    if window > 0:
        parts.append(model.embed_ids(ids, window))
    parts.append(np.asarray([text_features(p, len(t)) for p, t in zip(prompts, ids, strict=True)], dtype=np.float32))
    return np.concatenate(parts, axis=1)
