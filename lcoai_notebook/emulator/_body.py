"""Reading request bodies with a limit, so memory stays bounded whatever a client sends.

Both HTTP shells (the loopback server and the in-process transports) read bodies through
:class:`BodyReader`: a declared ``Content-Length`` over the limit is refused before anything is
read; a declared length within it is read into one buffer of exactly that size; a body of
unknown length (chunked) is counted while it arrives, kept in memory up to ``SPOOL`` bytes and
on disk beyond that, and dropped as soon as it passes the limit. An over-limit request therefore
costs at most ``SPOOL`` plus one chunk of memory, and a body within the limit costs its own
size once.
"""

from __future__ import annotations

import tempfile
from typing import Protocol

__all__ = ["SPOOL", "BodyReader", "declared_length"]

#: Bytes of a body of unknown length kept in memory before the rest goes to a temporary file.
SPOOL = 8 * 2**20


class _Spool(Protocol):
    """What the reader uses of ``tempfile.TemporaryFile()`` (a BufferedRandom on POSIX, a
    wrapper on Windows; ``IO[bytes]`` would lack ``readinto``)."""

    def write(self, data: bytes | bytearray, /) -> int: ...
    def seek(self, offset: int, /) -> int: ...
    def readinto(self, buffer: memoryview, /) -> int | None: ...
    def close(self) -> None: ...


def declared_length(value: str | None) -> int | None:
    """The ``Content-Length`` header as an int, or None when absent or not a plain number."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None


class BodyReader:
    """Collects one request body of at most ``limit`` bytes.

    Parameters
    ----------
    limit : int
        Largest body accepted, in bytes.
    declared : int, optional
        The request's ``Content-Length`` (must be ``<= limit``; the shells refuse larger ones
        before reading). None for a body of unknown length.
    """

    def __init__(self, limit: int, declared: int | None = None) -> None:
        self.limit = limit
        self.size = 0
        self.over = False
        self._declared = declared
        self._buf = bytearray(declared) if declared else bytearray()
        self._file: _Spool | None = None

    def feed(self, chunk: bytes) -> bool:
        """Add ``chunk``; False (and everything read is dropped) once the body passes the limit
        or its declared length."""
        if self.over:
            return False
        if not chunk:
            return True
        end = self.size + len(chunk)
        cap = self.limit if self._declared is None else min(self.limit, self._declared)
        if end > cap:
            self.over = True
            self.size = end
            self.close()
            return False
        if self._declared is not None:
            memoryview(self._buf)[self.size:end] = chunk
        elif self._file is not None:
            self._file.write(chunk)
        elif end > SPOOL:
            self._file = tempfile.TemporaryFile(prefix="lcoai-emulator-body-")
            self._file.write(self._buf)
            self._file.write(chunk)
            self._buf = bytearray()
        else:
            self._buf += chunk
        self.size = end
        return True

    def body(self) -> bytearray:
        """The whole body (one buffer of exactly its size)."""
        if self._declared is not None and self.size != self._declared:
            # A peer that sends less than it declared (the HTTP layer normally catches it).
            del self._buf[self.size:]
        if self._file is None:
            return self._buf
        out = bytearray(self.size)
        self._file.seek(0)
        view, got = memoryview(out), 0
        while got < self.size:
            n = self._file.readinto(view[got:])
            if not n:
                break
            got += n
        self.close()
        return out

    def close(self) -> None:
        """Drop what was read (idempotent)."""
        self._buf = bytearray()
        if self._file is not None:
            self._file.close()
            self._file = None
