"""``POST /v1/embeddings``: embeddings that relate texts by meaning, as far as a word table can.

Every word becomes a small vector in an internal space of a few hundred dimensions, cached per
model. Three parts, in falling order of weight:

- **concepts**: a word listed in :data:`~._concepts.CONCEPTS` leans towards the direction of its
  topic ("animals") and, more strongly, of its cluster ("cat kitten kitty feline ..."), so "cat"
  and "kitten" are close, "king" and "queen" fairly close, "king" and "carburetor" unrelated;
- **the word itself**: a hashed direction of its stem, so the same word in two texts matches
  whether or not the table knows it (the only part a word outside the table has, with the next);
- **character 3-grams** (a minor part): "embeddings" and "embedding" or typos still overlap.

Words are lower-cased, split on non-letters and stemmed with a few suffix rules (``_stem``);
very common words weigh little and numbers less than words. A text is the weighted sum of its
words, L2-normalised and mixed with a small shared direction (real embeddings are anisotropic:
unrelated texts have a small positive cosine; ``ada-002``'s is larger, as the real one's is).

Each model has its own random tables (seeded by the model id and the emulator ``seed``) and its
real dimension. The internal vector reaches that dimension through a fixed map whose rows are
orthonormal, so cosines are kept exactly: the leading components are a block-wise rotation of
the internal vector with the concept part first, and the remaining components are further
rotated, permuted copies with less weight. ``dimensions`` keeps the leading components and
renormalises (as OpenAI's text-embedding-3 models do), so shortened vectors keep the concepts
and still rank well. All of it is numpy: 2,048 inputs take a few tens of milliseconds.
"""

from __future__ import annotations

import base64
import re
import threading
import zlib
from functools import lru_cache
from typing import Any

import numpy as np

from ._concepts import CONCEPTS, RELATED
from ._errors import invalid, missing
from ._router import EmuRequest
from ._text import check_enum, check_int, check_model, count_tokens, stable_hash, type_error

__all__ = ["create_embedding", "embed_texts", "stem"]

_MAX_INPUTS = 2048
_MAX_TOKENS = 8192
_INVALID_INPUT = ("'$.input' is invalid. Please check the API reference: "
                  "https://platform.openai.com/docs/api-reference.")
_WORD_RE = re.compile(r"[^\W\d_]+|\d+")  # runs of letters (any script) or of digits
_BLOCK = 16  # size of the rotation blocks of the output map
_CACHE_BYTES = 48 * 2**20  # per model space; past it the word cache starts again
# Odd 64-bit multipliers (splitmix-like) spreading one crc32 over several hashed slots.
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MULT2 = np.uint64(0xBF58476D1CE4E5B9)

# Internal space per model: (concept dims, word dims, shared-direction weight).
_SPACES: dict[str, tuple[int, int, float]] = {
    "text-embedding-3-large": (192, 576, 0.35),
    "text-embedding-ada-002": (128, 256, 0.9),
}
_DEFAULT_SPACE = (128, 256, 0.4)

# Function words carry little meaning; real models weigh them down as well.
_STOP = frozenset("""
a about above after again against all also am an and any are around as at be been before being
below between both but by can could did do does doing down during each either else even ever
every few for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just let lets like me more most much must my myself neither no nor not
now of off on once only or other ought our ours ourselves out over own per please quite rather
really same shall she should since so some such than that the their theirs them themselves then
there these they this those though through thus to too toward towards under until up upon us
very via was we were what whatever when whenever where whether which while who whom whose why
will with within without would yet you your yours yourself yourselves s t don isn aren wasn
weren doesn didn won wouldn couldn shouldn ll ve re d m o
""".split())
_IRREGULAR = {
    "mice": "mouse", "geese": "goose", "children": "child", "men": "man", "women": "woman",
    "feet": "foot", "teeth": "tooth", "people": "person", "wolves": "wolf", "leaves": "leaf",
    "knives": "knife", "wives": "wife", "lives": "life", "calves": "calf", "halves": "half",
    "ran": "run", "ate": "eat", "went": "go", "gone": "go", "sang": "sing", "sung": "sing",
    "drove": "drive", "driven": "drive", "flew": "fly", "flown": "fly", "swam": "swim",
    "won": "win", "lost": "lose", "bought": "buy", "sold": "sell", "paid": "pay",
    "taught": "teach", "caught": "catch", "fell": "fall", "fallen": "fall", "rose": "rise",
    "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak",
    "slept": "sleep", "fought": "fight", "stole": "steal", "stolen": "steal",
    "thought": "think", "brought": "bring", "felt": "feel", "built": "build", "sat": "sit",
}
_VOWELS = frozenset("aeiouy")


def stem(word: str) -> str:
    """A small suffix stemmer: ``"kittens"``, ``"napping"``, ``"studies"`` -> their stems.

    Rules, in order: irregular forms from a short table; plural ``-s``/``-es``/``-ies``; one of
    ``-ing``/``-ed``/``-ness`` when a vowel remains (undoubling a final consonant, so
    ``"napping"`` -> ``"nap"``); then a final ``e`` is dropped and a final consonant + ``y``
    becomes ``i`` so that ``"bake"``/``"baking"`` and ``"study"``/``"studies"`` meet.

    Parameters
    ----------
    word : str
        One lower-case word.

    Returns
    -------
    str
        The stem (not necessarily a word).
    """
    w = _IRREGULAR.get(word, word)
    if len(w) <= 3:
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "i"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    cut = 0
    if w.endswith("ing") and len(w) > 5:
        cut = 3
    elif w.endswith("ed") and len(w) > 4 and not w.endswith("eed"):
        cut = 2
    elif w.endswith("ness") and len(w) > 6:
        cut = 4
    if cut and _VOWELS.intersection(w[:-cut]):
        w = w[:-cut]
        if cut < 4 and len(w) > 2 and w[-1] == w[-2] and w[-1] not in "lsz" \
                and w[-1] not in _VOWELS:
            w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("y") and w[-2] not in _VOWELS:
        w = w[:-1] + "i"
    return w


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, ...], list[str], dict[str, list[tuple[int, int]]]]:
    """Topics, cluster keys and stem -> [(topic index, cluster index)] from the concept table."""
    topics = tuple(CONCEPTS)
    clusters: list[str] = []
    index: dict[str, list[tuple[int, int]]] = {}
    for t, (topic, block) in enumerate(CONCEPTS.items()):
        for line in block.strip().splitlines():
            words = line.split()
            if not words:
                continue
            c = len(clusters)
            clusters.append(f"{topic}/{words[0]}")
            for w in {stem(x.lower()) for x in words}:
                index.setdefault(w, []).append((t, c))
    return topics, clusters, index


def _unit_rows(m: np.ndarray) -> np.ndarray:
    return m / np.linalg.norm(m, axis=1, keepdims=True)


class _Space:
    """One model's internal space: concept directions, word cache and the output map."""

    def __init__(self, model: str, dim: int, seed: int) -> None:
        self.c, self.w, self.alpha = _SPACES.get(model, _DEFAULT_SPACE)
        self.k = self.c + self.w
        self.dim = dim
        self.salt = stable_hash("embedding-space", model, seed) & 0xFFFFFFFF
        rng = np.random.default_rng([self.salt, 1])
        topics, clusters, self.index = _table()
        base = rng.standard_normal((len(topics), self.c))
        pos = {t: i for i, t in enumerate(topics)}
        mixed = base.copy()
        for a, b in RELATED:  # related topics share a little of each other's direction
            mixed[pos[a]] += 0.35 * base[pos[b]]
            mixed[pos[b]] += 0.35 * base[pos[a]]
        self.topic_vecs = _unit_rows(mixed)
        self.cluster_vecs = _unit_rows(rng.standard_normal((len(clusters), self.c)))
        shared = rng.standard_normal(self.k)
        self.shared = (shared / np.linalg.norm(shared)).astype(np.float32)
        # Output map: copy 0 is the leading block (a block-wise rotation, concept dims first);
        # copies 1.. are rotated and permuted again. Weights make the rows orthonormal.
        copies = -(-dim // self.k)
        nb = self.k // _BLOCK
        lead = 0.55 if copies > 1 else 1.0
        scales = [np.sqrt(lead)] + [np.sqrt((1 - lead) / max(copies - 1, 1))] * (copies - 1)
        self.rot = np.concatenate([np.linalg.qr(rng.standard_normal((nb, _BLOCK, _BLOCK)))[0]
                                   * sc for sc in scales]).astype(np.float32)
        self.perm = np.concatenate([np.arange(self.k)]
                                   + [rng.permutation(self.k) for _ in range(copies - 1)])
        self.rows: dict[str, int] = {}
        self.vecs = np.zeros((1024, self.k), dtype=np.float32)  # row 0 stays zero (padding)
        self.lock = threading.Lock()
        self.max_rows = max(4096, _CACHE_BYTES // (4 * self.k))

    # -- words -----------------------------------------------------------------------------
    def _hashed(self, hashes: np.ndarray, owner: np.ndarray, n: int, per: int) -> np.ndarray:
        """Unit hashed directions ``(n, w)``: feature ``j`` (64-bit ``hashes[j]``) adds ``per``
        signed slots to row ``owner[j]``. One vectorised pass for any number of features."""
        salted = hashes[:, None] + np.uint64((self.salt * 0x100000001B3) % 2**64)
        mixed = (salted + np.arange(1, per + 1, dtype=np.uint64)[None, :]) * _MULT  # mod 2^64
        mixed ^= mixed >> np.uint64(31)
        mixed *= _MULT2
        mixed ^= mixed >> np.uint64(29)
        pos = (mixed % np.uint64(self.w)).astype(np.int64)
        sign = np.where((mixed >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
        flat = np.repeat(owner.astype(np.int64), per) * self.w + pos.ravel()
        out = np.bincount(flat, weights=sign.ravel(), minlength=n * self.w).reshape(n, self.w)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)

    def _gram_hashes(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Hashes of the character 3-grams of ``<token>`` and the token each belongs to,
        computed over one byte buffer (no Python loop over grams)."""
        padded = [f"<{t}>".encode() for t in tokens]
        lens = np.array([len(p) for p in padded], dtype=np.int64)
        raw = np.frombuffer(b"".join(padded), dtype=np.uint8).astype(np.uint64)
        counts = lens - 2
        owner = np.repeat(np.arange(len(tokens)), counts)
        first = np.cumsum(lens) - lens  # where each padded token starts in the buffer
        at = first[owner] + np.arange(len(owner)) - (np.cumsum(counts) - counts)[owner]
        h = (raw[at] * np.uint64(0x10001) + raw[at + 1]) * np.uint64(0x101) + raw[at + 2]
        return h, owner

    def _word_vectors(self, tokens: list[str]) -> np.ndarray:
        """Internal vectors ``(len(tokens), k)`` of new tokens (weighted, see module doc)."""
        n = len(tokens)
        out = np.zeros((n, self.k))
        stems = ["\x00" + t if t.startswith("\x00") else "w:" + stem(t) for t in tokens]
        ident = np.full(n, 0.87)
        grams = np.full(n, 0.50)
        weight = np.ones(n)
        for i, tok in enumerate(tokens):
            if tok.startswith("\x00"):  # a token id: its identity only
                ident[i], grams[i] = 1.0, 0.0
                continue
            hits = self.index.get(stems[i][2:])
            if hits is not None:
                concept = sum(0.55 * self.topic_vecs[t] + 0.85 * self.cluster_vecs[cl]
                              for t, cl in hits)
                out[i, :self.c] = 0.80 * concept / np.linalg.norm(concept)
                ident[i], grams[i] = 0.50, 0.33
            if tok in _STOP:
                weight[i] = 0.08
            elif tok.isdigit():
                weight[i] = 0.35
        ids = np.array([zlib.crc32(x.encode("utf-8")) for x in stems], dtype=np.uint64)
        out[:, self.c:] += ident[:, None] * self._hashed(ids << np.uint64(8), np.arange(n), n, 12)
        out[:, self.c:] += grams[:, None] * self._hashed(*self._gram_hashes(tokens), n, 3)
        out *= (weight / np.linalg.norm(out, axis=1))[:, None]
        return out

    def lookup(self, tokens: set[str]) -> None:
        """Make sure every token has a cached row (call with ``self.lock`` held)."""
        todo = [t for t in tokens if t not in self.rows]
        if not todo:
            return
        if len(self.rows) + len(todo) > self.max_rows:
            # Start again in a fresh array: a request that released the lock keeps reading
            # the old one.
            self.rows = {}
            self.vecs = np.zeros((len(tokens) + 1024, self.k), dtype=np.float32)
            todo = list(tokens)
        start = len(self.rows) + 1
        need = start + len(todo)
        if need > len(self.vecs):
            grown = np.zeros((max(need, 2 * len(self.vecs)), self.k), dtype=np.float32)
            grown[:start] = self.vecs[:start]
            self.vecs = grown
        self.vecs[start:start + len(todo)] = self._word_vectors(todo)
        for i, tok in enumerate(todo):
            self.rows[tok] = start + i

    # -- texts -----------------------------------------------------------------------------
    def internal(self, token_lists: list[list[str]]) -> np.ndarray:
        """Unit internal vectors ``(n, k)`` of texts given as token lists (each non-empty)."""
        lengths = np.array([len(toks) for toks in token_lists], dtype=np.intp)
        with self.lock:
            self.lookup({t for toks in token_lists for t in toks})
            rows = self.rows
            idx = np.fromiter((rows[t] for toks in token_lists for t in toks), dtype=np.intp,
                              count=int(lengths.sum()))
            vecs = self.vecs  # a later lookup may replace, never change, these rows
        x = np.empty((len(token_lists), self.k), dtype=np.float32)
        # Texts of similar length are padded (with the all-zero row 0) and summed together:
        # dense gathers are much faster than a ragged reduction (np.add.reduceat).
        bucket = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.intp)
        ends = np.cumsum(lengths)
        for b in np.unique(bucket):
            members = np.flatnonzero(bucket == b)
            width = int(lengths[members].max())
            pad = np.zeros((len(members), width), dtype=np.intp)
            mask = np.arange(width)[None, :] < lengths[members][:, None]
            take = (ends[members] - lengths[members])[:, None] + np.arange(width)[None, :]
            pad[mask] = idx[take[mask]]
            # Column by column into one buffer: no (texts, width, k) temporary.
            acc = np.zeros((len(members), self.k), dtype=np.float32)
            buf = np.empty_like(acc)
            for j in range(width):
                np.take(vecs, pad[:, j], axis=0, out=buf)
                acc += buf
            x[members] = acc
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        np.divide(x, norms, out=x, where=norms > 0)
        x += self.alpha * self.shared
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return x

    def project(self, x: np.ndarray) -> np.ndarray:
        """The model-dimension vectors ``(n, dim)`` of internal unit vectors ``(n, k)``."""
        n = len(x)
        copies = self.rot.shape[0] * _BLOCK // self.k
        # Every copy's blocks in one batched matmul: (copies * nb, n, B) @ (copies * nb, B, B).
        blocks = x[:, self.perm].reshape(n, -1, _BLOCK).transpose(1, 0, 2)
        out = np.matmul(blocks, self.rot).transpose(1, 0, 2).reshape(n, copies * self.k)
        out = out[:, :self.dim]
        if self.dim != copies * self.k:  # a cut copy: the rows are no longer orthonormal
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out, dtype=np.float32)


_SPACE_CACHE: dict[tuple[str, int, int], _Space] = {}
_SPACE_LOCK = threading.Lock()


def _space(model: str, dim: int, seed: int) -> _Space:
    key = (model, dim, seed)
    with _SPACE_LOCK:
        sp = _SPACE_CACHE.get(key)
        if sp is None:
            if len(_SPACE_CACHE) >= 8:
                _SPACE_CACHE.clear()
            sp = _SPACE_CACHE[key] = _Space(model, dim, seed)
        return sp


def _tokens_of(item: str | list[int]) -> list[str]:
    if isinstance(item, str):
        words = _WORD_RE.findall(item.lower())
        return words or [item.strip().lower() or item]
    return ["\x00" + str(t) for t in item] or ["\x00"]


def embed_texts(items: list[str] | list[list[int]], dim: int, seed: int = 0,
                model: str = "text-embedding-3-small") -> np.ndarray:
    """Unit-norm embeddings for strings or token-id lists, as ``model`` gives them.

    Parameters
    ----------
    items : list of str, or list of list of int
        The inputs (non-empty strings, or token ids).
    dim : int
        The output dimension (the model's full dimension).
    seed : int, default 0
        The emulator seed; another seed gives unrelated vectors.
    model : str, default "text-embedding-3-small"
        Each model id has its own tables and projection.

    Returns
    -------
    numpy.ndarray
        ``shape (len(items), dim)``, ``dtype float32``, each row of L2 norm 1.
    """
    sp = _space(model, dim, seed)
    return sp.project(sp.internal([_tokens_of(item) for item in items]))


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
    mat = embed_texts(items, full, int(req.app.config.seed), model)
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
