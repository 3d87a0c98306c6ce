"""An on-disk cache of embeddings, so re-running a notebook sends no request.

One SQLite file (stdlib ``sqlite3``, WAL mode so two kernels can share it) with one table:
``key`` (32-byte SHA-256) -> the vector as raw float32 bytes. The key hashes
``(source, model, dimensions, text)``: the source is where the vectors came from (the client's
base URL, without credentials), so the emulator's simulated vectors never answer for the live
service's and vice versa.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_path", "open_cache"]

_FILENAME = "embeddings.sqlite3"
#: Host parameters per SELECT ... IN (...); SQLite's historical limit is 999.
_IN_BATCH = 900


def default_cache_path() -> Path:
    """``$LCOAI_CACHE_DIR`` or ``$XDG_CACHE_HOME/lcoai-notebook`` or ``~/.cache/lcoai-notebook``."""
    base = os.environ.get("LCOAI_CACHE_DIR")
    if base:
        return Path(base) / _FILENAME
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "lcoai-notebook" / _FILENAME


class EmbeddingCache:
    """Vectors by ``(source, model, dimensions, text)`` in one SQLite file.

    Use it from one thread at a time (``embed`` reads before sending and writes as each
    response arrives, all on the calling thread). Close it, or use it as a context manager.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        p = Path(path).expanduser()
        if p.is_dir() or str(path).endswith(("/", os.sep)):
            p = p / _FILENAME
        p.parent.mkdir(parents=True, exist_ok=True)
        self.path = p
        self._db = sqlite3.connect(str(p), timeout=30.0, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (key BLOB PRIMARY KEY, vec BLOB NOT NULL)"
                " WITHOUT ROWID"
            )
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self._unusable(exc) from exc
        except sqlite3.Error:
            self._db.close()
            raise

    def _unusable(self, exc: Exception) -> ValueError:
        """The error for a file that is not (or no longer) a readable cache, naming it."""
        return ValueError(
            f"{self.path} is not an embedding cache SQLite can read ({exc}); delete the file "
            "(the vectors are fetched again) or pass another cache path"
        )

    # -- keys ---------------------------------------------------------------------------------
    @staticmethod
    def keys(source: str, model: str, dimensions: int | None, texts: Iterable[str]) -> list[bytes]:
        """One 32-byte key per text; the JSON prefix is self-delimiting, so keys cannot collide."""
        prefix = hashlib.sha256(json.dumps([source, model, dimensions]).encode("utf-8"))
        out = []
        for text in texts:
            h = prefix.copy()
            h.update(text.encode("utf-8"))
            out.append(h.digest())
        return out

    # -- access -------------------------------------------------------------------------------
    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys`` (float32, read-only views of the stored bytes).

        A damaged row (not a whole number of float32 values) counts as missing, so it is
        fetched and stored again."""
        found: dict[bytes, np.ndarray] = {}
        for i in range(0, len(keys), _IN_BATCH):
            part = list(keys[i : i + _IN_BATCH])
            marks = ",".join("?" * len(part))
            try:
                rows = self._db.execute(
                    f"SELECT key, vec FROM embeddings WHERE key IN ({marks})", part
                ).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._unusable(exc) from exc
            for key, vec in rows:
                if isinstance(vec, bytes) and vec and len(vec) % 4 == 0:
                    found[key] = np.frombuffer(vec, dtype="<f4")
        return found

    def put_many(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store ``vectors[i]`` under ``keys[i]`` (one transaction)."""
        vecs = np.ascontiguousarray(vectors, dtype="<f4")
        if vecs.ndim != 2 or vecs.shape[0] != len(keys):
            raise ValueError(
                f"put_many needs one row per key: {len(keys)} keys, shape {vecs.shape}")
        rows = [(key, vecs[i].tobytes()) for i, key in enumerate(keys)]
        with self._db:  # a transaction: commit, or roll back on error
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO embeddings (key, vec) VALUES (?, ?)", rows)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])

    def clear(self) -> None:
        """Forget every cached vector."""
        self._db.execute("DELETE FROM embeddings")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"


def open_cache(cache: Any) -> tuple[EmbeddingCache | None, bool]:
    """``(cache, owned)`` from ``embed``'s ``cache=`` argument; ``owned`` means close it after."""
    if cache is None or cache is False:
        return None, False
    if cache is True:
        return EmbeddingCache(default_cache_path()), True
    if isinstance(cache, EmbeddingCache):
        return cache, False
    if isinstance(cache, (str, os.PathLike)):
        return EmbeddingCache(cache), True
    raise TypeError(
        "cache must be None, True (the default location), a path, or an EmbeddingCache, got "
        f"{type(cache).__name__}"
    )
