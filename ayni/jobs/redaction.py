"""What of an actor's exception is kept on its job: a one-line summary, never a secret or a traceback."""

from __future__ import annotations

import re

MAX_SUMMARY = 300
# user:password@ in URLs, and key=value / key: value pairs whose key names a secret.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]*@", re.IGNORECASE)
_SECRET_PAIRS = re.compile(
    r"(?P<key>\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|authorization)[\w-]*\b\s*[=:]\s*)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|\S+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    text = _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)
    return _SECRET_PAIRS.sub(r"\g<key>***", text)


def error_summary(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    summary = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    summary = redact(summary)
    return summary if len(summary) <= MAX_SUMMARY else summary[: MAX_SUMMARY - 1] + "…"
