"""Structured logging: one JSON object per line in staging/production, readable lines locally; every
line carries the request id of the request it belongs to."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from numbers import Number
from typing import Any

from ayni.config import Settings
from ayni.context import current_request_id

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}

# Everything that can end or rewrite a line on a terminal: C0, DEL, C1, the Unicode line and paragraph
# separators; and the backslash, so that an escaped value never reads like another value.
_UNSAFE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE_KEEPING_LINES = re.compile("[\\\\\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# A repr is already unambiguous: it keeps its backslashes.
_UNSAFE_IN_REPR = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A record logged with extra={KEEP_LINE_BREAKS: True} is our own multi-line layout (the email `ayni dev` logs
# instead of sending it, whose link must stay clickable on a line of its own): its values keep their line
# breaks (they come from our templates and a stored, validated address) and lose every other control character.
KEEP_LINE_BREAKS = "ayni_keep_line_breaks"


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_control(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control character written out (`\\n`, `\\x1b`, `\\u2028`) and backslashes
    doubled: one line, and two different texts never give the same escape."""
    return (_UNSAFE_KEEPING_LINES if keep_newlines else _UNSAFE).sub(_escape_char, text)


class _Escaped:
    """A log argument as `%s` and `%r` show it, escaped."""

    def __init__(self, value: object, keep_newlines: bool) -> None:
        self.value = value
        self.keep_newlines = keep_newlines

    def __str__(self) -> str:
        return escape_control(str(self.value), self.keep_newlines)

    def __repr__(self) -> str:
        return _UNSAFE_IN_REPR.sub(_escape_char, repr(self.value))


def _escape_arg(value: object, keep_newlines: bool) -> object:
    # Numbers stay numbers, for `%d` and `%.1f`; nothing else can reach `%s` or `%r` unescaped.
    return value if value is None or isinstance(value, Number) else _Escaped(value, keep_newlines)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ensure_ascii: every control character, C1 and U+2028/2029 included, is a JSON escape; one line.
        return json.dumps(entry, default=str, ensure_ascii=True)


class ConsoleFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        """The message with its arguments escaped, never its format string: a value (a request path, an
        address someone typed) cannot start a line of its own, a message we write can be several lines."""
        if record.args:
            keep = bool(getattr(record, KEEP_LINE_BREAKS, False))
            record = logging.makeLogRecord(record.__dict__)
            if isinstance(record.args, dict):
                record.args = {k: _escape_arg(v, keep) for k, v in record.args.items()}
            else:
                record.args = tuple(_escape_arg(v, keep) for v in record.args or ())
        return super().format(record)


def configure_logging(settings: Settings, stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # uvicorn's own access log would duplicate our one line per request.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error", "dramatiq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
