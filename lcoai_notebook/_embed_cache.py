"""An on-disk cache of embeddings, so re-running a notebook sends no request.

One SQLite file (stdlib ``sqlite3``, WAL mode so two kernels can share it) with one table,
``vectors``: ``key`` (32-byte SHA-256 of ``(source, model, dimensions, text)``) -> ``dim``, the
vector as raw little-endian float32 bytes, and ``check``, a BLAKE2b digest of ``dim`` and the bytes
keyed with ``key``. The source says where the vectors came from (see ``embeddings._source``), so
one server's vectors never answer for another's.

Two promises, each kept by one mechanism:

* **Nothing wrong is returned.** A row is used only when its length matches its ``dim`` and its
  digest matches; anything else (a flipped bit, a truncated blob, a row moved under another key)
  is a miss, fetched again and rewritten. A SQLite file that is not ours is refused unmodified:
  ours carry ``PRAGMA application_id`` = ``APPLICATION_ID`` and ``user_version`` = the format.
* **Nothing paid for is lost.** Writes never raise: a read-only file or folder, a full disk or a
  damaged file turns the cache read-only with one :class:`EmbeddingCacheWarning`, and the caller
  still gets the vectors it paid for. A read-only cache is still read.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from ._config import ENV_CACHE_DIR

__all__ = ["APPLICATION_ID", "EmbeddingCache", "EmbeddingCacheWarning", "default_cache_path",
           "open_cache"]

_FILENAME = "embeddings.sqlite3"
#: ``PRAGMA application_id`` of our files: "lcoE". SQLite files of other programs hold 0 or theirs.
APPLICATION_ID = int.from_bytes(b"lcoE", "big")
#: ``PRAGMA user_version``: the file format. 1 was the unversioned ``embeddings(key, vec)`` table.
FORMAT = 2
#: Host parameters per SELECT ... IN (...); SQLite's historical limit is 999.
_IN_BATCH = 900
_SCHEMA = ("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER NOT NULL, "
           "vec BLOB NOT NULL, \"check\" BLOB NOT NULL) WITHOUT ROWID")
_LEGACY = {"embeddings": ["key", "vec"]}


class EmbeddingCacheWarning(UserWarning):
    """The embedding cache cannot store (or was reset): the vectors are returned regardless."""


def default_cache_path() -> Path:
    """``$LCOAI_CACHE_DIR`` or ``$XDG_CACHE_HOME/lcoai-notebook`` or ``~/.cache/lcoai-notebook``."""
    base = os.environ.get(ENV_CACHE_DIR)
    if base:
        return Path(base) / _FILENAME
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "lcoai-notebook" / _FILENAME


def _digest(key: bytes, dim: int, vec: bytes) -> bytes:
    """The row check: BLAKE2b-128 of ``dim`` and the vector bytes, keyed with the row's key."""
    h = hashlib.blake2b(dim.to_bytes(4, "little"), key=key, digest_size=16)
    h.update(vec)
    return h.digest()


def _rollback_quietly(db: sqlite3.Connection) -> None:
    """End a failed write's transaction; the error that failed it is the one worth reporting."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass


class EmbeddingCache:
    """Vectors by ``(source, model, dimensions, text)`` in one SQLite file.

    Use it from one thread at a time (``embed`` reads before sending and writes as each
    response arrives, all on the calling thread). Close it, or use it as a context manager.

    Attributes
    ----------
    path : Path
        The SQLite file.
    read_only : bool
        True when nothing can be stored (the file or folder is read-only, the disk is full, the
        file is damaged); reads still work where they can.
    rejected : int
        Rows found but not used since opening (wrong length or digest): each was a miss.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        p = Path(path).expanduser()
        if p.is_dir() or str(path).endswith(("/", os.sep)):
            p = p / _FILENAME
        self.path = p
        self.read_only = False
        self.rejected = 0
        self._warned: set[str] = set()
        self._why = ""
        self._db: sqlite3.Connection | None = None
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # a read-only place: opening below decides whether there is a cache to read
        try:
            self._db = sqlite3.connect(str(p), timeout=30.0, isolation_level=None)
            self._setup(self._db)
        except sqlite3.OperationalError as exc:
            # Typically a read-only folder: SQLite cannot create the WAL's -shm file next to
            # the database, or cannot create the database at all. Read what is there.
            self._close_quietly()
            self._open_read_only(exc)
        except BaseException:
            self._close_quietly()  # e.g. refused: a file of another program
            raise

    # -- opening ------------------------------------------------------------------------------
    def _setup(self, db: sqlite3.Connection) -> None:
        """Check the file is ours (or empty, or our legacy format) and bring it to ``FORMAT``."""
        state = self._inspect(db)
        if state == "new" or state == "legacy":
            try:
                db.execute("BEGIN IMMEDIATE")
                dropped = 0
                if state == "legacy":
                    dropped = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
                    db.execute("DROP TABLE embeddings")
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {FORMAT}")
                db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                _rollback_quietly(db)
                # Empty, or legacy rows that cannot be trusted: nothing to read either.
                self._close_quietly()
                self._become_read_only(exc)
                return
            if dropped:
                # The old format's keys left out a loopback server's port and its rows carry no
                # check: they may hold another server's vectors, so they cannot be trusted.
                self._warn(f"the embedding cache {self.path} was written by an older "
                           f"lcoai-notebook; its {dropped} vectors were dropped (their keys could "
                           "mix servers) and will be fetched again")
        try:
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            pass  # a read-only file keeps its journal mode; reading works either way

    def _inspect(self, db: sqlite3.Connection) -> str:
        """``"ours"``, ``"new"`` (no tables) or ``"legacy"``; raise for anything else (reads
        only, so a file that is not ours is left as it was)."""
        try:
            app = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            tables = {n: [c[1] for c in db.execute(f"PRAGMA table_info({json.dumps(n)})")]
                      for n in names}
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged header/schema
            raise ValueError(
                f"{self.path} is not an embedding cache SQLite can read ({exc}); delete the "
                "file (the vectors are fetched again) or pass another cache path") from exc
        if app == APPLICATION_ID:
            if version != FORMAT:
                raise ValueError(
                    f"{self.path} is an embedding cache in format {version}, this lcoai-notebook "
                    f"reads format {FORMAT}: upgrade lcoai-notebook or pass another cache path")
            return "ours" if "vectors" in tables else "new"
        if app == 0 and not tables:
            return "new"
        if app == 0 and version == 0 and tables == _LEGACY:
            return "legacy"
        shown = ", ".join(names[:8]) or "none"
        raise ValueError(
            f"{self.path} is a SQLite database of another program (application_id {app}, "
            f"tables: {shown}), not an embedding cache; it was left unchanged: pass another "
            "cache path")

    def _open_read_only(self, first: sqlite3.OperationalError) -> None:
        if not self.path.exists():
            self._become_read_only(first)  # nothing to read and nowhere to write
            return
        # mode=ro reads a rollback-journal file; a WAL file in a read-only folder also needs
        # immutable=1 (no -shm). Immutable skips locking: acceptable, since nobody can write
        # there, and every row is checked anyway.
        last: Exception = first
        for query in ("mode=ro", "mode=ro&immutable=1"):
            uri = f"file:{quote(str(self.path.resolve()))}?{query}"
            try:
                db = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None)
            except sqlite3.OperationalError as exc:
                last = exc
                continue
            try:
                state = self._inspect(db)
            except sqlite3.OperationalError as exc:
                db.close()
                last = exc
                continue
            except ValueError:
                db.close()
                raise
            self._db = db if state == "ours" else None
            if state != "ours":
                db.close()
            self._become_read_only(first)
            return
        raise ValueError(f"cannot open the embedding cache {self.path}: {last}") from last

    # -- keys ---------------------------------------------------------------------------------
    @staticmethod
    def keys(source: str, model: str, dimensions: int | None, texts: Iterable[str]) -> list[bytes]:
        """One 32-byte key per text; the JSON prefix is self-delimiting, so keys cannot collide."""
        prefix = hashlib.sha256(json.dumps([FORMAT, source, model, dimensions]).encode("utf-8"))
        out = []
        for text in texts:
            h = prefix.copy()
            h.update(text.encode("utf-8"))
            out.append(h.digest())
        return out

    # -- access -------------------------------------------------------------------------------
    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``keys`` (float32, read-only views of the stored bytes).

        A row whose length or digest does not match is left out (counted in ``rejected``), so
        it is fetched and stored again; a part of the file SQLite cannot read is a miss too."""
        found: dict[bytes, np.ndarray] = {}
        if self._db is None:
            return found
        for i in range(0, len(keys), _IN_BATCH):
            part = list(keys[i : i + _IN_BATCH])
            for key, dim, vec, check in self._select(part):
                if (isinstance(key, bytes) and isinstance(vec, bytes) and isinstance(dim, int)
                        and dim > 0 and len(vec) == 4 * dim and isinstance(check, bytes)
                        and check == _digest(key, dim, vec)):
                    found[key] = np.frombuffer(vec, dtype="<f4")
                else:
                    self.rejected += 1
        return found

    def _select(self, part: list[bytes]) -> list[tuple[Any, ...]]:
        db = self._db
        assert db is not None
        sql = 'SELECT key, dim, vec, "check" FROM vectors WHERE key IN ({})'
        try:
            return db.execute(sql.format(",".join("?" * len(part))), part).fetchall()
        except sqlite3.DatabaseError:
            pass
        # Damaged pages: one key at a time, so only the rows SQLite cannot reach are misses.
        rows: list[tuple[Any, ...]] = []
        for key in part:
            try:
                rows.extend(db.execute(sql.format("?"), (key,)).fetchall())
            except sqlite3.DatabaseError:
                self.rejected += 1
        return rows

    def put_many(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store ``vectors[i]`` under ``keys[i]`` (one transaction). Never raises for a cache
        that cannot store: it warns once and becomes read-only."""
        vecs = np.ascontiguousarray(vectors, dtype="<f4")
        if vecs.ndim != 2 or vecs.shape[0] != len(keys):
            raise ValueError(
                f"put_many needs one row per key: {len(keys)} keys, shape {vecs.shape}")
        if self.read_only or self._db is None:
            self._warn_read_only()
            return
        dim = int(vecs.shape[1])
        rows = []
        for i, key in enumerate(keys):
            raw = vecs[i].tobytes()
            rows.append((key, dim, raw, _digest(key, dim, raw)))
        db = self._db
        try:
            db.execute("BEGIN")
            db.executemany(
                'INSERT OR REPLACE INTO vectors (key, dim, vec, "check") VALUES (?, ?, ?, ?)', rows)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            _rollback_quietly(db)
            self._become_read_only(exc)
            self._warn_read_only()

    def _become_read_only(self, exc: Exception) -> None:
        """Stop writing; the warning waits for the first vectors that cannot be stored (a
        read-only cache that only answers from what it holds says nothing)."""
        self.read_only = True
        text = str(exc)
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            self._why = "is read-only"
        elif "malformed" in text or "not a database" in text:
            self._why = f"is damaged ({text}; delete it to start afresh)"
        else:
            self._why = f"cannot be written ({text})"

    def _warn_read_only(self) -> None:
        if self._db is not None:
            self._warn(f"the embedding cache {self.path} {self._why}: cached vectors are still "
                       "read, new ones are returned but not stored")
        else:
            self._warn(f"the embedding cache {self.path} {self._why}: vectors are returned but "
                       "not cached")

    def _warn(self, message: str) -> None:
        # Once per cache object; Python's default filter also shows a repeated text only once.
        if message not in self._warned:
            self._warned.add(message)
            warnings.warn(message, EmbeddingCacheWarning, stacklevel=5)

    def __len__(self) -> int:
        if self._db is None:
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def clear(self) -> None:
        """Forget every cached vector."""
        if self._db is None or self.read_only:
            raise ValueError(f"the embedding cache {self.path} is read-only; cannot clear it")
        self._db.execute("DELETE FROM vectors")

    def _close_quietly(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def close(self) -> None:
        self._close_quietly()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        ro = ", read_only=True" if self.read_only else ""
        return f"EmbeddingCache({str(self.path)!r}{ro})"


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
