"""The ``anthropic`` deployment's config, and the Messages API's wire shapes (private to the package).

Shapes follow Anthropic's API reference and the official SDK's types (``anthropic.types``):
``MessageCreateParams``, ``Message``, ``Usage``, the ``Raw*Event`` stream events and
``ErrorResponse``. Only the parts the gateway writes or reads are spelled out.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from pydantic import Field, field_validator

from freehold.config.common import BaseUrl, DeploymentBase
from freehold.config.secrets import SecretRef

__all__ = ["AnthropicDeployment"]


class AnthropicDeployment(DeploymentBase):
    """A deployment on Anthropic's Messages API (or a server speaking it)."""

    provider: Literal["anthropic"]
    api_base: BaseUrl = "https://api.anthropic.com"
    """Scheme and host, without ``/v1`` (a trailing ``/v1`` is accepted and removed)."""
    api_key: SecretRef = Field("env:ANTHROPIC_API_KEY", validate_default=True)
    """``env:NAME`` or ``file:/path``; sent as ``x-api-key``."""
    anthropic_version: str = Field("2023-06-01", pattern=r"^\d{4}-\d{2}-\d{2}$")
    """The ``anthropic-version`` header."""
    beta: tuple[str, ...] = ()
    """Beta feature names, sent comma-separated as ``anthropic-beta``."""

    @field_validator("api_base")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. https://api.anthropic.com)")
        value = value.rstrip("/")
        return value.removesuffix("/v1")

    @field_validator("beta")
    @classmethod
    def _beta_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not name or "," in name or not name.isprintable():
                raise ValueError(f"'{name}' is not a beta feature name (e.g. 'context-1m-2025-08-07')")
        return value


# --- request -------------------------------------------------------------------------------


class TextBlock(TypedDict):
    type: Literal["text"]
    text: str
    cache_control: NotRequired[dict[str, Any]]


class ImageBlock(TypedDict):
    type: Literal["image"]
    source: dict[str, str]
    """``{"type": "base64", "media_type", "data"}`` or ``{"type": "url", "url"}``."""
    cache_control: NotRequired[dict[str, Any]]


class DocumentBlock(TypedDict):
    type: Literal["document"]
    source: dict[str, str]


class ToolUseBlock(TypedDict):
    type: Literal["tool_use"]
    id: str
    name: str
    input: dict[str, Any]


class ToolResultBlock(TypedDict):
    type: Literal["tool_result"]
    tool_use_id: str
    content: str | list[TextBlock | ImageBlock]


class ThinkingBlock(TypedDict):
    type: Literal["thinking"]
    thinking: str
    signature: str


class RedactedThinkingBlock(TypedDict):
    type: Literal["redacted_thinking"]
    data: str


Block = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock


class Turn(TypedDict):
    role: Literal["user", "assistant"]
    content: list[Block]


class Tool(TypedDict):
    name: str
    input_schema: dict[str, Any]
    description: NotRequired[str]
    strict: NotRequired[bool]


# --- response ------------------------------------------------------------------------------


class Usage(TypedDict, total=False):
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int | None
    cache_read_input_tokens: int | None
    cache_creation: dict[str, int] | None
    """The writes by lifetime: ``{"ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"}``."""
    output_tokens_details: dict[str, int] | None
    """``{"thinking_tokens": n}`` where the API reports it."""


# Anthropic's ``stop_reason`` → OpenAI's ``finish_reason``.
FINISH_REASONS: dict[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
