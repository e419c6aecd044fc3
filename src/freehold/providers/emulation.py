"""Hints and contracts: what a vendor translation does with OpenAI parameters its vendor cannot take as sent.

A parameter is one of two kinds, and each kind has one rule:

- A **hint** is one whose absence changes no promise the API makes about the answer: OpenAI
  itself calls ``seed`` best effort, and ``user``, ``metadata``, ``store``, ``service_tier``,
  the cache keys, ``prediction``, ``verbosity`` and the sampling knobs change bookkeeping, price,
  latency or style, never what a client may check in the answer. A translation maps a hint
  where its vendor has an equivalent (``user`` → Anthropic's ``metadata.user_id``) and otherwise
  drops it and says so: the adapter passes ``Plan.headers`` on, and the client sees
  ``x-freehold-dropped-params: seed, metadata``. A hint is never a 400: a client moving from one
  vendor to another keeps working.
- A **contract** is a promise the client can check in the answer: ``n`` choices, ``logprobs``,
  at most one tool call (``parallel_tool_calls: false``), a JSON object in ``content``, a schema.
  A translation keeps it natively, emulates it where that can be done faithfully (the ``Plan``
  says how the answer must be shaped), and otherwise refuses it with the 400 of
  ``openai_format.reject_or_drop``. An alias with ``drop_unsupported_params: true`` drops a
  refused contract instead, and the header names it too.

Each vendor declares what it does with every such parameter (``Handling`` rows, in its
``params.py``); ``catalog/render.py`` turns those rows into docs/providers.md, and a unit test
checks each row against the translation itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from freehold.errors import InvalidRequest

if TYPE_CHECKING:
    from freehold.schemas.chat import ChatRequest

__all__ = [
    "CONTRACTS",
    "DROPPED_PARAMS_HEADER",
    "HINTS",
    "JSON_TOOL_DESCRIPTION",
    "Handling",
    "Plan",
    "json_tool_name",
    "reject_or_drop",
    "screen",
    "unset",
]

DROPPED_PARAMS_HEADER: Final = "x-freehold-dropped-params"

# Why each hint's absence breaks no promise (shown in docs/providers.md).
HINTS: Final[dict[str, str]] = {
    "user": "an end-user id for the vendor's abuse monitoring",
    "safety_identifier": "an end-user id for the vendor's abuse monitoring",
    "metadata": "tags for stored completions and dashboards",
    "store": "keeps a copy at OpenAI for evals and distillation",
    "service_tier": "a processing tier: price and latency, not the answer",
    "seed": "best effort even at OpenAI",
    "temperature": "sampling",
    "top_p": "sampling",
    "top_k": "sampling",
    "presence_penalty": "sampling",
    "frequency_penalty": "sampling",
    "prompt_cache_key": "routes to a warm cache: latency and price",
    "prompt_cache_retention": "how long a cache is kept: latency and price",
    "prediction": "predicted output: latency only",
    "verbosity": "a length preference",
}
# Contracts a vendor may not keep natively (shown in docs/providers.md).
CONTRACTS: Final[dict[str, str]] = {
    "n": "that many choices",
    "logprobs": "log probabilities in the answer",
    "top_logprobs": "log probabilities in the answer",
    "logit_bias": "tokens banned or favoured",
    "response_format": "JSON (`json_object`) or a schema (`json_schema`) in `content`",
    "parallel_tool_calls": "`false`: at most one tool call",
    "tool_choice": "which tool is called, if any",
    "modalities": "audio in the answer",
    "audio": "audio in the answer",
    "web_search_options": "a web search before answering",
    "functions": "the deprecated form of `tools`",
    "function_call": "the deprecated form of `tool_choice`",
}

JSON_TOOL_DESCRIPTION: Final = (
    "Give your whole answer as this tool's input: one JSON object, as the instructions ask. Call it once."
)


@dataclass(frozen=True, slots=True)
class Handling:
    """What one vendor does with one OpenAI parameter, for docs/providers.md.

    Attributes:
        param: the OpenAI request field.
        treatment: ``native`` (sent as the vendor's own field), ``mapped`` (a hint sent as an
            equivalent), ``dropped`` (a hint left out, named in the response header),
            ``emulated`` (a contract kept another way) or ``refused`` (a contract the vendor
            cannot keep: a 400, unless the alias drops unsupported parameters).
        how: one line on the mapping, the emulation or the reason for refusing.
        case: which values of ``param`` the row is about (``json_object``, ``> 1``); empty for all.
    """

    param: str
    treatment: Literal["native", "mapped", "dropped", "emulated", "refused"]
    how: str = ""
    case: str = ""

    @property
    def kind(self) -> str:
        return "hint" if self.param in HINTS else "contract"


@dataclass(slots=True)
class Plan:
    """What a request's translation decided beyond the upstream body, for the answer and the client.

    Made by a vendor's ``translate`` per attempt (a fallback to another deployment makes its
    own), read by the same vendor's answer and stream translation.

    Attributes:
        one_tool_call: ``parallel_tool_calls: false`` is emulated: keep only the answer's first
            tool call (whole answers and streams alike).
        json_tool: JSON mode is emulated by forcing this tool: its input becomes ``content``
            and the call itself never reaches the client.
        dropped: parameters left out (hints, and contracts the alias lets the gateway drop).
    """

    one_tool_call: bool = False
    json_tool: str | None = None
    dropped: list[str] = field(default_factory=list)

    def drop(self, param: str) -> None:
        if param not in self.dropped:
            self.dropped.append(param)

    @property
    def headers(self) -> dict[str, str]:
        """The response headers that say what was dropped (names sorted); empty when nothing was."""
        return {DROPPED_PARAMS_HEADER: ", ".join(sorted(self.dropped))} if self.dropped else {}


def json_tool_name(taken: Collection[str]) -> str:
    """A name for the JSON-mode tool that none of the client's tools has."""
    name, n = "json_answer", 1
    while name in taken:
        n += 1
        name = f"json_answer_{n}"
    return name


_DEFAULTS: Final = {"n": 1, "top_logprobs": 0}
_EMPTY_MEANS_NOTHING: Final = frozenset({"metadata", "logit_bias"})  # ``web_search_options: {}`` does ask


def unset(key: str, value: Any) -> bool:
    """Whether ``value`` asks for nothing: absent, ``false``, an empty list, no tags, or the default (``n: 1``)."""
    if value is None or value is False or value == [] or (value == {} and key in _EMPTY_MEANS_NOTHING):
        return True
    return not isinstance(value, bool) and key in _DEFAULTS and value == _DEFAULTS[key]


def screen(
    request: ChatRequest,
    model: str,
    plan: Plan,
    *,
    translated: Collection[str],
    dropped: Collection[str],
    refused: Mapping[str, str],
    otherwise: str,
) -> None:
    """Drop the hints a vendor has no field for and refuse the contracts it cannot keep.

    Args:
        request: the canonical request; its body is only read.
        model: the upstream model, named in a refusal.
        plan: where dropped parameters are written down.
        translated: fields the vendor's translation reads itself (mapping, emulating or refusing them).
        dropped: hints the vendor has no equivalent for.
        refused: contracts the vendor cannot keep, with the reason the 400 gives.
        otherwise: the reason for refusing a field none of these name: an unknown field may be a
            contract this gateway does not know, so it is refused rather than dropped.
    """
    for key, value in request.body.items():
        if key in translated or unset(key, value):
            continue
        if key in dropped:
            plan.drop(key)
        else:
            reject_or_drop(request, key, model, refused.get(key, otherwise), plan)


def reject_or_drop(request: ChatRequest, param: str, model: str, why: str, plan: Plan | None = None) -> None:
    """Handle a contract the target cannot keep (see the module docstring for contracts and hints).

    Returns (the caller then leaves the parameter out, and ``plan`` names it in the response
    header) if the alias opted in to dropping; otherwise raises a 400 naming the parameter and
    the model.
    """
    if request.drop_unsupported:
        if plan is not None:
            plan.drop(param)
        return
    raise InvalidRequest(
        f"'{param}' is not supported by model '{model}': {why}. Remove it, or set "
        "'drop_unsupported_params: true' on the alias to have the gateway drop it.",
        param=param,
        code="unsupported_parameter",
    )
