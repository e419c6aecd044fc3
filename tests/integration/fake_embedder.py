"""A deterministic stand-in for the MiniLM embedder in the semantic cache's tests.

Configured as ``embedder: tests.integration.fake_embedder:shared``.

Bag of words, each word hashed to one of 384 dimensions, L2-normalised: two prompts' cosine is
about the share of words they have in common, so a test can write a paraphrase that clears a
threshold and one that does not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

DIM = 384


class BagOfWords:
    dim = DIM

    def embed(self, texts: Sequence[str], max_tokens: int = 128) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9']+", text.lower())[:max_tokens]:
                out[i, int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") % DIM] += 1
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


def shared() -> BagOfWords:
    return BagOfWords()
