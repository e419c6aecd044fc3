"""Provider ``bedrock``: AWS Bedrock's Converse and ConverseStream APIs, signed with SigV4.

``POST {api_base}/model/{modelId}/converse`` answers a JSON ``ConverseResponse``;
``/converse-stream`` answers an ``application/vnd.amazon.eventstream`` body. botocore (the
optional ``bedrock`` extra) signs the requests and decodes the event stream; everything else is
the gateway's own.

- ``config``: the deployment model; credentials resolved once at load.
- ``wire``: Converse's request/response shapes.
- ``params``: which OpenAI parameters are sent, mapped, dropped (hints), emulated or refused.
- ``translate``: OpenAI ⇄ Converse, pure (``translate``, ``from_upstream``).
- ``errors``: ``parse_error``, by status and error type.
- ``stream``: event-stream decoding and the stream translator.
- ``signing``, ``adapter``: SigV4 and the thin adapter over the shared HTTP client.
"""

from freehold.providers.bedrock.adapter import BedrockProvider
from freehold.providers.bedrock.config import BedrockDeployment
from freehold.providers.bedrock.params import PARAMETERS

__all__ = ["PARAMETERS", "BedrockDeployment", "BedrockProvider"]
