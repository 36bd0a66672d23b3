"""One source of truth for how Ayni runs, enforced.

The Dockerfile, flake.nix (+ flake.lock), nixpacks.toml, the Railway configs, the Procfile, the GitHub
workflows, docs/deploy.md and README.md must agree on: the start commands (`ayni serve`, `ayni worker`), the
migration command (`ayni migrate apply`, the api's pre-deploy step only), the health path (`/health`), the
Python version (3.11) and the port variable (`PORT`, default 8000). Each test names the file that disagrees.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ayni.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]

SERVE = "ayni serve"
WORKER = "ayni worker"
MIGRATE = "ayni migrate apply"
HEALTH_PATH = "/health"
PYTHON = "3.11"
PORT_VAR = "PORT"
DEFAULT_PORT = "8000"
# Every `ayni` command the parser has, and its global flags.
KNOWN_COMMANDS = {
    *next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices,
    "--help",
    "-h",
    "--debug",
}


def read(name: str) -> str:
    path = ROOT / name
    assert path.is_file(), f"{name} is missing"
    return path.read_text(encoding="utf-8")


def railway(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(read(f"railway/{name}.json"))
    return data


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", read("Dockerfile"))
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            word, _, rest = stripped.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


def only(instructions: list[tuple[str, str]], word: str) -> str:
    found = [rest for w, rest in instructions if w == word]
    assert len(found) == 1, f"Dockerfile: expected one {word} in the final stage, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------------------- start commands


def test_dockerfile_runs_ayni_serve_by_default() -> None:
    stage = final_stage()
    entrypoint = json.loads(only(stage, "ENTRYPOINT"))
    cmd = json.loads(only(stage, "CMD"))
    assert entrypoint == ["ayni"], f'Dockerfile ENTRYPOINT {entrypoint} (want exec form ["ayni"])'
    assert " ".join(entrypoint + cmd) == SERVE, f"Dockerfile ENTRYPOINT+CMD is {entrypoint + cmd}"


def test_flake_image_and_apps_use_the_same_commands() -> None:
    flake = read("flake.nix")
    assert re.search(r'Entrypoint\s*=\s*\[\s*"ayni"\s*\];', flake), 'flake.nix: image Entrypoint must be [ "ayni" ]'
    assert re.search(r'Cmd\s*=\s*\[\s*"serve"\s*\];', flake), 'flake.nix: image Cmd must be [ "serve" ]'
    app_pattern = r'(\w+)\s*=\s*\{\s*type\s*=\s*"app";\s*program\s*=\s*"\$\{s\.command\s+"\w+"\s+"([^"]+)"'
    apps = dict(re.findall(app_pattern, flake))
    assert apps.get("serve") == "serve", f"flake.nix apps.serve runs {apps.get('serve')!r}"
    assert apps.get("worker") == "worker", f"flake.nix apps.worker runs {apps.get('worker')!r}"
    assert apps.get("migrate") == "migrate apply", f"flake.nix apps.migrate runs {apps.get('migrate')!r}"
    assert "/bin/ayni ${args}" in flake, "flake.nix: the apps must run the packaged `ayni` command"


def test_nixpacks_starts_the_api() -> None:
    config = tomllib.loads(read("nixpacks.toml"))
    assert config["start"]["cmd"] == SERVE, f"nixpacks.toml [start] cmd is {config['start']['cmd']!r}"


def test_railway_api_and_worker() -> None:
    api, worker = railway("api"), railway("worker")
    assert api["deploy"]["startCommand"] == SERVE, "railway/api.json startCommand"
    assert worker["deploy"]["startCommand"] == WORKER, "railway/worker.json startCommand"
    # Migrations run once per deploy: the api's pre-deploy step, never the worker's, never the start command.
    assert api["deploy"]["preDeployCommand"] == [MIGRATE], "railway/api.json preDeployCommand"
    assert "preDeployCommand" not in worker["deploy"], "railway/worker.json must not migrate (the api does, once)"
    assert api["deploy"]["healthcheckPath"] == HEALTH_PATH, "railway/api.json healthcheckPath"
    assert "healthcheckPath" not in worker["deploy"], "railway/worker.json: the worker serves no HTTP"
    for name, config in (("api", api), ("worker", worker)):
        assert config["build"]["builder"] == "NIXPACKS", f"railway/{name}.json builder"
        assert config["build"]["nixpacksConfigPath"] == "nixpacks.toml", f"railway/{name}.json: one build for both"
        assert config["deploy"]["restartPolicyType"] in ("ON_FAILURE", "ALWAYS"), f"railway/{name}.json restart"
        assert MIGRATE not in config["deploy"]["startCommand"], f"railway/{name}.json: migrations in the start command"


def test_procfile() -> None:
    entries = {
        kind.strip(): command.strip()
        for kind, _, command in (line.partition(":") for line in read("Procfile").splitlines() if line.strip())
    }
    assert entries == {"web": SERVE, "worker": WORKER, "release": MIGRATE}, f"Procfile: {entries}"


def test_workflows_run_the_same_commands() -> None:
    ci = read(".github/workflows/ci.yml")
    # The image job runs the one image: the API with its default command (CMD serve), then the commands as
    # arguments after the ENTRYPOINT.
    assert re.search(r"--name api [^\n]*ayni:ci\s*$", ci, re.MULTILINE), "ci.yml: the API from the default CMD"
    assert re.search(r"ayni:ci\s+migrate apply", ci), "ci.yml image job: migrate apply from the image"
    assert re.search(r"ayni:ci\s+worker", ci), "ci.yml image job: the worker from the same image"
    assert re.search(r"ayni:ci\s+serve\b", ci), "ci.yml image job: `serve` given explicitly (bad-input checks)"
    deploy = read(".github/workflows/deploy.yml")
    assert "--service api" in deploy, "deploy.yml must deploy the api"
    assert "--service worker" in deploy, "deploy.yml must deploy the worker"
    assert deploy.index("--service api") < deploy.index("--service worker"), "deploy.yml: api (migrations) first"


def test_deploy_guide_names_every_command() -> None:
    guide = read("docs/deploy.md")
    for needle in (
        SERVE,
        WORKER,
        MIGRATE,
        HEALTH_PATH,
        f"${PORT_VAR}",
        "JWT_SECRET",
        "${{Postgres.DATABASE_URL}}",
        "${{Redis.REDIS_URL}}",
        "railway/api.json",
        "railway/worker.json",
        "ayni migrate rollback",
    ):
        assert needle in guide, f"docs/deploy.md does not mention {needle}"


def test_readme_agrees() -> None:
    readme = read("README.md")
    assert "docs/deploy.md" in readme, "README.md must link docs/deploy.md"
    for command in re.findall(r"`ayni\s+([\w-]+)", readme):
        assert command in KNOWN_COMMANDS, f"README.md mentions `ayni {command}`, which is not a command"
    for version in re.findall(r"Python\s+(3\.\d+)", readme):
        assert version == PYTHON, f"README.md says Python {version}, the platform files say {PYTHON}"


# ------------------------------------------------------------------------------------ health path


def test_health_path_everywhere() -> None:
    healthcheck = only(final_stage(), "HEALTHCHECK")
    assert f"{HEALTH_PATH}'" in healthcheck, "Dockerfile HEALTHCHECK must GET /health"
    assert "urllib" in healthcheck, "Dockerfile HEALTHCHECK needs no extra tool (python's urllib)"
    assert not re.search(r"\b(curl|wget)\b", healthcheck), "Dockerfile HEALTHCHECK needs no extra tool"
    flake = read("flake.nix")
    assert f"{HEALTH_PATH}' % os.environ.get('{PORT_VAR}'" in flake, "flake.nix image Healthcheck must GET /health"
    assert (
        healthcheck.split("CMD", 1)[1]
        .strip()
        .endswith(
            json.dumps(re.search(r'healthcheck = "([^"]+)";', flake).group(1))[1:-1] + '"]'  # type: ignore[union-attr]
        )
    ), "Dockerfile and flake.nix HEALTHCHECK commands differ"
    assert f"{HEALTH_PATH}" in read(".github/workflows/ci.yml"), "ci.yml never checks /health"


# --------------------------------------------------------------------------------- python version


def test_python_version_everywhere() -> None:
    base = next(rest for word, rest in dockerfile_instructions() if word == "ARG" and rest.startswith("BASE_IMAGE="))
    assert f"python:{PYTHON}-" in base, f"Dockerfile BASE_IMAGE {base} is not Python {PYTHON}"
    assert f"sys.version_info[:2] == ({PYTHON.replace('.', ', ')})" in read("Dockerfile"), "Dockerfile version check"
    assert f"python{PYTHON}/site-packages" in read("Dockerfile"), "Dockerfile venv path"
    flake = read("flake.nix")
    nix_python = "python" + PYTHON.replace(".", "")
    assert f"pkgs.{nix_python}" in flake, f"flake.nix does not use {nix_python}"
    assert not set(re.findall(r"pkgs\.(python3\d+)\b", flake)) - {nix_python}, "flake.nix mixes Python versions"
    nixpacks = tomllib.loads(read("nixpacks.toml"))
    assert nixpacks["variables"]["NIXPACKS_PYTHON_VERSION"] == PYTHON, "nixpacks.toml NIXPACKS_PYTHON_VERSION"
    assert f'PYTHON_VERSION: "{PYTHON}"' in read(".github/workflows/ci.yml"), "ci.yml PYTHON_VERSION"
    pyproject = tomllib.loads(read("pyproject.toml"))
    assert pyproject["project"]["requires-python"] == f">={PYTHON}", "pyproject.toml requires-python"
    assert pyproject["tool"]["mypy"]["python_version"] == PYTHON, "pyproject.toml [tool.mypy] python_version"


def test_uv_version_matches_the_lock() -> None:
    pyproject = read("pyproject.toml")
    pinned = re.search(r'"uv==([\d.]+)"', pyproject)
    assert pinned, "pyproject.toml pins no uv version"
    version = pinned.group(1)
    assert f"uv=={version} " in read("Dockerfile"), "Dockerfile installs another uv"
    assert tomllib.loads(read("nixpacks.toml"))["variables"]["NIXPACKS_UV_VERSION"] == version, "nixpacks.toml uv"
    assert f'UV_VERSION: "{version}"' in read(".github/workflows/ci.yml"), "ci.yml UV_VERSION"


# ---------------------------------------------------------------------------------- port variable


def test_port_variable_everywhere() -> None:
    stage = final_stage()
    env = " ".join(rest for word, rest in stage if word == "ENV")
    assert f"{PORT_VAR}={DEFAULT_PORT}" in env, f"Dockerfile must set ENV {PORT_VAR}={DEFAULT_PORT}"
    assert only(stage, "EXPOSE") == DEFAULT_PORT, "Dockerfile EXPOSE"
    assert f"os.environ.get('{PORT_VAR}', '{DEFAULT_PORT}')" in only(stage, "HEALTHCHECK"), "HEALTHCHECK port"
    flake = read("flake.nix")
    assert f'port = "{DEFAULT_PORT}";' in flake, "flake.nix default port"
    assert f'"{PORT_VAR}=${{port}}"' in flake, "flake.nix image PORT variable"
    # Nobody hard-codes a port on the command line: `ayni serve` reads $PORT (Railway sets it).
    for name in ("Procfile", "nixpacks.toml", "railway/api.json", "railway/worker.json", "flake.nix", "Dockerfile"):
        assert not re.search(r"--port[ =]\d", read(name)), f"{name} hard-codes --port"


# ------------------------------------------------------------------------------------- Dockerfile


def test_dockerfile_contract() -> None:
    instructions = dockerfile_instructions()
    assert sum(1 for word, _ in instructions if word == "FROM") >= 2, "Dockerfile must be multi-stage"
    base = next(rest for word, rest in instructions if word == "ARG" and rest.startswith("BASE_IMAGE="))
    assert re.search(r"@sha256:[0-9a-f]{64}$", base), f"Dockerfile BASE_IMAGE default {base} is not pinned by digest"
    assert instructions[0][0] == "ARG", "Dockerfile: ARG BASE_IMAGE must come before the first FROM"
    stage = final_stage()
    assert only(stage, "FROM").startswith("${BASE_IMAGE}"), "the final stage starts from the pinned base"
    user = only(stage, "USER")
    assert user.split(":")[0] not in ("root", "0"), f"Dockerfile USER {user} is root"
    final_runs = " ".join(rest for word, rest in stage if word == "RUN")
    assert "pip install" not in final_runs, "the final stage installs no Python packages"
    assert not re.search(r"\b(gcc|build-essential|python3-dev)\b", final_runs), "no compiler in the final stage"
    text = read("Dockerfile")
    assert "--require-hashes" in text, "Dockerfile: dependencies installed with hashes checked"
    assert "uv export --frozen" in text, "Dockerfile: dependencies from uv.lock"
    assert "ARG PIP_CERT" in text, "Dockerfile must honour a PIP_CERT build argument"
    for line in re.findall(r"pip (?:--python \S+ )?install[^;]*", re.sub(r"\\\n", " ", text)):
        assert "--require-hashes" in line or "--no-index" in line, f"unhashed pip install: {line[:80]}"


def test_dockerignore_keeps_the_context_small() -> None:
    lines = [ln.strip() for ln in read(".dockerignore").splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[0] == "*", ".dockerignore: allow-list (start with *)"
    for needed in ("!ayni/", "!migrations/", "!pyproject.toml", "!uv.lock", "!README.md"):
        assert needed in lines, f".dockerignore must let {needed[1:]} in"


# --------------------------------------------------------------------------------------- flake.nix


FLAKE_INPUTS = {"nixpkgs", "pyproject-nix", "uv2nix", "pyproject-build-systems"}


def test_flake_structure() -> None:
    flake = read("flake.nix")
    branch = re.search(r'nixpkgs\.url\s*=\s*"github:NixOS/nixpkgs/(nixos-\d\d\.\d\d)";', flake)
    assert branch, "flake.nix: nixpkgs must follow a release branch (github:NixOS/nixpkgs/nixos-YY.MM)"
    for output in ("packages", "apps", "checks", "devShells"):
        assert re.search(rf"\b{output}\s*=\s*forAllSystems", flake), f"flake.nix has no {output} output"
    for attr in ("default = s.app;", "image = pkgs.dockerTools.streamLayeredImage", "serve = {", "worker = {",
                 "migrate = {", "tests = inSource", "default = pkgs.mkShell"):  # fmt: skip
        assert attr in flake, f"flake.nix lacks {attr!r}"
    for package in ("python311", "postgresql_17", "redis", "nodejs_20", "ruff", "mypy", "uv"):
        assert f"pkgs.{package}\n" in flake, f"flake.nix devShell lacks pkgs.{package}"
    assert "uv sync --frozen" in flake, "flake.nix shellHook must prepare .venv from the lock"
    assert re.search(r'User\s*=\s*"\$\{uid\}:\$\{uid\}";', flake), "flake.nix image User"
    assert 'uid = "10001";' in flake, "flake.nix image uid"
    docker_user = only(final_stage(), "USER")
    assert docker_user == "10001:10001", f"Dockerfile USER {docker_user} differs from flake.nix's 10001:10001"


def test_flake_lock_pins_every_input() -> None:
    lock = json.loads(read("flake.lock"))
    flake = read("flake.nix")
    assert lock["version"] == 7
    assert lock["root"] == "root"
    nodes = lock["nodes"]
    assert set(nodes["root"]["inputs"]) == FLAKE_INPUTS, "flake.lock root inputs differ from flake.nix"
    for name in FLAKE_INPUTS:
        assert re.search(rf"\b{re.escape(name)}(\.url|\s*=\s*\{{)", flake), f"flake.nix does not declare {name}"
    for name, node in nodes.items():
        if name == "root":
            continue
        locked = node["locked"]
        assert re.fullmatch(r"[0-9a-f]{40}", locked["rev"]), f"flake.lock {name}: rev is not a full commit"
        assert re.fullmatch(r"sha256-[A-Za-z0-9+/]{43}=", locked["narHash"]), f"flake.lock {name}: narHash"
        assert isinstance(locked["lastModified"], int)
        for target in node.get("inputs", {}).values():  # follows must point at root inputs
            assert isinstance(target, list), f"flake.lock {name}: input {target} must follow a root input"
            assert target[0] in FLAKE_INPUTS, f"flake.lock {name}: input {target}"
    branch = re.search(r"nixpkgs/(nixos-\d\d\.\d\d)", flake).group(1)  # type: ignore[union-attr]
    assert nodes["nixpkgs"]["original"]["ref"] == branch, "flake.lock nixpkgs is locked from another branch"


@pytest.mark.skipif(
    shutil.which("nix-instantiate") is None and os.environ.get("CI") != "true",
    reason="nix-instantiate (Debian nix-bin) not installed; scripts/test installs it as root, CI must have it",
)
def test_flake_parses() -> None:
    result = subprocess.run(
        ["nix-instantiate", "--parse", str(ROOT / "flake.nix")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
