"""The Gemini API's wire types (``v1beta``), as far as the gateway reads or writes them.

Field names are the REST (camelCase) ones. Everything is ``total=False``: the API leaves out
defaults (a candidate's ``index`` 0, an empty ``parts`` list), so readers must too.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = [
    "Candidate",
    "Content",
    "FunctionCall",
    "FunctionDeclaration",
    "GenerateContentRequest",
    "GenerateContentResponse",
    "GenerationConfig",
    "Part",
    "RpcStatus",
    "UsageMetadata",
]


class Blob(TypedDict, total=False):
    mimeType: str
    data: str  # base64


class FileData(TypedDict, total=False):
    mimeType: str
    fileUri: str


class FunctionCall(TypedDict, total=False):
    id: str
    name: str
    args: dict[str, Any]


class FunctionResponse(TypedDict, total=False):
    id: str
    name: str
    response: dict[str, Any]


class Part(TypedDict, total=False):
    text: str
    thought: bool
    thoughtSignature: str
    inlineData: Blob
    fileData: FileData
    functionCall: FunctionCall
    functionResponse: FunctionResponse


class Content(TypedDict, total=False):
    role: str  # "user" | "model"
    parts: list[Part]


class FunctionDeclaration(TypedDict, total=False):
    name: str
    description: str
    parametersJsonSchema: dict[str, Any]


class ThinkingConfig(TypedDict, total=False):
    thinkingBudget: int
    includeThoughts: bool


class GenerationConfig(TypedDict, total=False):
    stopSequences: list[str]
    candidateCount: int
    maxOutputTokens: int
    temperature: float
    topP: float
    topK: int
    seed: int
    presencePenalty: float
    frequencyPenalty: float
    responseLogprobs: bool
    logprobs: int
    responseMimeType: str
    responseJsonSchema: dict[str, Any]
    thinkingConfig: ThinkingConfig


class GenerateContentRequest(TypedDict, total=False):
    contents: list[Content]
    systemInstruction: Content
    tools: list[dict[str, Any]]
    toolConfig: dict[str, Any]
    safetySettings: list[dict[str, Any]]
    generationConfig: GenerationConfig


class UsageMetadata(TypedDict, total=False):
    promptTokenCount: int
    cachedContentTokenCount: int
    candidatesTokenCount: int
    toolUsePromptTokenCount: int
    thoughtsTokenCount: int
    totalTokenCount: int


class Candidate(TypedDict, total=False):
    index: int
    content: Content
    finishReason: str
    logprobsResult: dict[str, Any]


class GenerateContentResponse(TypedDict, total=False):
    candidates: list[Candidate]
    promptFeedback: dict[str, Any]
    usageMetadata: UsageMetadata
    modelVersion: str
    responseId: str


class RpcStatus(TypedDict, total=False):
    """``google.rpc.Status`` as JSON: the value of an error body's ``error`` key."""

    code: int
    message: str
    status: str
    details: list[dict[str, Any]]
