"""Per-deployment quota: configured RPM/TPM windows and the upstream's own rate-limit hints.

The balancer asks ``wait_time(name, tokens)`` before sending: 0 means the deployment has room
now; otherwise it says how long until it will. Sending records the request (``acquire``) and
every answer's ``RateLimitHint`` tightens the picture (``observe``), so a deployment is steered
around *before* it answers 429 rather than retried after.

State is per process: with several replicas each keeps its own share of the window, and the
upstream's headers (which count every replica's traffic) correct the estimate.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from freehold.providers.base import RateLimitHint

__all__ = ["QuotaTracker"]

WINDOW = 60.0  # RPM and TPM are per-minute limits


@dataclass(slots=True)
class _Deployment:
    rpm: int | None
    tpm: int | None
    sent: deque[tuple[float, int]] = field(default_factory=deque)
    tokens_in_window: int = 0
    # From the upstream's headers: how much is left, and until when the window is exhausted.
    hint_requests_left: int | None = None
    hint_tokens_left: int | None = None
    requests_reset_at: float = 0.0
    tokens_reset_at: float = 0.0


class QuotaTracker:
    """Knows how much each deployment may still receive."""

    def __init__(
        self, limits: Mapping[str, tuple[int | None, int | None]], clock: Callable[[], float] = time.monotonic
    ):
        self._clock = clock
        self._deployments = {
            name: _Deployment(rpm, tpm) for name, (rpm, tpm) in limits.items() if rpm is not None or tpm is not None
        }

    def _trim(self, dep: _Deployment, now: float) -> None:
        sent = dep.sent
        while sent and now - sent[0][0] >= WINDOW:
            dep.tokens_in_window -= sent.popleft()[1]

    def wait_time(self, name: str, tokens: int) -> float:
        """Seconds until ``name`` can take a request of ``tokens`` tokens (0: now)."""
        dep = self._deployments.get(name)
        if dep is None:
            return 0.0
        now = self._clock()
        self._trim(dep, now)
        wait = 0.0
        if dep.hint_requests_left is not None and dep.hint_requests_left <= 0 and now < dep.requests_reset_at:
            wait = dep.requests_reset_at - now
        if dep.hint_tokens_left is not None and dep.hint_tokens_left < tokens and now < dep.tokens_reset_at:
            wait = max(wait, dep.tokens_reset_at - now)
        if dep.rpm is not None and len(dep.sent) >= dep.rpm:
            wait = max(wait, dep.sent[len(dep.sent) - dep.rpm][0] + WINDOW - now)
        if dep.tpm is not None and dep.tokens_in_window + tokens > dep.tpm and dep.sent:
            # Wait until enough of the window's tokens have aged out.
            excess = dep.tokens_in_window + tokens - dep.tpm
            freed = 0
            for sent_at, used in dep.sent:
                freed += used
                if freed >= excess:
                    wait = max(wait, sent_at + WINDOW - now)
                    break
            else:  # larger than the whole quota: it goes alone, once the window is empty
                wait = max(wait, dep.sent[-1][0] + WINDOW - now)
        return max(wait, 0.0)

    def headroom(self, name: str) -> float:
        """Fraction of the tightest quota still free (1.0 when unlimited); orders the quota strategy."""
        dep = self._deployments.get(name)
        if dep is None:
            return 1.0
        self._trim(dep, self._clock())
        fractions = [1.0]
        if dep.rpm is not None:
            fractions.append(1.0 - len(dep.sent) / dep.rpm)
        if dep.tpm is not None:
            fractions.append(1.0 - dep.tokens_in_window / dep.tpm)
        return max(0.0, min(fractions))

    def acquire(self, name: str, tokens: int) -> None:
        dep = self._deployments.get(name)
        if dep is None:
            return
        dep.sent.append((self._clock(), tokens))
        dep.tokens_in_window += tokens
        if dep.hint_requests_left is not None:
            dep.hint_requests_left -= 1
        if dep.hint_tokens_left is not None:
            dep.hint_tokens_left -= tokens

    def observe(self, name: str, hint: RateLimitHint | None, retry_after: float | None = None) -> None:
        """Take in what an upstream said: its rate-limit headers, or a 429's Retry-After."""
        if hint is None and retry_after is None:
            return
        dep = self._deployments.get(name)
        if dep is None:
            dep = self._deployments[name] = _Deployment(None, None)
        now = self._clock()
        if hint is not None:
            if hint.remaining_requests is not None:
                dep.hint_requests_left = hint.remaining_requests
                dep.requests_reset_at = now + (hint.reset_requests if hint.reset_requests is not None else 1.0)
            if hint.remaining_tokens is not None:
                dep.hint_tokens_left = hint.remaining_tokens
                dep.tokens_reset_at = now + (hint.reset_tokens if hint.reset_tokens is not None else 1.0)
        if retry_after is not None:
            dep.hint_requests_left = 0
            dep.requests_reset_at = max(dep.requests_reset_at, now + retry_after)
