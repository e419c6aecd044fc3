"""Config pieces shared by every provider's deployment model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DeploymentBase", "StrictModel", "Timeout"]


class StrictModel(BaseModel):
    """Frozen, and rejects unknown keys so that typos fail at start-up instead of being ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Timeout(StrictModel):
    """Upstream time limits in seconds. A bare number in the file sets ``total``."""

    connect: float = Field(10.0, gt=0)
    """Establishing the TCP (and TLS) connection."""
    read: float = Field(120.0, gt=0)
    """Longest wait for the next bytes: the time to first token, or between stream events."""
    total: float = Field(600.0, gt=0)
    """Whole request, streams included."""

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"total": value, "read": min(float(value), 120.0)}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Timeout:
        if self.connect > self.total or self.read > self.total:
            raise ValueError("connect and read must not exceed total")
        return self


class DeploymentBase(StrictModel):
    """Fields every deployment has, whatever its provider."""

    provider: str
    """The provider type; each provider's model narrows it to its own literal."""
    name: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:/@+-]+$")
    """Shown in ``x-freehold-deployment``; defaults to ``<alias>/<provider>/<model>``."""
    model: str = Field(min_length=1)
    """The model name the upstream knows."""
    weight: float = Field(1.0, gt=0)
    """Share of the alias's traffic, relative to its sibling deployments."""
    timeout: Timeout = Timeout()
