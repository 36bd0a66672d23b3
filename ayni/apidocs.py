"""The interactive API docs at /api/v1/docs: Swagger UI on the app's own OpenAPI document, with "Try it out"
and "Authorize", served from the API with every file it needs (no CDN) under a strict CSP.

Swagger UI's files (apidocs_assets/swagger-ui/) are copied byte for byte from npm's swagger-ui-dist, a
devDependency of the web app pinned by frontend/package-lock.json, so the API and its image serve them without
Node; tests/test_apidocs.py fails when they drift from frontend/node_modules. To upgrade, in frontend/:
`npm install --save-exact --save-dev swagger-ui-dist@VERSION && npm run vendor:swagger-ui`.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
from pathlib import Path

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

DOCS_PATH = "/api/v1/docs"
OPENAPI_PATH = "/api/v1/openapi.json"
ASSETS = Path(__file__).with_name("apidocs_assets")
SWAGGER_UI = ASSETS / "swagger-ui"
STYLESHEET = SWAGGER_UI / "swagger-ui.css"
SCRIPTS = (SWAGGER_UI / "swagger-ui-bundle.js", ASSETS / "apidocs.js")  # in this order
MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

# Swagger UI is React: it sets styles through the CSSOM, which style-src does not govern, so no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # the stylesheet's icons are data: URIs
        "connect-src 'self'",  # the document, and the requests tried
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)
IMMUTABLE = "public, max-age=31536000, immutable"

# Markdown for the OpenAPI document (ayni/openapi.py), shown atop this page and by other OpenAPI tools.
SIGNING_IN = """\
**Signing in.** Operations with a lock need a user's access token in `Authorization: Bearer <token>`.
To try them in these docs:
1. open `POST /api/v1/auth/login`, click *Try it out*, put your email and password in the body, *Execute*;
2. copy `access_token` from the answer (without the quotes);
3. click *Authorize*, paste it under **bearer**, *Authorize*: the locked operations now send it.

The token is good for `expires_in` seconds; when a call answers 401, sign in again, or send the
`refresh_token` to `POST /api/v1/auth/refresh` for a new pair."""
BEARER = "The `access_token` that `POST /api/v1/auth/login` (or `/api/v1/auth/refresh`) answers, without quotes."


def content_addressed(name: str, content: bytes) -> str:
    """`name.<digest>.ext`: new content gets a new URL, so a browser may keep each one for a year."""
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:16]}.{suffix}"


@functools.cache
def fingerprinted(path: Path) -> str:
    """Read once: the package's files do not change while it runs."""
    return content_addressed(path.name, path.read_bytes())


def published() -> dict[str, Path]:
    """The page's files by the name they are served under."""
    return {fingerprinted(path): path for path in (STYLESHEET, *SCRIPTS)}


def asset_url(path: Path) -> str:
    return f"{DOCS_PATH}/{fingerprinted(path)}"


@functools.cache
def render_page(title: str) -> str:
    scripts = "".join(f'<script src="{asset_url(path)}" defer></script>' for path in SCRIPTS)
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        '<link rel=icon href="data:,">'  # no request for a /favicon.ico the API does not have
        f'<link rel=stylesheet href="{asset_url(STYLESHEET)}">{scripts}'
        f'<noscript>These docs need JavaScript; the OpenAPI document is <a href="{OPENAPI_PATH}">here</a>.</noscript>'
        f'<div id=swagger-ui data-openapi-url="{OPENAPI_PATH}"></div>'
    )


@functools.cache
def gzipped(path: Path) -> bytes:
    """Compressed once per process, not on every request as GZipMiddleware would (~0.1 s of CPU for the bundle)."""
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


async def page_endpoint(request: Request) -> Response:
    return HTMLResponse(
        render_page(request.app.state.openapi["info"]["title"]),
        headers={"content-security-policy": CONTENT_SECURITY_POLICY, "cache-control": "no-cache"},
    )


async def asset_endpoint(request: Request) -> Response:
    path = published().get(request.path_params["name"])
    if path is None:
        raise HTTPException(404)
    media_type = MEDIA_TYPES[path.suffix]
    headers = {"cache-control": IMMUTABLE, "vary": "accept-encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = await anyio.to_thread.run_sync(gzipped, path)
        return Response(body, media_type=media_type, headers={**headers, "content-encoding": "gzip"})
    return FileResponse(path, media_type=media_type, headers=headers)


routes = [
    Route(DOCS_PATH, page_endpoint, methods=["GET", "HEAD"]),
    Route(DOCS_PATH + "/{name}", asset_endpoint, methods=["GET", "HEAD"]),
]
