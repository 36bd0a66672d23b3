"""Serving the built web app (frontend/dist) from the API process, for `ayni dev`: the same security
headers as the static host (read from frontend/security-headers.json, the one source of truth) and the
same single-page fallback (any path that is not a file gets index.html)."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

HEADERS_FILE = "security-headers.json"
HSTS = "strict-transport-security"


def load_security_headers(headers_file: Path) -> dict[str, str]:
    """The static site's headers, for the API's own origin: {API_ORIGIN} is "self" already."""
    spec = json.loads(headers_file.read_text())
    return {name.lower(): value.replace("{API_ORIGIN}", "") for name, value in spec["headers"].items()}


def servable(dist: Path, path: PurePosixPath) -> bool:
    """Whether `path` names a file inside `dist`, or a folder of it with an index.html."""
    root = dist.resolve()
    try:
        candidate = (root / str(path).lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:
            return False
        return candidate.is_file() or (candidate / "index.html").is_file()
    except (OSError, ValueError):  # a NUL byte, a name longer than the system allows: no file has it
        return False


class WebApp:
    """An ASGI app for a Vite build: files as they are, every other path answered with index.html."""

    def __init__(self, dist: Path, headers: dict[str, str]) -> None:
        self.dist = dist
        self.headers = headers
        self.files = StaticFiles(directory=dist, html=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = PurePosixPath(scope["path"])
        headers = dict(self.headers)
        if scope.get("scheme") != "https":
            headers.pop(HSTS, None)  # browsers ignore it over plain HTTP; never pin localhost
        response = await self._response(scope, path)
        if response is None:
            await self.files(scope, receive, self._with_headers(send, headers, path))
            return
        response.headers.update(headers)
        await response(scope, receive, send)

    async def _response(self, scope: Scope, path: PurePosixPath) -> Response | None:
        if path.parts[1:2] == ("api",):
            raise HTTPException(404)  # an unknown API path is the API's 404 problem, never the app's page
        if servable(self.dist, path):
            return None  # StaticFiles serves it (with ranges, ETags and HEAD)
        if path.suffix and path.parts[1:2] == ("assets",):
            return Response("Not Found", status_code=404, media_type="text/plain")
        return FileResponse(self.dist / "index.html", headers={"cache-control": "no-cache"})

    @staticmethod
    def _with_headers(send: Send, headers: dict[str, str], path: PurePosixPath) -> Send:
        immutable = path.parts[1:2] == ("assets",)  # Vite's content-hashed files

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableHeaders(scope=message)
                for name, value in headers.items():
                    mutable[name] = value
                mutable["cache-control"] = "public, max-age=31536000, immutable" if immutable else "no-cache"
            await send(message)

        return wrapped


def web_app(dist: Path) -> WebApp:
    return WebApp(dist, load_security_headers(dist.parent / HEADERS_FILE))
