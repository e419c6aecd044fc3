"""The gateway file's ``privacy:`` section: detection, policies and the audit log.

Each part is its own model (detection, policies, audit), validated at start-up like the rest.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from freehold.config.common import StrictModel
from freehold.privacy.spans import Category

__all__ = ["AuditSection", "CustomPattern", "DenyList", "DetectionSection", "PoliciesSection", "PrivacySection"]


def _regex(value: str) -> str:
    """Compiled now, so a bad pattern fails ``freehold check`` with its path, not the first request."""
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    if compiled.match(""):
        raise ValueError("matches the empty string, so it would match everywhere; make it require a character")
    return value


class CustomPattern(StrictModel):
    """An operator's own pattern: every match is a span of ``type``."""

    name: str = Field(min_length=1, max_length=100)
    """Shown in logs and the audit record, e.g. ``employee-id``."""
    type: Category
    """The category a match counts as (its policy action follows the category)."""
    pattern: Annotated[str, AfterValidator(_regex)]
    """A Python regular expression; use ``(?i)`` for case-insensitive and ``\\b`` for word edges."""
    score: float = Field(0.9, ge=0, le=1)
    """The confidence reported with each match."""


class DenyList(StrictModel):
    """Words or phrases that are always of ``type`` (project code names, customer names, hosts)."""

    type: Category
    values: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(min_length=1)
    """Matched case-insensitively as whole words (not inside a longer word)."""


class DetectionSection(StrictModel):
    """What is looked for (built-in detectors, custom patterns, deny-lists, the optional NER model)."""

    custom: list[CustomPattern] = []
    """Extra patterns, each with a ``name``, a ``type`` (one of the categories) and a ``pattern``."""
    deny: list[DenyList] = []
    """Exact words and phrases per category."""
    disable: list[Category] = []
    """Categories not looked for at all (custom patterns and deny-lists of them included)."""
    ner: bool = False
    """Find PERSON, LOCATION and ORGANIZATION with the NER model (needs ``pip install 'freehold[ner]'``)."""


class PoliciesSection(StrictModel):
    """What is done with what is found, per alias, key or team."""


class AuditSection(StrictModel):
    """The tamper-evident audit log."""


class PrivacySection(StrictModel):
    """Data that stays home: see docs/privacy.md."""

    detection: DetectionSection = DetectionSection()
    policies: PoliciesSection = PoliciesSection()
    audit: AuditSection = AuditSection()
