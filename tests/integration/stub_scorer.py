"""A stub difficulty scorer the real server loads (``router.model: tests.integration.stub_scorer:KeywordScorer``).

It reads the score from the prompt (``difficulty=0.73``; 0.05 without one), so tests put requests
on either side of the threshold at will. ``sleep=0.4`` makes it block its thread that long: a
scorer run on the event loop would stall every other request meanwhile. ``mark=/path`` creates that
file as scoring starts, so a test can wait until a prompt holds a scoring thread.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

_SCORE = re.compile(r"difficulty=([0-9.]+)")
_SLEEP = re.compile(r"sleep=([0-9.]+)")
_MARK = re.compile(r"mark=(\S+)")


class KeywordScorer:
    threshold = 0.5
    name = "stub"

    def score(self, prompt: str) -> float:
        mark = _MARK.search(prompt)
        if mark:
            Path(mark.group(1)).touch()
        pause = _SLEEP.search(prompt)
        if pause:
            time.sleep(float(pause.group(1)))  # CPU-bound work stands in as a blocking call
        found = _SCORE.search(prompt)
        return float(found.group(1)) if found else 0.05


class Broken:
    threshold = 0.5

    def score(self, prompt: str) -> float:
        raise RuntimeError("the classifier fell over")
