"""``PromptLength``: a router scorer from the prompt's length alone, needing no extra.

The baseline every trained router is measured against (docs/routing.md): longer prompts
are more often hard. Useful where the difficulty router's extra is not installed, and as the
``router.model`` of examples: ``freehold.routing.length:PromptLength``.
"""

from __future__ import annotations

__all__ = ["PromptLength"]


class PromptLength:
    """Score ``n / (n + half)`` for a prompt of ``n`` estimated tokens: 0.5 at ``half`` tokens."""

    name = "prompt-length"

    def __init__(self, half: int = 200, threshold: float = 0.5) -> None:
        self.half = half
        self.threshold = threshold

    def score(self, prompt: str) -> float:
        tokens = len(prompt) / 4
        return tokens / (tokens + self.half)
