"""Request-parameter quirks of OpenAI-style reasoning models, for the OpenAI-compatible adapters.

OpenAI's reasoning models (o-series, gpt-5) take ``max_completion_tokens`` instead of
``max_tokens``, and reject a ``temperature`` or ``top_p`` other than the default 1. Clients
written for chat models send both, so the adapters normalise the body before forwarding it.

The catalog is consulted once per deployment (``rules_for``); a model without quirks gets
``None`` and its requests are forwarded untouched, at no cost beyond one ``is None`` test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freehold.catalog import lookup
from freehold.providers.openai_format import reject_or_drop
from freehold.schemas.chat import ChatRequest

__all__ = ["ParamRules", "rules_for"]

_SAMPLING_PARAMS = ("temperature", "top_p")


@dataclass(frozen=True, slots=True)
class ParamRules:
    """What to change in a request body for one model.

    Attributes:
        model: the model name, quoted in the 400 a rejected parameter gets.
        completion_tokens: send ``max_tokens`` as ``max_completion_tokens``.
        fixed_sampling: ``temperature``/``top_p`` other than 1 are rejected (or dropped, if the alias opts in).
    """

    model: str
    completion_tokens: bool
    fixed_sampling: bool

    def apply(self, request: ChatRequest) -> dict[str, Any]:
        """The body to forward: ``request.body`` itself when nothing changes, else a changed copy.

        The request's own body is never modified, so a fallback to another deployment sees it as sent.

        Raises:
            InvalidRequest: a sampling parameter the model rejects, unless the alias drops them.
        """
        body = request.body
        out: dict[str, Any] | None = None
        if self.completion_tokens and "max_tokens" in body:
            out = dict(body)
            value = out.pop("max_tokens")
            if value is not None:
                # When both are sent the newer name wins, as OpenAI's own docs describe max_tokens as deprecated.
                out.setdefault("max_completion_tokens", value)
        if self.fixed_sampling:
            for param in _SAMPLING_PARAMS:
                value = body.get(param)
                if value is not None and value != 1:
                    reject_or_drop(request, param, self.model, "this model only accepts the default value 1")
                    if out is None:
                        out = dict(body)
                    del out[param]
        return body if out is None else out


def rules_for(model: str) -> ParamRules | None:
    """The rules for ``model`` from the catalog, or None when it has no quirks (the usual case).

    Only OpenAI's own models are renamed: other vendors' reasoning models served over the OpenAI
    wire format (DeepSeek R1, Grok) document ``max_tokens`` and are left alone.
    """
    info = lookup(model)
    if info is None:
        return None
    completion_tokens = info.reasoning and info.vendor == "openai"
    if not (completion_tokens or info.fixed_temperature):
        return None
    return ParamRules(model=model, completion_tokens=completion_tokens, fixed_sampling=info.fixed_temperature)
