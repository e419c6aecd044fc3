"""Detectors of personal data and secrets: ``build_detector(section)`` is the entry point.

``structured`` (checksummed and fixed-shape values), ``contextual`` (phones, dates of birth),
``secrets`` (credentials), ``configured`` (the operator's patterns and deny-lists), ``ner``
(the optional model) each propose candidates; ``detector`` settles overlaps.
"""

from typing import Final

from freehold.privacy.detectors import detector
from freehold.privacy.detectors.detector import CompositeDetector, build_detector

__all__ = ["COMPILED", "CompositeDetector", "build_detector"]

COMPILED: Final = not (detector.__file__ or "").endswith(".py")
"""Whether these modules run compiled by mypyc (a regular wheel, hatch_build.py) or as Python source."""
