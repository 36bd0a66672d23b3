"""Structured logging: one JSON object per line in staging/production, readable lines locally; every
line carries the request id of the request it belongs to. The API writes its lines in blocks
(`BufferedStreamHandler`): its line per request, formatted by logging's general code and written on its own,
was a sixth of the CPU of a small answer (bench/README.md, issue 16)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time
import weakref
from collections.abc import Callable
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


class _SecondsCache:
    """The text of a log line's time down to the second, made once per second: `strftime` and `isoformat`
    cost as much as the rest of a line. `text(created)` is what `describe(int(created))` gives."""

    def __init__(self, describe: Callable[[int], str]) -> None:
        self._describe = describe
        self._last: tuple[int, str] = (-1, "")  # one tuple, replaced whole: safe to read from any thread

    def text(self, created: float) -> str:
        second = int(created)
        last_second, text = self._last
        if second != last_second:
            text = self._describe(second)
            self._last = (second, text)
        return text


def _utc_iso_seconds(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class JsonFormatter(logging.Formatter):
    # One encoder for every line: json.dumps with options builds a new one per call.
    # ensure_ascii: every control character, C1 and U+2028/2029 included, is a JSON escape; one line.
    _encoder = json.JSONEncoder(default=str, ensure_ascii=True)

    def __init__(self) -> None:
        super().__init__()
        self._seconds = _SecondsCache(_utc_iso_seconds)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return self._encoder.encode(entry)

    def _time(self, created: float) -> str:
        """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, the second's part cached:
        the microseconds rounded as datetime rounds them (half to even), then cut to milliseconds as isoformat
        cuts them."""
        micros = round((created - int(created)) * 1e6)
        if micros >= 1_000_000:  # rounds up into the next second: rare, let datetime carry it
            return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
        return f"{self._seconds.text(created)}.{micros // 1000:03d}+00:00"


class ConsoleFormatter(logging.Formatter):
    """`HH:MM:SS LEVEL   logger [request id] message`, local time; a traceback or stack on the lines after."""

    def __init__(self) -> None:
        super().__init__()
        self._seconds = _SecondsCache(lambda second: time.strftime("%H:%M:%S", time.localtime(second)))

    def format(self, record: logging.LogRecord) -> str:
        """The message with its arguments escaped, never its format string: a value (a request path, an
        address someone typed) cannot start a line of its own, a message we write can be several lines.
        The record is left as other handlers see it (its message unescaped)."""
        message = str(record.msg)
        if record.args:
            keep = bool(getattr(record, KEEP_LINE_BREAKS, False))
            if isinstance(record.args, dict):
                message %= {k: _escape_arg(v, keep) for k, v in record.args.items()}
            else:
                message %= tuple(_escape_arg(v, keep) for v in record.args)
        request_id = getattr(record, "request_id", "-")
        line = f"{self._seconds.text(record.created)} {record.levelname:<7} {record.name} [{request_id}] {message}"
        # As logging.Formatter.format appends them (the traceback's text cached on the record, as it caches it).
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line = f"{line}\n{record.exc_text}" if line[-1:] != "\n" else line + record.exc_text
        if record.stack_info:
            stack = self.formatStack(record.stack_info)
            line = f"{line}\n{stack}" if line[-1:] != "\n" else line + stack
        return line


class BufferedStreamHandler(logging.StreamHandler[Any]):
    """A stream handler that writes its lines in blocks instead of one write (a system call) per line.

    Lines are written, in order, at the latest `interval_s` after they were logged (a thread flushes the
    buffer), as soon as `max_lines` wait, with any WARNING or worse (an error and the lines before it leave
    at once, so a crash right after it loses nothing), and when the handler is flushed or closed: by
    `flush_logs()` at the API's shutdown and by logging's own exit hook. Only a process killed outright
    (SIGKILL, the OOM killer) loses what it had not written yet, at most `interval_s` of lines.
    """

    def __init__(self, stream: Any, interval_s: float = 0.5, max_lines: int = 256) -> None:
        super().__init__(stream)
        self.interval_s = interval_s
        self.max_lines = max_lines
        self._lines: list[str] = []
        self._stopping = threading.Event()
        self._start_flusher()
        _BUFFERED.add(self)

    def _start_flusher(self) -> None:
        threading.Thread(target=self._flush_every_interval, name="log-flusher", daemon=True).start()

    def _flush_every_interval(self) -> None:
        while not self._stopping.wait(self.interval_s):
            try:
                self.flush()
            except Exception:  # a closed or broken stream: say so as logging does, and keep going
                self.handleError(_FLUSH_FAILED)

    def emit(self, record: logging.LogRecord) -> None:
        # Called by Handler.handle with the handler's lock held.
        try:
            self._lines.append(self.format(record) + self.terminator)
            if record.levelno >= logging.WARNING or len(self._lines) >= self.max_lines:
                self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]  # an RLock: emit already holds it
            if self._lines:
                text = "".join(self._lines)
                self._lines.clear()
                self.stream.write(text)
            if hasattr(self.stream, "flush"):
                self.stream.flush()

    def close(self) -> None:
        self._stopping.set()
        with self.lock:  # type: ignore[union-attr]
            try:
                self.flush()
            except (OSError, ValueError):  # the stream was closed or broke first: nothing more can be written
                self.handleError(_FLUSH_FAILED)
            finally:
                super().close()

    def _after_fork_in_child(self) -> None:
        # The parent writes what was buffered before the fork; the child's copy would write it twice. Threads do
        # not survive a fork: the child needs its own flusher.
        self._lines.clear()
        if not self._stopping.is_set():
            self._start_flusher()


_BUFFERED: weakref.WeakSet[BufferedStreamHandler] = weakref.WeakSet()
_FLUSH_FAILED = logging.makeLogRecord({"msg": "writing the buffered log lines failed"})


def _after_fork_in_child() -> None:
    for handler in list(_BUFFERED):
        handler._after_fork_in_child()


os.register_at_fork(after_in_child=_after_fork_in_child)


def flush_logs() -> None:
    """Write out what the root logger's handlers hold (the API's buffered lines), before a shutdown."""
    for handler in logging.getLogger().handlers:
        handler.flush()


def configure_logging(settings: Settings, stream: Any = None, buffered: bool = False) -> None:
    """The root logger's one handler. `buffered`: lines written in blocks (`BufferedStreamHandler`), for the API,
    which logs a line per request; the worker and the commands write each line at once."""
    target = stream or sys.stderr
    handler = BufferedStreamHandler(target) if buffered else logging.StreamHandler(target)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else ConsoleFormatter())
    root = logging.getLogger()
    for replaced in root.handlers:
        if isinstance(replaced, BufferedStreamHandler):
            replaced.close()  # its lines written, its thread stopped
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # uvicorn's own access log would duplicate our one line per request.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error", "dramatiq"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
