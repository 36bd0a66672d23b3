"""`ayni serve`: uvicorn on a socket we bind ourselves, so a taken port is one clear sentence."""

from __future__ import annotations

import errno
import socket

import uvicorn

from ayni.command_errors import UserFacingError
from ayni.config import Settings


class PortInUseError(UserFacingError):
    pass


def default_host(settings: Settings) -> str:
    # Deployed, the platform's proxy reaches the container from outside; locally, stay on loopback.
    return "0.0.0.0" if settings.is_deployed else "127.0.0.1"  # noqa: S104


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use; stop what holds it or choose another with "
                "--port or the PORT variable"
            ) from None
        raise PortInUseError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def uvicorn_config(settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(
        "ayni.app:app_from_environment",
        factory=True,
        workers=settings.web_concurrency,
        # The client's address and scheme come from ayni.clients (FORWARDED_TRUSTED_HOPS): uvicorn's own
        # rule takes the leftmost X-Forwarded-For entry, which the client writes.
        proxy_headers=False,
        server_header=False,
        date_header=True,
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=25,
        timeout_keep_alive=5,
    )


def serve(settings: Settings, host: str | None = None, port: int | None = None, fd: int | None = None) -> int:
    # fd: a socket already bound and listening, inherited from `ayni dev`, which took the port before starting
    sock = socket.socket(fileno=fd) if fd is not None else bind(host or default_host(settings), port or settings.port)
    config = uvicorn_config(settings)
    server = uvicorn.Server(config)
    if config.workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run(sockets=[sock])
    return 0
