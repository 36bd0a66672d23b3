"""The interactive API docs (ayni/apidocs.py): Swagger UI served by the API under a strict CSP, with only
same-origin files, each under a content-addressed name, and those files exactly the ones the web app's lock
file pins. The browser half (operations rendered with no CSP violation, sign in, Authorize, a locked call)
is frontend/e2e/apidocs.spec.ts, run by tests/e2e/test_browser.py."""

from __future__ import annotations

import gzip
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.apidocs import SCRIPTS, STYLESHEET, SWAGGER_UI, content_addressed, published

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "node_modules" / "swagger-ui-dist"


class PageParser(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> and <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_code = ""
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_code = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.inline_code += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    return parser


def policy(header: str) -> dict[str, str]:
    directives = (d.strip().split(None, 1) for d in header.split(";") if d.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def referenced_assets(page: str) -> list[str]:
    parser = parse(page)
    scripts = [a["src"] for t, a in parser.tags if t == "script"]
    sheets = [a["href"] for t, a in parser.tags if t == "link" and a.get("rel") == "stylesheet"]
    return [url for url in (*scripts, *sheets) if url is not None]


def test_the_docs_page_is_swagger_ui_under_a_strict_policy(client: httpx.Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"  # it names the assets' current versions
    assert policy(response.headers["content-security-policy"]) == {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    parser = parse(response.text)
    assert parser.inline_code == "", "no inline script or style: the policy would refuse it"
    assert not [tag for tag, attrs in parser.tags if "style" in attrs or any(a.startswith("on") for a in attrs)]
    scripts = [attrs.get("src") for tag, attrs in parser.tags if tag == "script"]
    assert [re.sub(r"\.[0-9a-f]{16}\.", ".", str(src)) for src in scripts] == [
        "/api/v1/docs/swagger-ui-bundle.js",
        "/api/v1/docs/apidocs.js",
    ]
    (root,) = [attrs for tag, attrs in parser.tags if attrs.get("id") == "swagger-ui"]
    assert client.get(str(root["data-openapi-url"])).json()["openapi"].startswith("3.1")
    head = client.head("/api/v1/docs")
    assert (head.status_code, head.content) == (200, b"")


def test_the_page_references_only_its_own_origin(client: httpx.Client) -> None:
    for tag, attrs in parse(client.get("/api/v1/docs").text).tags:
        for name in ("src", "href", "action", "data-openapi-url"):
            url = attrs.get(name)
            if url is not None:
                assert url == "data:," or (url.startswith("/") and not url.startswith("//")), (tag, name, url)


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_every_asset_answers_with_its_type_and_a_year_of_cache(client: httpx.Client, encoding: str) -> None:
    urls = referenced_assets(client.get("/api/v1/docs").text)
    assert len(urls) == 3
    for url in urls:
        response = client.get(url, headers={"accept-encoding": encoding})
        assert response.status_code == 200, url
        path = published()[url.rsplit("/", 1)[1]]
        expected = "text/css" if path.suffix == ".css" else "text/javascript"
        assert response.headers["content-type"] == f"{expected}; charset=utf-8"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "accept-encoding" in response.headers["vary"].lower()
        assert response.headers.get("content-encoding", "identity") == encoding
        assert response.content == path.read_bytes()  # httpx undid the gzip
        assert client.head(url).status_code == 200


def test_the_bundle_travels_gzipped_and_whole(client: httpx.Client) -> None:
    url = referenced_assets(client.get("/api/v1/docs").text)[0]
    with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert int(response.headers["content-length"]) == len(raw)
    assert len(raw) < SCRIPTS[0].stat().st_size / 3
    assert gzip.decompress(raw) == SCRIPTS[0].read_bytes()


def test_only_the_published_names_are_served(client: httpx.Client) -> None:
    """Beside the page's files, a 404 problem: an old digest, the plain name, the license, a path outside."""
    (bundle,) = [url for url in referenced_assets(client.get("/api/v1/docs").text) if "swagger-ui-bundle." in url]
    assert client.get(bundle).status_code == 200
    stale = re.sub(r"\.[0-9a-f]{16}\.", ".0000000000000000.", bundle)
    for url in (stale, "/api/v1/docs/swagger-ui-bundle.js", "/api/v1/docs/LICENSE", "/api/v1/docs/..%2Fapidocs.py"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/not-found")


def test_the_document_tells_how_to_sign_in_and_declares_the_bearer_scheme(client: httpx.Client) -> None:
    document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    guide = document["info"]["description"]
    assert "POST /api/v1/auth/login" in guide
    assert "post" in document["paths"]["/api/v1/auth/login"]
    assert "access_token" in guide
    assert "Authorize" in guide
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "POST /api/v1/auth/login" in scheme["description"]
    assert document["paths"]["/api/v1/auth/me"]["get"]["security"] == [{"bearer": []}]


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}\.(js|css)", fullmatch=True), st.binary(), st.binary())
def test_a_fingerprint_changes_exactly_when_the_content_does(name: str, first: bytes, second: bytes) -> None:
    stem, suffix = name.rsplit(".", 1)
    addressed = content_addressed(name, first)
    assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{16}}\.{suffix}", addressed)
    assert (addressed == content_addressed(name, second)) == (first == second)


def test_every_page_file_is_published_under_a_distinct_name() -> None:
    assert sorted(published().values()) == sorted((STYLESHEET, *SCRIPTS))


# --- the vendored copies ---


def locked_version() -> str:
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/swagger-ui-dist"]
    assert entry["integrity"].startswith("sha512-")
    declared = json.loads((FRONTEND / "package.json").read_text())["devDependencies"]["swagger-ui-dist"]
    assert declared == entry["version"], "package.json pins the exact version: an upgrade is a deliberate act"
    return str(entry["version"])


def test_the_vendored_bundle_is_the_version_the_lock_file_pins() -> None:
    """Holds without node_modules too (a backend-only machine): the bundle names its own version."""
    bundle = (SWAGGER_UI / "swagger-ui-bundle.js").read_text()
    assert f'PACKAGE_VERSION:"{locked_version()}"' in bundle


def test_the_vendored_files_are_byte_identical_to_node_modules() -> None:
    if not DIST.is_dir():
        if os.environ.get("AYNI_SKIP_FRONTEND") == "1":
            pytest.skip("AYNI_SKIP_FRONTEND=1: no frontend/node_modules to compare with")
        pytest.fail("frontend/node_modules/swagger-ui-dist is missing: run `npm ci` in frontend/ (scripts/test does)")
    assert json.loads((DIST / "package.json").read_text())["version"] == locked_version()
    vendored = sorted(path.name for path in SWAGGER_UI.iterdir())
    assert vendored == [
        "LICENSE",
        "NOTICE",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.LICENSE.txt",
        "swagger-ui.css",
    ]
    drifted = [name for name in vendored if (SWAGGER_UI / name).read_bytes() != (DIST / name).read_bytes()]
    assert drifted == [], f"{drifted} differ from node_modules: in frontend/, run `npm run vendor:swagger-ui`"


def test_the_refresh_command_copies_exactly_the_vendored_files() -> None:
    command = json.loads((FRONTEND / "package.json").read_text())["scripts"]["vendor:swagger-ui"]
    copied = command.split(" cp ", 1)[1].split()[:-1]
    assert sorted(copied) == sorted(path.name for path in SWAGGER_UI.iterdir())
    assert (DIST / command.split()[-1]).resolve() == SWAGGER_UI.resolve()  # the command runs in DIST
