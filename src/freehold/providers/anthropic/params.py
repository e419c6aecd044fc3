"""Which OpenAI parameters the Messages API takes, maps, drops, emulates or refuses (``providers.emulation``).

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
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature",
        "top_p", "top_k", "stop", "tools", "tool_choice", "parallel_tool_calls", "response_format",
        "reasoning_effort", "thinking", "user", "safety_identifier", "service_tier",
    }
)  # fmt: skip
_DROPPED = ("seed", "presence_penalty", "frequency_penalty", "metadata", "store", "prediction", "prompt_cache_key",
            "prompt_cache_retention", "verbosity")  # fmt: skip
_REFUSED = {
    "n": "the Messages API returns one choice per request",
    "logprobs": "the Messages API does not return log probabilities",
    "top_logprobs": "the Messages API does not return log probabilities",
    "logit_bias": "the Messages API cannot ban or favour tokens",
    "modalities": "the Messages API answers in text only",
    "audio": "the Messages API answers in text only",
    "web_search_options": "web search is a server tool on the Messages API, not translated",
    "functions": "send 'tools' instead (the deprecated form is not translated)",
    "function_call": "send 'tool_choice' instead (the deprecated form is not translated)",
}

PARAMETERS: tuple[Handling, ...] = (
    Handling("user", "mapped", "`metadata.user_id` (dropped if over 256 characters)"),
    Handling("safety_identifier", "mapped", "`metadata.user_id`, in preference to `user`"),
    Handling("service_tier", "mapped", "`auto` and `priority` → `auto`, `default` → `standard_only`; others dropped"),
    *(
        Handling(p, "native", "as is, until `anthropic-version` 2026-10-21, which removed it: then dropped")
        for p in ("temperature", "top_p", "top_k")
    ),
    *(Handling(p, "dropped") for p in _DROPPED),
    Handling(
        "response_format",
        "emulated",
        "a forced tool with an object input, which becomes `content` (stream: content deltas); refused with "
        "extended thinking, which forbids forcing a tool. (Structured outputs cannot express a schema-free "
        "object: they require `additionalProperties: false`.)",
        case="json_object",
    ),
    Handling(
        "response_format",
        "native",
        "`output_config.format`; refused on models without structured outputs (catalog `json_schema`)",
        case="json_schema",
    ),
    Handling("parallel_tool_calls", "native", "`tool_choice.disable_parallel_tool_use`", case="false"),
    Handling("n", "refused", _REFUSED["n"], case="> 1"),
    *(Handling(p, "refused", _REFUSED[p]) for p in _REFUSED if p != "n"),
)


def screen(request: ChatRequest, model: str, plan: Plan) -> None:
    """Drop the hints the Messages API has no field for; refuse the contracts it cannot keep."""
    emulation.screen(
        request, model, plan, translated=TRANSLATED, dropped=_DROPPED, refused=_REFUSED,
        otherwise="the Messages API has no such parameter",
    )  # fmt: skip
