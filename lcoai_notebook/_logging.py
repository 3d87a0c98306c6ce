"""Logging without secrets.

httpx logs every request's full URL at INFO (``HTTP Request: GET https://...?api_token=at_...``)
and httpcore logs at DEBUG; LowCodeAPI puts the token in the query, so those records would leak
it. :func:`install_redaction` puts a filter on those loggers (and ours) that rewrites each record's
message with the token redacted. Filters on a logger only see records logged *to that logger*,
not those propagated from children, so the filter goes on every ``httpx.*`` / ``httpcore.*`` logger
that exists, plus the names httpcore is known to use.
"""

from __future__ import annotations

import logging
import threading

from ._wire import redact

__all__ = ["LOGGER_NAME", "RedactingFilter", "install_redaction", "logger"]

LOGGER_NAME = "lcoai_notebook"
logger = logging.getLogger(LOGGER_NAME)

_KNOWN = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    LOGGER_NAME,
)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and formatted traceback) with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; leave it to the handler
            return True
        clean = redact(message)
        if clean != message:
            record.msg = clean
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()
_lock = threading.Lock()
_installed: set[str] = set()


def install_redaction() -> None:
    """Attach the redacting filter to httpx, httpcore (and children) and this package's logger.

    Idempotent and cheap after the first call (only loggers created since are visited).
    """
    names: set[str] = set(_KNOWN)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("httpx.", "httpcore.", LOGGER_NAME + ".")):
            names.add(name)
    with _lock:
        for name in names - _installed:
            log = logging.getLogger(name)
            if _FILTER not in log.filters:
                log.addFilter(_FILTER)
            _installed.add(name)
