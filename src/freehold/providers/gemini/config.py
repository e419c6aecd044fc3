"""The ``gemini`` deployment's config model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator

from freehold.config.common import BaseUrl, DeploymentBase
from freehold.config.secrets import SecretRef

__all__ = ["GeminiDeployment"]


class GeminiDeployment(DeploymentBase):
    """A model on Google's Generative Language API (Gemini API), authenticated by API key."""

    provider: Literal["gemini"]
    api_base: BaseUrl = "https://generativelanguage.googleapis.com"
    """Scheme and host, without the ``/v1beta`` version segment."""
    api_key: SecretRef
    """``env:GEMINI_API_KEY`` or ``file:/path``; sent as ``x-goog-api-key``, never in the URL."""
    safety_settings: tuple[dict[str, Any], ...] = ()
    """Passed through as the request's ``safetySettings`` (``[{category, threshold}, ...]``)."""

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. https://generativelanguage.googleapis.com)")
        value = value.rstrip("/")
        return value.removesuffix("/v1beta")

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        return value.removeprefix("models/")
