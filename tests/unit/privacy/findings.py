"""The detector as the gateway builds it, and the texts of its findings of one kind: shared by the form tests."""

from __future__ import annotations

from freehold.config.privacy import DetectionSection
from freehold.privacy.detectors import build_detector

DETECTOR = build_detector(DetectionSection(), remember=0)


def found(text: str, kind: str) -> list[str]:
    """The text of each span of ``kind`` the detector finds in ``text``, in order."""
    return [text[s.start : s.end] for s in DETECTOR.detect(text) if s.type == kind]
