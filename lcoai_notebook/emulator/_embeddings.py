"""``POST /v1/embeddings``: lexical embeddings from hashed character n-grams.

Each lower-cased word becomes ``<word>`` plus its character 3-, 4- and 5-grams (token ids become
one feature each). Every feature is hashed to :data:`_K` signed positions of the model's full
dimension (1536 or 3072) — a sparse random projection that is fixed by the emulator ``seed`` — and
the counts are summed, L2-normalised, mixed with a small shared direction (real embeddings are
anisotropic: unrelated texts still have a small positive cosine) and renormalised. Texts that
share words or word pieces are therefore measurably closer than unrelated ones.

``dimensions`` keeps the first ``d`` components and renormalises, as OpenAI's text-embedding-3
models do. Everything is vectorised with numpy (per-word features are cached), so 2,048 inputs
of 1,536 dimensions take a few tens of milliseconds.
"""

from __future__ import annotations

import base64
import re
import zlib
from functools import lru_cache
from typing import Any

import numpy as np

from ._errors import invalid, missing
from ._router import EmuRequest, route
from ._text import check_enum, check_int, check_model, count_tokens, type_error

__all__ = ["create_embedding", "embed_texts"]

_K = 4  # signed positions per feature: denser vectors, smoother similarities
_ALPHA = np.float32(0.3)  # weight of the shared direction (cosine of unrelated texts ~0.08)
_MAX_INPUTS = 2048
_MAX_TOKENS = 8192
_WORD_RE = re.compile(r"\w+")
_INVALID_INPUT = ("'$.input' is invalid. Please check the API reference: "
                  "https://platform.openai.com/docs/api-reference.")

# Odd 64-bit multipliers for deriving independent positions from one hash (splitmix-like).
_MULT = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB,
                  0xD6E8FEB86659FD93], dtype=np.uint64)[:_K]


# Very common words get a small weight, as any useful text representation discounts them.
_COMMON = frozenset("a an and are as at be but by for from has have he her his i in is it its of "
                    "on or she that the their they this to was we were will with you your".split())
_CACHE: dict[tuple[int, int], dict[str, tuple[np.ndarray, np.ndarray]]] = {}
_CACHE_MAX = 200_000


def _grams(token: str) -> tuple[list[str], list[float]]:
    if token.startswith("\x00"):  # a token id: one feature, double weight
        return [token], [2.0]
    padded = f"<{token}>"
    grams = [padded] + [padded[i:i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1)]
    scale = 0.15 if token in _COMMON else 1.0
    return grams, [2.0 * scale] + [scale] * (len(grams) - 1)


def _features(tokens: set[str], dim: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Positions (int64) and signed weights (float32) of each token's features, cached."""
    cache = _CACHE.setdefault((dim, seed), {})
    todo = [t for t in tokens if t not in cache]
    if not todo:
        return cache
    if len(cache) + len(todo) > _CACHE_MAX:
        cache.clear()
    salt = seed & 0xFFFFFFFF
    hashes: list[int] = []
    weights: list[float] = []
    sizes: list[int] = []
    for tok in todo:
        grams, w = _grams(tok)
        hashes.extend(zlib.crc32(g.encode("utf-8"), salt) for g in grams)
        weights.extend(w)
        sizes.append(len(grams))
    # One vectorised pass for every new token: K positions and signs per gram.
    h = np.array(hashes, dtype=np.uint64)
    mixed = (h[:, None] + np.uint64(0x632BE59BD9B4E019)) * _MULT[None, :]  # wraps mod 2^64
    mixed ^= mixed >> np.uint64(29)
    pos = (mixed % np.uint64(dim)).astype(np.int64)
    sign = np.where((mixed >> np.uint64(63)) == 0, 1.0, -1.0).astype(np.float32)
    vals = sign * np.array(weights, dtype=np.float32)[:, None]
    bounds = np.cumsum([0, *sizes])
    for tok, a, b in zip(todo, bounds[:-1], bounds[1:], strict=True):
        cache[tok] = (pos[a:b].ravel(), vals[a:b].ravel())
    return cache


@lru_cache(maxsize=8)
def _shared_direction(dim: int, seed: int) -> np.ndarray:
    v = np.random.default_rng([seed & 0xFFFFFFFF, dim, 7]).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def _tokens_of(item: str | list[int]) -> list[str]:
    if isinstance(item, str):
        words = _WORD_RE.findall(item.lower())
        return words or [item.strip().lower() or item]
    return ["\x00" + str(t) for t in item]


def embed_texts(items: list[str] | list[list[int]], dim: int, seed: int = 0) -> np.ndarray:
    """Unit-norm lexical embeddings for strings or token-id lists.

    Parameters
    ----------
    items : list of str, or list of list of int
        The inputs (non-empty strings, or token ids).
    dim : int
        The output dimension (the model's full dimension).
    seed : int, default 0
        Fixes the hashed projection; another seed gives unrelated vectors.

    Returns
    -------
    numpy.ndarray
        ``shape (len(items), dim)``, ``dtype float32``, each row of L2 norm 1.
    """
    pos_parts: list[np.ndarray] = []
    val_parts: list[np.ndarray] = []
    counts = np.zeros(len(items), dtype=np.int64)
    token_lists = [_tokens_of(item) for item in items]
    feats = _features({t for toks in token_lists for t in toks}, dim, seed)
    for i, toks in enumerate(token_lists):
        for tok in toks:
            p, v = feats[tok]
            pos_parts.append(p)
            val_parts.append(v)
            counts[i] += len(p)
    n = len(items)
    if pos_parts:
        rows = np.repeat(np.arange(n, dtype=np.int64), counts)
        flat = rows * dim + np.concatenate(pos_parts)
        mat = np.bincount(flat, weights=np.concatenate(val_parts),
                          minlength=n * dim).astype(np.float32).reshape(n, dim)
    else:
        mat = np.zeros((n, dim), dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    np.divide(mat, norms, out=mat, where=norms > 0)
    mat += _ALPHA * _shared_direction(dim, seed)[None, :]
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    return mat


def _check_input(body: dict[str, Any]) -> list[str] | list[list[int]]:
    if "input" not in body or body["input"] is None:
        raise missing("input")
    value = body["input"]
    if isinstance(value, str):
        items: list[Any] = [value]
    elif isinstance(value, list):
        items = value
    else:
        raise type_error("input", "one of a string or array", value)
    if not items:
        raise invalid(_INVALID_INPUT, param="input")
    if len(items) > _MAX_INPUTS:
        raise invalid(f"Invalid 'input': array too long. Expected an array with maximum length "
                      f"{_MAX_INPUTS}, but got an array with length {len(items)} instead.",
                      param="input", code="array_above_max_length")
    if all(isinstance(x, str) for x in items):
        if any(not x for x in items):
            raise invalid(_INVALID_INPUT, param="input")
        return items
    if all(isinstance(x, int) and not isinstance(x, bool) for x in items):
        return [items]  # one list of token ids
    if all(isinstance(x, list) and x and all(isinstance(t, int) and not isinstance(t, bool)
                                             for t in x) for x in items):
        return items
    raise invalid(_INVALID_INPUT, param="input")


@route("POST", "/v1/embeddings")
def create_embedding(req: EmuRequest) -> dict[str, Any]:
    """Validate like OpenAI, then embed every input (float lists or base64 float32)."""
    body = req.json()
    model, row = check_model(req, body, ("embedding",))
    items = _check_input(body)
    fmt = check_enum(body, "encoding_format", ("float", "base64"), default="float")
    full = int(row.get("dimensions") or 1536)
    dims = check_int(body, "dimensions", lo=1)
    if dims is not None:
        if not row.get("custom_dimensions"):
            raise invalid("This model does not support specifying dimensions.",
                          param="dimensions")
        if dims > full:
            raise invalid(f"Invalid 'dimensions': integer above maximum value. Expected a value "
                          f"<= {full}, but got {dims} instead.", param="dimensions",
                          code="integer_above_max_value")
    tokens = [count_tokens(x) if isinstance(x, str) else len(x) for x in items]
    for i, t in enumerate(tokens):
        if t > _MAX_TOKENS:
            raise invalid(f"This model's maximum context length is {_MAX_TOKENS} tokens, however "
                          f"you requested {t} tokens ({t} in your prompt; 0 for the completion). "
                          "Please reduce your prompt; or completion length.",
                          param=f"input[{i}]" if len(items) > 1 else "input")
    mat = embed_texts(items, full, int(req.app.config.seed))
    if dims is not None and dims < full:
        mat = np.ascontiguousarray(mat[:, :dims])
        mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    if fmt == "base64":
        raw = mat.astype("<f4", copy=False)
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(raw[i].tobytes()).decode("ascii")}
                for i in range(len(items))]
    else:
        rows = mat.tolist()
        data = [{"object": "embedding", "index": i, "embedding": rows[i]}
                for i in range(len(items))]
    total = sum(tokens)
    return {"object": "list", "data": data, "model": model,
            "usage": {"prompt_tokens": total, "total_tokens": total}}
