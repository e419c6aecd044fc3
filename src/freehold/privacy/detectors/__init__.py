"""Detectors of personal data and secrets: ``build_detector(section)`` is the entry point.

``structured`` (checksummed and fixed-shape values), ``contextual`` (phones, dates of birth),
``secrets`` (credentials), ``configured`` (the operator's patterns and deny-lists), ``ner``
(the optional model) each propose candidates; ``detector`` settles overlaps.
"""

from freehold.privacy.detectors.detector import CompositeDetector, build_detector

__all__ = ["CompositeDetector", "build_detector"]
