"""Which OpenAI parameters ``generateContent`` takes, drops, emulates or refuses (``providers.emulation``).

``screen`` handles every field that ``translate`` does not read: hints are dropped (and named
in the response header), contracts refused. ``PARAMETERS`` says the same for docs/providers.md.
"""

from __future__ import annotations

from freehold.providers import emulation
from freehold.providers.emulation import Handling, Plan
from freehold.schemas.chat import ChatRequest

__all__ = ["PARAMETERS", "TRANSLATED", "screen"]

# Request fields ``translate`` reads (mapping, emulating or refusing them itself).
TRANSLATED = frozenset(
    {
        "model", "messages", "stream", "stream_options", "n", "max_tokens", "max_completion_tokens", "temperature",
        "top_p", "top_k", "seed", "presence_penalty", "frequency_penalty", "stop", "logprobs", "top_logprobs",
        "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort",
    }
)  # fmt: skip
_DROPPED = ("user", "safety_identifier", "metadata", "store", "service_tier", "prompt_cache_key",
            "prompt_cache_retention", "prediction", "verbosity")  # fmt: skip
_REFUSED = {
    "logit_bias": "the Gemini API cannot ban or favour tokens",
    "modalities": "audio answers are not translated",
    "audio": "audio answers are not translated",
    "web_search_options": "Google Search grounding is not translated",
    "functions": "send 'tools' instead (the deprecated form is not translated)",
    "function_call": "send 'tool_choice' instead (the deprecated form is not translated)",
}

PARAMETERS: tuple[Handling, ...] = (
    *(Handling(p, "native") for p in ("seed", "presence_penalty", "frequency_penalty")),
    *(Handling(p, "dropped") for p in _DROPPED),
    Handling("n", "native", "`candidateCount`", case="> 1"),
    Handling("logprobs", "native", "`responseLogprobs`"),
    Handling("top_logprobs", "native", "`logprobs`"),
    Handling("response_format", "native", "`responseMimeType: application/json`", case="json_object"),
    Handling("response_format", "native", "`responseJsonSchema`", case="json_schema"),
    Handling(
        "parallel_tool_calls",
        "emulated",
        "Gemini cannot be told: a forced function (`tool_choice` naming it) is passed through, and the answer "
        "keeps only its first function call (whole answers and streams)",
        case="false",
    ),
    *(Handling(p, "refused", why) for p, why in _REFUSED.items()),
)


def screen(request: ChatRequest, model: str, plan: Plan) -> None:
    """Drop the hints the Gemini API has no field for; refuse the contracts it cannot keep."""
    emulation.screen(
        request, model, plan, translated=TRANSLATED, dropped=_DROPPED, refused=_REFUSED,
        otherwise="the Gemini API has no equivalent",
    )  # fmt: skip
