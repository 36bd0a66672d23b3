"""The layers of DESIGN.md's code layout, enforced: `analytics -> sales -> companies -> auth -> jobs -> kernel`.

A module imports only from its own layer or lower ones (each layer is one package, so no domain imports
another beside it); the kernel (every other module of `ayni/` but the assembly) imports no domain; and no `ayni` import
hides inside a function, where it would dodge a cycle at import time. The assembly (`app.py`, `actors.py`, the
command line) sits on top: it wires the domains together, and the command line imports lazily on purpose, so
`ayni config check` does not load the web stack.

The check reads the source (`ast`), so a type-only import (`if TYPE_CHECKING:`) counts like any other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

DOMAINS = ("jobs", "auth", "companies", "sales", "analytics")  # lowest first
ASSEMBLY = frozenset({"ayni.__main__", "ayni.cli", "ayni.app", "ayni.actors"})
ROOT = Path(__file__).resolve().parent.parent / "ayni"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    line: int
    nested: bool  # inside a function or class body


def layer(module: str) -> int:
    """0 for the kernel, 1 + the domain's place for a domain, above them all for the assembly."""
    if module in ASSEMBLY:
        return len(DOMAINS) + 1
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in DOMAINS:
        return DOMAINS.index(parts[1]) + 1
    return 0


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(module: str, source: str, is_package: bool, known: frozenset[str]) -> Iterator[Import]:
    """Every import of an `ayni` module in `source`, resolved to the module it names."""
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, nested: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "ayni" or alias.name.startswith("ayni."):
                        yield Import(module, alias.name, child.lineno, nested)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                if base == "ayni" or base.startswith("ayni."):
                    for alias in child.names:
                        candidate = f"{base}.{alias.name}"
                        yield Import(module, candidate if candidate in known else base, child.lineno, nested)
            yield from visit(child, inner)

    yield from visit(ast.parse(source), False)


def violations(sources: Mapping[str, tuple[str, bool]]) -> list[str]:
    """What breaks the layers in a tree of modules: {module: (source, is_package)}."""
    known = frozenset(sources)
    found = []
    for module, (source, is_package) in sorted(sources.items()):
        for imp in imports(module, source, is_package, known):
            mine, theirs = layer(module), layer(imp.target)
            where = f"{module}:{imp.line} imports {imp.target}"
            if theirs > mine:
                found.append(f"{where}: a higher layer")
            if imp.nested and module not in ASSEMBLY:
                found.append(f"{where}: inside a function (import at the top; a cycle is a layering error)")
    return found


def tree(root: Path = ROOT) -> dict[str, tuple[str, bool]]:
    return {
        module_name(path, root): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in root.rglob("*.py")
    }


def test_the_code_keeps_its_layers() -> None:
    assert violations(tree()) == []


def test_every_domain_package_exists() -> None:
    assert all((ROOT / domain / "__init__.py").is_file() for domain in DOMAINS)


def _planted(module: str, line: str) -> list[str]:
    sources = tree()
    source, is_package = sources.get(module, ("", False))
    sources[module] = (f"{source}\n{line}\n", is_package)
    return violations(sources)


@pytest.mark.parametrize(
    ("module", "line", "says"),
    [
        ("ayni.jobs.store", "from ayni.auth.store import UserRow", "a higher layer"),
        ("ayni.jobs.queue", "from ayni.auth import store", "a higher layer"),
        ("ayni.auth.routes", "import ayni.companies", "a higher layer"),
        ("ayni.routing", "from ayni.jobs.states import Status", "a higher layer"),
        ("ayni.db", "if True:\n    from ayni.analytics import x", "a higher layer"),
        ("ayni.sql", "from .auth import tokens", "a higher layer"),
        ("ayni.auth.tokens", "from ..app import create_app", "a higher layer"),
        ("ayni.companies.rules", "from ayni.actors import CATALOG", "a higher layer"),
        ("ayni.jobs.store", "def f():\n    from ayni.problems import Problem", "inside a function"),
        ("ayni.health", "class A:\n    import ayni.paging", "inside a function"),
    ],
)
def test_a_planted_violation_is_caught(module: str, line: str, says: str) -> None:
    found = _planted(module, line)
    assert len(found) == 1 and module in found[0] and says in found[0], found


def test_imports_down_the_layers_are_allowed() -> None:
    assert layer("ayni.sales.parsing") > layer("ayni.companies.store") > layer("ayni.auth.store")
    assert layer("ayni.auth.store") > layer("ayni.jobs.store") > layer("ayni.routing") == 0
    assert _planted("ayni.analytics.rules", "from ayni.sales import store") == []
    assert _planted("ayni.companies.routes", "from ayni.auth.sessions import SignedInUser") == []
    assert _planted("ayni.jobs.actors", "from ayni.jobs.store import claim_unsent\nfrom ayni import sql") == []


def test_the_api_and_an_idle_worker_never_load_the_import_engine() -> None:
    """polars (tens of MiB) loads only in the process of an import job, never in the API or the worker: they declare
    the sales actors by name (`ayni.jobs.isolated.InChildProcess`); the periodic tasks import none of the modules
    that parse."""
    probe = (
        "import sys; import ayni.actors, ayni.jobs.worker, ayni.jobs.child; from ayni.app import create_app;"
        "from ayni.config import load_settings;"
        "create_app(load_settings({'DATABASE_URL': 'postgresql://x@127.0.0.1/x', 'REDIS_URL': 'redis://127.0.0.1'}));"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('polars', 'pyarrow', 'python_calamine')))"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert found.stdout.strip() == "[]", found.stdout + found.stderr
