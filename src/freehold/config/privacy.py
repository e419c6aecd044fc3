"""The gateway file's ``privacy:`` section: detection, policies and the audit log.

Each part is its own model (detection, policies, audit), validated at start-up like the rest.
"""

from __future__ import annotations

from freehold.config.common import StrictModel

__all__ = ["AuditSection", "DetectionSection", "PoliciesSection", "PrivacySection"]


class DetectionSection(StrictModel):
    """What is looked for (built-in detectors, custom patterns, deny-lists, the optional NER model)."""


class PoliciesSection(StrictModel):
    """What is done with what is found, per alias, key or team."""


class AuditSection(StrictModel):
    """The tamper-evident audit log."""


class PrivacySection(StrictModel):
    """Data that stays home: see docs/privacy.md."""

    detection: DetectionSection = DetectionSection()
    policies: PoliciesSection = PoliciesSection()
    audit: AuditSection = AuditSection()
