"""`.env.example` and the README document every variable the settings read, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def variables_read() -> set[str]:
    source = (ROOT / "ayni" / "config.py").read_text()
    return set(re.findall(r'\(env, "([A-Z_]+)"', source))


def test_every_setting_is_in_env_example_and_readme() -> None:
    read = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "JWT_SECRET", "PORT"} <= read
    example = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    readme = (ROOT / "README.md").read_text()
    assert read - example == set(), "missing from .env.example"
    assert {v for v in read if f"`{v}`" not in readme} == set(), "missing from README.md's table"
    extra = example - read - {"AYNI_HOME", "AYNI_TEST_DATABASE_URL", "AYNI_TEST_REDIS_URL", "HYPOTHESIS_PROFILE"}
    assert extra == set(), ".env.example names variables nothing reads"
