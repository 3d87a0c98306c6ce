"""``POST /v1/vector_stores/{vector_store_id}/search``: rank the store's chunks by meaning.

Each completed text file is cut into chunks by its ``chunking_strategy`` (a word stands for a
token: ``max_chunk_size_tokens`` words a chunk, ``chunk_overlap_tokens`` shared with the next),
and chunks and queries are embedded with the emulator's own embeddings
(``text-embedding-3-small``), so a search finds text about the same thing, as far as those
embeddings relate texts. A chunk's score is its best cosine similarity over the queries, clipped
to ``[0, 1]``; ``filters`` select files by their ``attributes`` (comparison and compound filters),
``ranking_options.score_threshold`` drops weak matches, ``rewrite_query`` keeps the query's
content words. Results come in one page (``has_more`` false), one item per chunk, best first.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ._errors import invalid, missing
from ._router import EmuRequest
from ._store import collection, opt_bool, opt_int
from ._vector_stores import _file_status, _store

__all__ = ["search_vector_store"]

_EMBED_MODEL = "text-embedding-3-small"
_EMBED_DIM = 1536
_COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")
_RANKERS = ("none", "auto", "default-2024-11-15")
_WORD = re.compile(r"\S+")
# Words a rewritten query leaves out (the question's frame, not its subject).
_FRAME = frozenset("""a an the of to in on for and or is are was were be been what whats what's
which who how why when where do does did can could would should i me my we our you your it its
this that these those please tell about find show give any some there with from by""".split())


def _embed(texts: list[str], seed: int) -> np.ndarray:
    from ._embeddings import embed_texts

    return np.asarray(embed_texts(texts, _EMBED_DIM, seed, model=_EMBED_MODEL), dtype=np.float32)


def _chunks(text: str, size: int, overlap: int) -> list[str]:
    """``text`` cut into runs of ``size`` words, each starting ``size - overlap`` words after
    the previous one; a chunk keeps the text's own spacing and line breaks."""
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return []
    step = max(1, size - overlap)
    out = []
    for start in range(0, len(spans), step):
        run = spans[start:start + size]
        out.append(text[run[0][0]:run[-1][1]])
        if start + size >= len(spans):
            break
    return out


def _file_chunks(app: Any, frec: dict[str, Any]) -> tuple[list[str], np.ndarray]:
    """The file's chunks and their embeddings, computed once per attached file (under the lock)."""
    cached = frec.get("search_chunks")
    if cached is None:
        rec = collection(app, "files").get(frec["obj"]["id"])
        text = rec["content"].decode("utf-8", "replace") if rec is not None else ""
        static = frec["obj"]["chunking_strategy"]["static"]
        pieces = _chunks(text, static["max_chunk_size_tokens"], static["chunk_overlap_tokens"])
        vectors = (_embed(pieces, app.config.seed) if pieces
                   else np.zeros((0, _EMBED_DIM), dtype=np.float32))
        cached = frec["search_chunks"] = (pieces, vectors)
    return cached


def _queries(body: dict[str, Any]) -> list[str]:
    query = body.get("query")
    if query is None:
        raise missing("query")
    items = [query] if isinstance(query, str) else query
    if not isinstance(items, list) or not items or not all(
            isinstance(q, str) and q.strip() for q in items):
        raise invalid("Invalid 'query': expected a non-empty string or a non-empty array of "
                      "non-empty strings.", param="query")
    return items


def _rewrite(query: str) -> str:
    words = re.findall(r"[\w'-]+", query.lower())
    kept = [w for w in words if w not in _FRAME]
    return " ".join(kept or words) or query


def _check_filter(node: Any, param: str) -> None:
    if not isinstance(node, dict):
        raise invalid(f"Invalid '{param}': expected a filter object.", param=param)
    kind = node.get("type")
    if kind in ("and", "or"):
        subs = node.get("filters")
        if not isinstance(subs, list) or not subs:
            raise invalid(f"Invalid '{param}.filters': expected a non-empty array of filters.",
                          param=f"{param}.filters")
        for i, sub in enumerate(subs):
            _check_filter(sub, f"{param}.filters[{i}]")
        return
    if kind not in _COMPARISONS:
        raise invalid(f"Invalid value for '{param}.type': {kind!r}. Supported values are: "
                      f"{', '.join(repr(c) for c in (*_COMPARISONS, 'and', 'or'))}.",
                      param=f"{param}.type", code="invalid_value")
    if not isinstance(node.get("key"), str):
        raise missing(f"{param}.key")
    value = node.get("value")
    scalar = (str, int, float, bool)
    ok = (isinstance(value, list) and all(isinstance(v, scalar) for v in value)
          if kind in ("in", "nin") else isinstance(value, scalar))
    if not ok:
        raise invalid(f"Invalid '{param}.value' for '{kind}': expected "
                      f"{'an array of' if kind in ('in', 'nin') else 'a'} string, number or "
                      "boolean.", param=f"{param}.value")


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _matches(node: dict[str, Any], attrs: dict[str, Any]) -> bool:
    kind = node["type"]
    if kind == "and":
        return all(_matches(sub, attrs) for sub in node["filters"])
    if kind == "or":
        return any(_matches(sub, attrs) for sub in node["filters"])
    have, want = attrs.get(node["key"]), node["value"]
    if kind == "eq":
        return have == want
    if kind == "ne":
        return have != want
    if kind == "in":
        return have in want
    if kind == "nin":
        return have not in want
    if not (_number(have) and _number(want)):
        return False  # order comparisons hold between numbers only
    return {"gt": have > want, "gte": have >= want, "lt": have < want, "lte": have <= want}[kind]


def _threshold(value: Any) -> float:
    if value is None:
        return 0.0
    if not isinstance(value, dict):
        raise invalid("Invalid 'ranking_options': expected an object.", param="ranking_options")
    unknown = set(value) - {"ranker", "score_threshold"}
    if unknown:
        raise invalid(f"Unknown parameter: 'ranking_options.{sorted(unknown)[0]}'.",
                      param=f"ranking_options.{sorted(unknown)[0]}", code="unknown_parameter")
    ranker = value.get("ranker", "auto")
    if ranker not in _RANKERS:
        raise invalid(f"Invalid value for 'ranking_options.ranker': {ranker!r}. Supported values "
                      f"are: {', '.join(repr(r) for r in _RANKERS)}.",
                      param="ranking_options.ranker", code="invalid_value")
    score = value.get("score_threshold", 0.0)
    if not _number(score) or not 0 <= score <= 1:
        raise invalid("Invalid 'ranking_options.score_threshold': expected a number between 0 "
                      "and 1.", param="ranking_options.score_threshold")
    return float(score)


def search_vector_store(req: EmuRequest) -> dict[str, Any]:
    """Rank the chunks of the store's completed files against ``query``."""
    body = req.json()
    unknown = set(body) - {"query", "rewrite_query", "max_num_results", "filters",
                           "ranking_options"}
    if unknown:
        name = sorted(unknown)[0]
        raise invalid(f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")
    queries = _queries(body)
    limit = opt_int(body, "max_num_results", 1, 50) or 10
    if opt_bool(body, "rewrite_query"):
        queries = [_rewrite(q) for q in queries]
    filters = body.get("filters")
    if filters is not None:
        _check_filter(filters, "filters")
    threshold = _threshold(body.get("ranking_options"))
    app = req.app
    with app.lock:
        store = _store(req)
        store["obj"]["last_active_at"] = app.now()
        candidates: list[tuple[dict[str, Any], str, list[str], np.ndarray]] = []
        files = collection(app, "files")
        for frec in store["files"].values():
            attrs = frec["obj"].get("attributes") or {}
            rec = files.get(frec["obj"]["id"])
            if (rec is None or _file_status(app, frec) != "completed"
                    or (filters is not None and not _matches(filters, attrs))):
                continue
            pieces, vectors = _file_chunks(app, frec)
            candidates.append((frec, rec["obj"]["filename"], pieces, vectors))
    scored: list[tuple[float, int, dict[str, Any]]] = []
    if candidates:
        qv = _embed(queries, app.config.seed)
        for frec, filename, pieces, vectors in candidates:
            if not pieces:
                continue
            sims = np.clip((vectors @ qv.T).max(axis=1), 0.0, 1.0)
            for piece, sim in zip(pieces, sims, strict=True):
                score = round(float(sim), 4)
                if score >= threshold:
                    item = {"file_id": frec["obj"]["id"], "filename": filename, "score": score,
                            "attributes": dict(frec["obj"].get("attributes") or {}),
                            "content": [{"type": "text", "text": piece}]}
                    scored.append((score, len(scored), item))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return {"object": "vector_store.search_results.page", "search_query": queries,
            "data": [item for _, _, item in scored[:limit]], "has_more": False,
            "next_page": None}
