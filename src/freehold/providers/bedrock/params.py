"""Which OpenAI parameters Converse takes, maps, drops, emulates or refuses (``providers.emulation``).

``screen`` handles every field that ``translate`` does not read: hints are dropped (and named
in the response header), contracts refused. ``PARAMETERS`` says the same for docs/providers.md.
"""

from __future__ import annotations

import re
from typing import Any

from freehold.providers import emulation
from freehold.providers.emulation import Handling, Plan
from freehold.schemas.chat import ChatRequest

__all__ = ["PARAMETERS", "TRANSLATED", "request_metadata", "screen"]

# Request fields ``translate`` reads (mapping, emulating or refusing them itself).
TRANSLATED = frozenset(
    {
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature",
        "top_p", "top_k", "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format",
        "reasoning_effort", "metadata",
    }
)  # fmt: skip
_DROPPED = ("user", "safety_identifier", "store", "service_tier", "seed", "presence_penalty", "frequency_penalty",
            "prompt_cache_key", "prompt_cache_retention", "prediction", "verbosity")  # fmt: skip
_REFUSED = {
    "n": "Converse returns one choice per request",
    "logprobs": "Bedrock's Converse API returns no log probabilities",
    "top_logprobs": "Bedrock's Converse API returns no log probabilities",
    "logit_bias": "Converse cannot ban or favour tokens",
    "modalities": "Converse answers in text only",
    "audio": "Converse answers in text only",
    "web_search_options": "Converse has no web search",
    "functions": "send 'tools' instead (the deprecated form is not translated)",
    "function_call": "send 'tool_choice' instead (the deprecated form is not translated)",
}
# requestMetadata's limits (Converse API reference): at most 16 pairs of these characters.
_METADATA_TEXT = re.compile(r"[a-zA-Z0-9\s._:/=+$@-]{0,256}")
_METADATA_PAIRS = 16

PARAMETERS: tuple[Handling, ...] = (
    Handling(
        "metadata", "mapped", "`requestMetadata` (invocation-log tags); dropped if a key or value breaks its limits"
    ),
    Handling("top_k", "mapped", "`additionalModelRequestFields.top_k` for Claude; dropped for other models"),
    *(Handling(p, "dropped") for p in _DROPPED),
    Handling(
        "response_format",
        "emulated",
        "Claude: a forced tool with an object input, which becomes `content` (stream: content deltas); refused "
        "with reasoning (a forced tool is not allowed with thinking) and on other models",
        case="json_object",
    ),
    Handling("response_format", "native", "`outputConfig.textFormat`", case="json_schema"),
    Handling(
        "parallel_tool_calls",
        "emulated",
        "Converse cannot be told: the answer keeps only its first tool call (whole answers and streams)",
        case="false",
    ),
    Handling(
        "tool_choice",
        "refused",
        "Converse needs the tools defined while the conversation holds tool calls, and cannot forbid calling them",
        case="none, with tool calls in the conversation",
    ),
    Handling("n", "refused", _REFUSED["n"], case="> 1"),
    *(Handling(p, "refused", _REFUSED[p]) for p in _REFUSED if p != "n"),
)


def screen(request: ChatRequest, model: str, plan: Plan) -> None:
    """Drop the hints Converse has no field for; refuse the contracts it cannot keep."""
    emulation.screen(
        request, model, plan, translated=TRANSLATED, dropped=_DROPPED, refused=_REFUSED,
        otherwise="Bedrock's Converse API has no such parameter",
    )  # fmt: skip


def request_metadata(metadata: Any) -> dict[str, str] | None:
    """OpenAI's ``metadata`` as Converse's ``requestMetadata``, or None where it breaks Converse's limits."""
    if not isinstance(metadata, dict) or len(metadata) > _METADATA_PAIRS:
        return None
    for key, value in metadata.items():
        if not key or not isinstance(value, str):
            return None
        if not _METADATA_TEXT.fullmatch(key) or not _METADATA_TEXT.fullmatch(value):
            return None
    return dict(metadata)
