"""Structured logs (issue 2, item 3): one line per request with method, path, status, duration and the
request id; JSON in staging/production, readable lines locally; the request id on every line."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ayni.app import create_app
from ayni.config import Settings
from ayni.context import bind_request_id, unbind_request_id
from ayni.logs import (
    KEEP_LINE_BREAKS,
    BufferedStreamHandler,
    ConsoleFormatter,
    JsonFormatter,
    RequestIdFilter,
    configure_logging,
    escape_control,
    flush_logs,
)
from tests.servers import LiveServer

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "dramatiq")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back for the other tests."""
    saved = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = (list(logger.handlers), logger.level, logger.propagate, logger.disabled)
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled


async def shout(request: Request) -> Response:
    logging.getLogger("ayni.test").warning("inside the handler")
    return Response("ok")


async def explode(request: Request) -> Response:
    raise RuntimeError("secret internals")


def serve_logged(settings: Settings) -> tuple[LiveServer, io.StringIO]:
    stream = io.StringIO()
    configure_logging(settings, stream)
    app = create_app(settings)
    app.router.routes.extend([Route("/test/shout", shout), Route("/test/explode", explode)])
    return LiveServer(app), stream


def wait_for(stream: io.StringIO, found: Callable[[str], bool], seconds: float = 5) -> list[str]:
    """The request's line is written after the answer is sent: give the server thread a moment."""
    deadline = time.monotonic() + seconds
    while True:
        lines = stream.getvalue().splitlines()
        if any(found(line) for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def json_lines(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]  # every line is one JSON object


@pytest.fixture
def json_server(
    make_settings: Callable[..., Settings], clean_state: None
) -> Iterator[tuple[httpx.Client, io.StringIO]]:
    server, stream = serve_logged(make_settings(LOG_FORMAT="json", LOG_LEVEL="info"))
    with server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield http, stream


def test_json_request_line(json_server: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = json_server
    response = http.get("/api/v1/health", headers={"X-Request-ID": "log-test-1"})
    lines = wait_for(stream, lambda line: "log-test-1" in line)
    entries = json_lines(lines)
    mine = [e for e in entries if e.get("request_id") == "log-test-1" and e.get("path") == "/api/v1/health"]
    assert len(mine) == 1, entries
    entry = mine[0]
    assert entry["method"] == "GET"
    assert entry["status"] == response.status_code
    assert isinstance(entry["duration_ms"], int | float)
    assert entry["duration_ms"] >= 0
    assert entry["level"] == "info"
    assert entry["logger"] == "ayni.http"
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", entry["time"])
    assert "GET /api/v1/health" in entry["message"]


def test_json_line_for_a_generated_id_and_an_error(json_server: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = json_server
    response = http.post("/nowhere")
    rid = response.headers["x-request-id"]
    entries = json_lines(wait_for(stream, lambda line: rid in line))
    mine = [e for e in entries if e.get("request_id") == rid]
    assert [(e["method"], e["path"], e["status"]) for e in mine] == [("POST", "/nowhere", 404)]


def test_every_line_of_a_request_carries_its_id(json_server: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = json_server
    http.get("/test/shout", headers={"X-Request-ID": "shout-1"})
    entries = json_lines(wait_for(stream, lambda line: '"path": "/test/shout"' in line))
    inside = [e for e in entries if e["message"] == "inside the handler"]
    assert len(inside) == 1
    assert inside[0]["request_id"] == "shout-1"
    assert inside[0]["level"] == "warning"


def test_an_unexpected_error_is_logged_with_its_traceback_and_id(json_server: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = json_server
    response = http.get("/test/explode", headers={"X-Request-ID": "explode-1"})
    assert response.status_code == 500
    assert "secret internals" not in response.text
    entries = json_lines(wait_for(stream, lambda line: '"status": 500' in line))
    mine = [e for e in entries if e.get("request_id") == "explode-1"]
    errors = [e for e in mine if e["level"] == "error"]
    assert errors
    assert "secret internals" in errors[0]["exception"]
    assert "Traceback" in errors[0]["exception"]
    assert [e["status"] for e in mine if "status" in e] == [500]


def test_console_format(make_settings: Callable[..., Settings], clean_state: None) -> None:
    server, stream = serve_logged(make_settings(LOG_FORMAT="console", LOG_LEVEL="info"))
    with server, httpx.Client(base_url=server.url, timeout=10) as http:
        http.get("/health", headers={"X-Request-ID": "probe-1"})  # the load balancer's probe: not logged
        http.get("/api/v1/health", headers={"X-Request-ID": "console-1"})
        http.get("/test/shout", headers={"X-Request-ID": "console-2"})
        lines = wait_for(stream, lambda line: "console-2" in line and "/test/shout" in line)
    request_line = [line for line in lines if "[console-1]" in line]
    assert len(request_line) == 1, lines
    assert "GET /api/v1/health " in request_line[0]
    assert not [line for line in lines if "probe-1" in line]
    assert "ms" in request_line[0]
    assert "INFO" in request_line[0]
    inside = [line for line in lines if "inside the handler" in line]
    assert len(inside) == 1
    assert "[console-2]" in inside[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(request_line[0])


def test_the_deployed_default_is_json(make_settings: Callable[..., Settings]) -> None:
    import secrets

    settings = make_settings(ENVIRONMENT="staging", JWT_SECRET=secrets.token_urlsafe(64), LOG_LEVEL="info")
    stream = io.StringIO()
    configure_logging(settings, stream)
    logging.getLogger("ayni.test").info("hello")
    entry = json.loads(stream.getvalue().splitlines()[-1])
    assert entry["message"] == "hello"
    assert entry["request_id"] == "-"


def test_the_log_level_is_honoured(make_settings: Callable[..., Settings]) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(LOG_FORMAT="json", LOG_LEVEL="warning"), stream)
    logging.getLogger("ayni.test").info("quiet")
    logging.getLogger("ayni.test").warning("loud")
    messages = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert messages == ["loud"]


def _format(formatter: logging.Formatter, message: str, extra: dict[str, object], request_id: str | None) -> str:
    record = logging.makeLogRecord(
        {"name": "ayni.test", "levelno": logging.INFO, "levelname": "INFO", "msg": "%s", "args": (message,), **extra}
    )
    token = bind_request_id(request_id)
    try:
        RequestIdFilter().filter(record)
    finally:
        unbind_request_id(token)
    return formatter.format(record)


@given(
    message=st.text(),
    extra=st.dictionaries(st.sampled_from(["path", "status", "user_id", "detail"]), st.text() | st.integers()),
    request_id=st.none() | st.from_regex(r"[A-Za-z0-9._:\-]{1,128}", fullmatch=True),
)
def test_a_json_line_is_always_one_line_of_json(message: str, extra: dict[str, object], request_id: str | None) -> None:
    line = _format(JsonFormatter(), message, extra, request_id)
    assert "\n" not in line
    assert "\r" not in line
    entry = json.loads(line)
    assert entry["message"] == message
    assert entry["request_id"] == (request_id or "-")
    for key, value in extra.items():
        assert entry[key] == value


def test_console_line_has_the_request_id() -> None:
    line = _format(ConsoleFormatter(), "hello", {}, "abc-1")
    assert "[abc-1]" in line
    assert "hello" in line
    assert "[-]" in _format(ConsoleFormatter(), "hello", {}, None)


def test_no_password_reaches_the_log(
    make_settings: Callable[..., Settings], database_url: str, redis_url: str, clean_state: None
) -> None:
    """The pool, the Redis client and uvicorn log what they connect to: never with the password."""
    password = "logpass-Sekrit-4711"
    with_password = database_url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@")
    redis_with_password = redis_url.replace("redis://", "redis://default:redispass-Sekrit-0815@")
    assert password in with_password
    settings = make_settings(
        DATABASE_URL=with_password, REDIS_URL=redis_with_password, LOG_FORMAT="json", LOG_LEVEL="debug"
    )
    server, stream = serve_logged(settings)
    with server, httpx.Client(base_url=server.url, timeout=10) as http:
        http.get("/api/v1/health", headers={"X-Request-ID": "pw-1"})
        wait_for(stream, lambda line: "pw-1" in line and '"status"' in line)
    text = stream.getvalue()
    assert "Disconnected from database" in text or "Connected to database" in text
    assert password not in text
    assert "redispass-Sekrit-0815" not in text


# --- log forging (issue 10, finding 6) ------------------------------------------------------------------------

FORGING_PATH = "/api/v1/x%0a18:30:00%20ERROR%20FORGED%0d%e2%80%a8tail"


def test_a_newline_in_the_path_cannot_forge_a_console_line(
    make_settings: Callable[..., Settings], clean_state: None
) -> None:
    server, stream = serve_logged(make_settings(LOG_FORMAT="console", LOG_LEVEL="info"))
    with server, httpx.Client(base_url=server.url, timeout=10) as http:
        http.get(FORGING_PATH, headers={"X-Request-ID": "forge-1"})
        wait_for(stream, lambda line: "[forge-1]" in line and "FORGED" in line)
    text = stream.getvalue()
    server_lines = [line for line in text.splitlines() if " httpx " not in line]  # not the client's own
    mine = [line for line in server_lines if "FORGED" in line or "tail" in line]
    assert len(mine) == 1, text
    assert "[forge-1]" in mine[0]
    assert "GET /api/v1/x\\n18:30:00 ERROR FORGED\\r\\u2028tail 404" in mine[0]
    assert not [line for line in text.split("\n") if line.startswith("18:30:00 ERROR")]


def test_a_newline_in_the_path_stays_inside_one_json_line(json_server: tuple[httpx.Client, io.StringIO]) -> None:
    http, stream = json_server
    http.get(FORGING_PATH, headers={"X-Request-ID": "forge-2"})
    lines = wait_for(stream, lambda line: "forge-2" in line and "FORGED" in line)
    assert len(stream.getvalue().split("\n")) == len(lines) + 1  # splitlines splits on U+2028 too: none
    mine = [e for e in json_lines(lines) if e.get("request_id") == "forge-2" and "path" in e]
    assert len(mine) == 1
    assert mine[0]["path"] == "/api/v1/x\n18:30:00 ERROR FORGED\r\u2028tail"  # the true path, for the machine


def _is_unsafe(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in "\u2028\u2029"


@given(st.text())
def test_escaping_leaves_no_control_character(text: str) -> None:
    escaped = escape_control(text)
    assert not [c for c in escaped if _is_unsafe(c)]
    assert len(escaped.splitlines()) <= 1
    if not any(_is_unsafe(c) or c == "\\" for c in text):
        assert escaped == text  # plain text is left alone


@given(st.text(), st.text())
def test_escaping_keeps_different_texts_different(first: str, second: str) -> None:
    if first != second:
        assert escape_control(first) != escape_control(second)


@given(message=st.text(), request_id=st.none() | st.from_regex(r"[A-Za-z0-9._:\-]{1,128}", fullmatch=True))
def test_a_console_line_is_always_one_line(message: str, request_id: str | None) -> None:
    line = _format(ConsoleFormatter(), message, {}, request_id)
    assert len(line.splitlines()) == 1
    assert not [c for c in line if _is_unsafe(c)]


def test_console_escapes_every_kind_of_argument_but_not_the_format_string() -> None:
    record = logging.makeLogRecord(
        {
            "name": "ayni.test",
            "levelname": "INFO",
            "msg": "one\ntwo %s %r %d %.1f %s",
            "args": ("a\nb", "c\x1bd", 7, 1.25, ["e\u2028f"]),
        }
    )
    RequestIdFilter().filter(record)
    line = ConsoleFormatter().format(record)
    # %s of a list shows its items' reprs, whose backslashes are then doubled like any other
    assert line.split("\n")[1] == "two a\\nb 'c\\x1bd' 7 1.2 ['e\\\\u2028f']"
    assert record.getMessage().count("\n") == 2  # the record itself, as other handlers see it, is untouched


def test_the_dev_email_keeps_its_layout_in_the_console() -> None:
    """`ayni dev` logs the email instead of sending it: its link stays on a line of its own, clickable."""
    body = "Open this link:\n\nhttp://localhost:5173/verify-email?token=abc\n\nThanks\x1b[2J"
    record = logging.makeLogRecord(
        {
            "name": "ayni.emails",
            "levelname": "INFO",
            "msg": "email (SMTP_URL not set, so it is only logged):\nTo: %s\nSubject: %s\n\n%s",
            "args": ("ana@example.com", "Verify", body),
            KEEP_LINE_BREAKS: True,  # as ayni.auth.emails logs it
        }
    )
    RequestIdFilter().filter(record)
    lines = ConsoleFormatter().format(record).split("\n")
    assert "http://localhost:5173/verify-email?token=abc" in lines
    assert lines[-1] == "Thanks\\x1b[2J"


# --- the formatters' clocks (issue 16: the time's text made once a second) --------------------------------------

# From 1970 to 2100, and the instants next to a second's end, where rounding to microseconds carries over.
instants = st.floats(min_value=0, max_value=4_102_444_800, allow_nan=False) | st.integers(0, 4_102_444_800).map(
    lambda second: second + 0.9999995
)


@given(instants)
def test_the_json_time_is_what_datetime_writes(created: float) -> None:
    record = logging.makeLogRecord({"name": "ayni.test", "levelname": "INFO", "msg": "x", "created": created})
    assert json.loads(JsonFormatter().format(record))["time"] == datetime.fromtimestamp(created, UTC).isoformat(
        timespec="milliseconds"
    )


def test_one_json_formatter_gets_each_second_right_in_turn() -> None:
    formatter = JsonFormatter()
    for created in (1_800_000_000.25, 1_800_000_000.75, 1_800_000_001.5, 1_700_000_000.0, 1_800_000_001.999):
        record = logging.makeLogRecord({"msg": "x", "created": created})
        expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
        assert json.loads(formatter.format(record))["time"] == expected


@given(instants)
def test_the_console_time_is_the_local_clock(created: float) -> None:
    record = logging.makeLogRecord({"name": "ayni.test", "levelname": "INFO", "msg": "x", "created": created})
    assert ConsoleFormatter().format(record).split(" ")[0] == time.strftime("%H:%M:%S", time.localtime(created))


def test_a_console_line_with_an_exception_has_its_traceback_below() -> None:
    try:
        raise RuntimeError("went wrong")
    except RuntimeError:
        record = logging.makeLogRecord(
            {"name": "ayni.test", "levelname": "ERROR", "msg": "failed: %s", "args": ("x",), "exc_info": sys.exc_info()}
        )
    lines = ConsoleFormatter().format(record).split("\n")
    assert lines[0].endswith("ERROR   ayni.test [-] failed: x")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: went wrong"


# --- the API's lines written in blocks (issue 16) -----------------------------------------------------------------


@pytest.fixture
def buffered() -> Iterator[Callable[..., tuple[BufferedStreamHandler, io.StringIO, logging.Logger]]]:
    """A BufferedStreamHandler on a StringIO, behind a logger of its own; closed after the test."""
    made: list[BufferedStreamHandler] = []

    def make(
        interval_s: float = 60.0, max_lines: int = 256
    ) -> tuple[BufferedStreamHandler, io.StringIO, logging.Logger]:
        stream = io.StringIO()
        handler = BufferedStreamHandler(stream, interval_s=interval_s, max_lines=max_lines)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger = logging.getLogger(f"ayni.test.buffered.{len(made)}")
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        made.append(handler)
        return handler, stream, logger

    yield make
    for handler in made:
        handler.close()


def test_buffered_lines_are_held_then_written_in_order(buffered: Callable[..., Any]) -> None:
    handler, stream, logger = buffered()
    logger.info("one")
    logger.debug("two")
    assert stream.getvalue() == ""
    handler.flush()
    assert stream.getvalue() == "INFO one\nDEBUG two\n"


def test_a_warning_leaves_at_once_with_the_lines_before_it(buffered: Callable[..., Any]) -> None:
    _, stream, logger = buffered()
    logger.info("before")
    logger.warning("trouble")
    assert stream.getvalue() == "INFO before\nWARNING trouble\n"
    logger.info("after")
    logger.error("worse")
    assert stream.getvalue().endswith("INFO after\nERROR worse\n")


def test_a_full_buffer_is_written(buffered: Callable[..., Any]) -> None:
    _, stream, logger = buffered(max_lines=3)
    logger.info("1")
    logger.info("2")
    assert stream.getvalue() == ""
    logger.info("3")
    assert stream.getvalue() == "INFO 1\nINFO 2\nINFO 3\n"


def test_held_lines_are_written_within_the_interval(buffered: Callable[..., Any]) -> None:
    _, stream, logger = buffered(interval_s=0.05)
    logger.info("soon")
    deadline = time.monotonic() + 5
    while stream.getvalue() == "" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "INFO soon\n"


def test_closing_writes_what_is_held(buffered: Callable[..., Any]) -> None:
    handler, stream, logger = buffered()
    logger.info("last words")
    handler.close()
    assert stream.getvalue() == "INFO last words\n"


def test_the_apis_logging_is_buffered_and_flushed_or_replaced_without_a_loss(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(LOG_FORMAT="json", LOG_LEVEL="info")
    first, second = io.StringIO(), io.StringIO()
    configure_logging(settings, first, buffered=True)
    logging.getLogger("ayni.test").info("held")
    assert first.getvalue() == ""
    flush_logs()
    assert json.loads(first.getvalue())["message"] == "held"
    logging.getLogger("ayni.test").info("held again")
    configure_logging(settings, second)  # the buffered handler replaced: closed, its lines written
    assert [json.loads(line)["message"] for line in first.getvalue().splitlines()] == ["held", "held again"]
    logging.getLogger("ayni.test").info("unbuffered")
    assert json.loads(second.getvalue())["message"] == "unbuffered"


EXITS = {
    "the end of the program": "",
    "sys.exit": "sys.exit(3)",
    "an uncaught exception": "raise RuntimeError('crash')",
}


@pytest.mark.parametrize("ending", EXITS.values(), ids=EXITS.keys())
def test_a_process_that_ends_writes_its_held_lines(ending: str) -> None:
    script = (
        "import logging, sys\n"
        "from ayni.logs import BufferedStreamHandler\n"
        "logging.getLogger().addHandler(BufferedStreamHandler(sys.stdout, interval_s=60))\n"
        "logging.getLogger().setLevel(logging.INFO)\n"
        "logging.getLogger('ayni.test').info('held line')\n"
        f"{ending}\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "held line\n", result.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_does_not_write_its_parents_lines_again(tmp_path: Path) -> None:
    path = tmp_path / "log"
    with path.open("a") as stream:
        handler = BufferedStreamHandler(stream, interval_s=60)
        handler.setFormatter(logging.Formatter("%(process)d %(message)s"))
        logger = logging.getLogger("ayni.test.fork")
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)
        try:
            logger.info("before the fork")
            child = os.fork()
            if child == 0:  # pragma: no cover - the child's own lines are checked by the parent
                logger.info("in the child")
                handler.flush()
                os._exit(0)
            os.waitpid(child, 0)
        finally:
            handler.close()
    lines = path.read_text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["in the child", "before the fork"]
    assert lines[0].split(" ")[0] == str(child)
