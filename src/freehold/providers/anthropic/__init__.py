"""Provider ``anthropic``: Anthropic's Messages API (``POST /v1/messages``).

The package keeps the house order, one module per part:

- ``wire``: the deployment's config (``api_base``, ``api_key`` sent as ``x-api-key``,
  ``anthropic_version``, ``beta`` → ``anthropic-beta``) and the vendor's wire shapes;
- ``messages``: OpenAI messages → ``system`` and alternating user/assistant turns;
- ``params``: which OpenAI parameters are sent, mapped, dropped (hints), emulated or refused
  (contracts), and ``PARAMETERS``, the table docs/providers.md shows;
- ``translate``: the rest of the request (parameters, tools, thinking, JSON mode), and
  ``Message`` → ``chat.completion``;
- ``stream``: the stream translator (Anthropic SSE events → ``chat.completion.chunk`` events);
- ``errors``: ``parse_error`` (status and ``error.type`` → the error tree, Retry-After) and
  ``parse_rate_limits`` (``anthropic-ratelimit-*`` headers → ``RateLimitHint``);
- ``adapter``: the thin class sending through the shared client, also a ``TokenCounter``.
"""

from freehold.providers.anthropic.adapter import AnthropicProvider
from freehold.providers.anthropic.errors import parse_error, parse_rate_limits
from freehold.providers.anthropic.params import PARAMETERS
from freehold.providers.anthropic.stream import StreamTranslator
from freehold.providers.anthropic.translate import from_upstream, to_upstream, translate
from freehold.providers.anthropic.wire import AnthropicDeployment

__all__ = [
    "AnthropicDeployment",
    "AnthropicProvider",
    "PARAMETERS",
    "StreamTranslator",
    "from_upstream",
    "parse_error",
    "parse_rate_limits",
    "to_upstream",
    "translate",
]
