"""Bedrock Converse wire shapes (private to the package).

They follow the service model botocore ships (``bedrock-runtime`` ``2023-09-30``: ``ConverseRequest``,
``ConverseResponse``, ``ConverseStreamOutput``) as sent over REST-JSON: blobs (image bytes) are
base64 strings, documents (tool input, JSON schema) are plain JSON. Only what the gateway writes
or reads is spelled out.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

__all__ = [
    "ContentBlock",
    "ConverseRequest",
    "ImageFormat",
    "ConverseResponse",
    "InferenceConfig",
    "Message",
    "TokenUsage",
    "Tool",
    "ToolChoice",
]

StopReason = Literal[
    "end_turn",
    "tool_use",
    "max_tokens",
    "stop_sequence",
    "guardrail_intervened",
    "content_filtered",
    "malformed_model_output",
    "malformed_tool_use",
    "model_context_window_exceeded",
]


ImageFormat = Literal["png", "jpeg", "gif", "webp"]


class ImageSource(TypedDict):
    bytes: str  # base64 in REST-JSON


class ImageBlock(TypedDict):
    format: ImageFormat
    source: ImageSource


class DocumentBlock(TypedDict):
    format: Literal["pdf", "csv", "doc", "docx", "xls", "xlsx", "html", "txt", "md"]
    name: str
    """Letters, digits, single spaces, hyphens, parentheses and square brackets; 1 to 200 characters."""
    source: ImageSource


class ToolUseBlock(TypedDict):
    toolUseId: str
    name: str
    input: Any  # a JSON document; an object for function tools


class ToolResultBlock(TypedDict):
    toolUseId: str
    content: list[dict[str, Any]]  # [{"text": ...}] or [{"json": ...}]
    status: NotRequired[Literal["success", "error"]]


class ReasoningText(TypedDict):
    text: str
    signature: NotRequired[str]


class ReasoningContent(TypedDict, total=False):
    reasoningText: ReasoningText
    redactedContent: str


class ContentBlock(TypedDict, total=False):
    """A union: exactly one key is set."""

    text: str
    image: ImageBlock
    document: DocumentBlock
    toolUse: ToolUseBlock
    toolResult: ToolResultBlock
    reasoningContent: ReasoningContent


class Message(TypedDict):
    role: Literal["user", "assistant"]
    content: list[ContentBlock]


class InferenceConfig(TypedDict, total=False):
    maxTokens: int
    temperature: float
    topP: float
    stopSequences: list[str]


class ToolSpec(TypedDict):
    name: str
    inputSchema: dict[str, Any]  # {"json": <JSON schema>}
    description: NotRequired[str]


class Tool(TypedDict):
    toolSpec: ToolSpec


class ToolChoice(TypedDict, total=False):
    """A union: ``{"auto": {}}``, ``{"any": {}}`` or ``{"tool": {"name": ...}}``."""

    auto: dict[str, Any]
    any: dict[str, Any]
    tool: dict[str, str]


class ToolConfig(TypedDict):
    tools: list[Tool]
    toolChoice: NotRequired[ToolChoice]


class ConverseRequest(TypedDict, total=False):
    """The JSON body of ``/model/{modelId}/converse`` and ``/converse-stream`` (the model is in the path)."""

    messages: list[Message]
    system: list[dict[str, str]]  # [{"text": ...}]
    inferenceConfig: InferenceConfig
    toolConfig: ToolConfig
    additionalModelRequestFields: dict[str, Any]
    outputConfig: dict[str, Any]
    requestMetadata: dict[str, str]
    """Tags for filtering invocation logs (at most 16 pairs)."""


class TokenUsage(TypedDict):
    inputTokens: int
    outputTokens: int
    totalTokens: int
    cacheReadInputTokens: NotRequired[int]
    cacheWriteInputTokens: NotRequired[int]


class ConverseResponse(TypedDict):
    output: dict[str, Message]  # {"message": Message}
    stopReason: StopReason
    usage: TokenUsage
    metrics: dict[str, int]  # {"latencyMs": ...}
