"""Provider ``gemini``: Google's Generative Language API (the Gemini API), with API-key auth.

Chat goes to ``/v1beta/models/{model}:generateContent`` and ``:streamGenerateContent?alt=sse``;
embeddings to ``:embedContent`` (one input) and ``:batchEmbedContents`` (several). The package
holds, in order: ``config`` (the deployment model), ``wire`` (the vendor's types), ``params``
(which OpenAI parameters are sent, dropped or emulated), the pure translations (``translate``,
``stream``, ``embed``, ``errors``), and ``adapter``.
"""

from freehold.providers.gemini.adapter import GeminiProvider
from freehold.providers.gemini.config import GeminiDeployment
from freehold.providers.gemini.params import PARAMETERS

__all__ = ["PARAMETERS", "GeminiDeployment", "GeminiProvider"]
