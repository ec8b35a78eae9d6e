"""Keeping the API key out of logs and error text.

Barrack keys look like ``sk_`` + secret (seed page). Three things are scrubbed:

* every secret registered with :func:`register_secret` (the client registers its
  key, whatever it looks like);
* any ``sk_...`` token, so a key pasted into a server message is hidden too;
* the value after an ``X-API-Key`` header name, in the shapes a header takes
  when printed (``X-API-Key: v``, ``'x-api-key': 'v'``, ``(b'x-api-key', b'v')``).

:class:`RedactingFilter` applies :func:`redact` to log records.
:func:`install_log_redaction` attaches it to the ``httpx``, ``httpcore`` and
``barrack_tui`` loggers, to httpcore's own loggers and to every logger below
them that exists at that moment. A logging filter only sees records logged *directly* on its logger
(propagation skips parent loggers' filters), hence the walk over descendants;
it is repeated each time a client is created, which picks up loggers created
in between.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Final

MASK: Final = "***"
REDACTED_LOGGERS: Final[tuple[str, ...]] = ("httpx", "httpcore", "barrack_tui")
# httpcore logs only on these children, created when httpcore is first imported
# (lazily, by httpx's default transport): name them so they are covered either way.
_HTTPCORE_LOGGERS: Final = tuple(
    f"httpcore.{name}" for name in ("connection", "http11", "http2", "proxy", "socks")
)

_SK_TOKEN: Final = re.compile(r"\bsk_[A-Za-z0-9_\-]+")
_HEADER_VALUE: Final = re.compile(r"""(?i)(x-api-key['"]?\s*[:=,]\s*b?['"]?)([^'"\s,;)}\]]+)""")

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Remember a secret so that :func:`redact` hides it wherever it appears."""
    if secret:
        with _lock:
            _secrets.add(secret)


def redact(text: str) -> str:
    """``text`` with registered secrets, ``sk_`` tokens and API-key header values masked."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _SK_TOKEN.sub(MASK, text)
    return _HEADER_VALUE.sub(lambda m: m.group(1) + MASK, text)


def truncate(text: str, limit: int = 500) -> str:
    """At most ``limit`` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and formatted traceback) with :func:`redact`.

    The message is formatted once here (``msg % args``) so that a secret passed
    as an argument is caught as well; the record then carries the finished text
    and no args. Records are never dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: leave it to logging
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER: Final = RedactingFilter()


def install_log_redaction(secret: str | None = None) -> RedactingFilter:
    """Register ``secret`` and attach the shared filter to the redacted loggers.

    Idempotent: a logger never gets the filter twice.
    """
    if secret:
        register_secret(secret)
    manager = logging.Logger.manager
    names = [
        name
        for name in list(manager.loggerDict)
        if any(name == root or name.startswith(root + ".") for root in REDACTED_LOGGERS)
    ]
    for name in {*REDACTED_LOGGERS, *_HTTPCORE_LOGGERS, *names}:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return _FILTER
