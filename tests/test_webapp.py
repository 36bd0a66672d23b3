"""The built web app served by the API (`ayni dev`): the static site's headers and single-page fallback."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ayni.app import create_app
from ayni.config import ConfigError, Settings
from ayni.webapp import servable
from tests.servers import LiveServer

ROOT = Path(__file__).resolve().parents[1]
HEADERS = json.loads((ROOT / "frontend" / "security-headers.json").read_text())["headers"]


INDEX = "<!doctype html><title>Ayni</title><div id=root></div>"


def build_site(folder: Path) -> Path:
    """A small Vite build in `folder`, with the headers file beside it; returns its dist."""
    site = folder / "frontend"
    (site / "dist" / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "frontend" / "security-headers.json", site)
    (site / "dist" / "index.html").write_text(INDEX)
    (site / "dist" / "assets" / "app-3f9a.js").write_text("console.log('ayni')")
    (site / "dist" / "favicon.svg").write_text("<svg/>")
    return site / "dist"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    return build_site(tmp_path)


@pytest.fixture
def web(make_settings: Callable[..., Settings], dist: Path, clean_state: None) -> Iterator[httpx.Client]:
    with (
        LiveServer(create_app(make_settings(FRONTEND_DIST=str(dist)))) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        yield client


def test_pages_get_the_static_site_headers(web: httpx.Client) -> None:
    response = web.get("/")
    assert response.status_code == 200 and "<div id=root>" in response.text
    csp = response.headers["content-security-policy"]
    assert csp == HEADERS["Content-Security-Policy"].replace("{API_ORIGIN}", "")
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"):
        assert response.headers[name] == HEADERS[name]
    assert "strict-transport-security" not in response.headers  # plain HTTP on localhost: never pinned
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/account", "/verify-email?token=abc", "/no/such/page", "/jobs/123"])
def test_every_route_falls_back_to_the_app(web: httpx.Client, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200 and "<div id=root>" in response.text
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_files_are_served_as_they_are(web: httpx.Client) -> None:
    asset = web.get("/assets/app-3f9a.js")
    assert asset.status_code == 200 and asset.text == "console.log('ayni')"
    assert "immutable" in asset.headers["cache-control"]
    assert web.get("/favicon.svg").headers["cache-control"] == "no-cache"
    assert web.get("/assets/gone-1234.js").status_code == 404
    assert web.get("/../pyproject.toml").status_code in (200, 404)  # never a file outside dist
    assert "[project]" not in web.get("/..%2fsecurity-headers.json").text


def test_the_api_keeps_its_own_answers(web: httpx.Client) -> None:
    missing = web.get("/api/v1/nope")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["content-security-policy"].startswith("default-src 'none'")
    assert web.get("/health").json() == {"status": "healthy"}


@pytest.mark.parametrize(
    "path", ["/%00", "/assets/%00.js", "/a%00b/c", "/" + "x" * 300, "/assets/" + "y" * 300 + ".js"]
)
def test_a_path_no_file_can_have_gets_a_clean_answer(web: httpx.Client, path: str) -> None:
    """Issue 10, finding 1: a NUL byte (or a name longer than the system allows) was a 500."""
    response = web.get(path)
    if path.startswith("/assets/"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and "<div id=root>" in response.text


def test_a_dist_without_index_is_a_config_error(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FRONTEND_DIST"):
        make_settings(FRONTEND_DIST=str(tmp_path))


SITE_FILES = {"", "index.html", "assets/app-3f9a.js", "favicon.svg"}


@given(st.one_of(st.text(max_size=300), st.sampled_from(sorted(SITE_FILES))))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_path_is_answered_without_an_error(dist: Path, text: str) -> None:
    """Whatever a client puts in the path (NUL, `..`, control characters, long names), `servable` answers,
    yes for the build's own files, and never for anything outside the build."""
    path = PurePosixPath("/" + text)
    answer = servable(dist, path)
    if str(path).lstrip("/") in SITE_FILES:
        assert answer
    if answer:
        resolved = (dist / str(path).lstrip("/")).resolve()
        assert resolved == dist.resolve() or dist.resolve() in resolved.parents
