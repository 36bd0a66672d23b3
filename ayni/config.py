"""Settings: read once from the environment, validated, immutable.

`load_settings(environ)` is a pure function of the mapping it is given, so tests and `ayni config check`
drive it without touching the process environment.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

Environment = Literal["local", "staging", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("local", "staging", "production")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_FORMATS = ("json", "console")

N = TypeVar("N", int, float)

MIN_SECRET_LENGTH = 64
PLACEHOLDER_SECRETS = frozenset(
    {"changethis", "changeme", "secret", "password", "jwt_secret", "jwt-secret", "your-secret-key", "xxx"}
)


class ConfigError(ValueError):
    """A variable has a value Ayni cannot run with; the message names it and the fix."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    jwt_secret: str
    jwt_secret_previous: str | None = None
    jwt_secret_generated: bool = False
    frontend_host: str = "http://localhost:5173"
    backend_cors_origins: tuple[str, ...] = ()
    environment: Environment = "local"
    project_name: str = "Ayni"
    port: int = 8000
    web_concurrency: int = 1
    forwarded_trusted_hops: int = 0
    access_token_expire_minutes: int = 15
    refresh_token_expire_days: int = 30
    auth_require_verified_email: bool = True
    smtp_url: str | None = None
    email_from: str = "Ayni <no-reply@ayni.local>"
    log_level: str = "info"
    log_format: str = "console"
    health_check_timeout: float = 2.0
    health_check_slow: float = 0.5
    max_request_body_bytes: int = 1_048_576
    worker_processes: int = 1
    worker_threads: int = 4
    job_retention_days: int = 30
    login_attempts_limit: int = 5
    login_attempts_window_seconds: int = 900
    login_address_attempts_limit: int = 50
    jobs_per_user_limit: int = 30
    jobs_per_user_window_seconds: int = 60
    frontend_dist: str | None = None
    import_max_bytes: int = 256 * 1_048_576
    import_retention_days: int = 15

    @property
    def is_deployed(self) -> bool:
        return self.environment in ("staging", "production")

    @property
    def cors_origins(self) -> tuple[str, ...]:
        origins = [self.frontend_host, *self.backend_cors_origins]
        return tuple(dict.fromkeys(o for o in origins if o))

    def masked(self) -> dict[str, str]:
        """Every setting as text, secrets and URL passwords hidden: for `ayni config check` and logs."""
        shown: dict[str, str] = {}
        for f in fields(self):
            if f.name == "jwt_secret_generated":
                continue
            value = getattr(self, f.name)
            if f.name == "jwt_secret" and self.jwt_secret_generated:
                text = "(not set: a random key for this process only)"
            elif f.name in ("jwt_secret", "jwt_secret_previous"):
                text = "(not set)" if value is None else f"****** ({len(value)} characters)"
            elif f.name.endswith("_url") and value:
                text = mask_url(value)
            elif isinstance(value, tuple):
                text = ",".join(value)
            else:
                text = str(value)
            shown[f.name] = text
        return shown


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[1]
        parts = parts._replace(netloc=f"{parts.username or ''}:******@{host}")
    if parts.query:
        query = [(k, "******" if "pass" in k.lower() else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        parts = parts._replace(query=urlencode(query, safe="*"))
    return urlunsplit(parts)


def _text(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _ranged(env: Mapping[str, str], name: str, default: N, low: N, high: N, parse: Callable[[str], N], kind: str) -> N:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise ConfigError(name, f"{raw!r} is not {kind}; set it to one from {low} to {high}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"{value} is out of range; set it to a number from {low} to {high}")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    return _ranged(env, name, default, low, high, int, "a whole number")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    return _ranged(env, name, default, low, high, float, "a number")


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _text(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(name, f"{raw!r} is not a boolean; set it to true or false")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _text(env, name, default)
    assert raw is not None
    if raw.lower() not in choices:
        raise ConfigError(name, f"{raw!r} is not one of {', '.join(choices)}")
    return raw.lower()


def _host_port(parts: SplitResult, name: str) -> None:
    if not parts.hostname:
        raise ConfigError(name, "the URL has no host; use scheme://user:password@host:port/...")
    try:
        port = parts.port  # urllib validates the port lazily, on access
    except ValueError:
        port = 0
    if port == 0:
        raise ConfigError(name, "the URL's port is not a number from 1 to 65535")


def normalize_database_url(raw: str, name: str = "DATABASE_URL") -> str:
    """Railway gives `postgres://` or `postgresql://`; asyncpg and yoyo both get `postgresql://`."""
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("postgres", "postgresql"):
        raise ConfigError(
            name, f"scheme {parts.scheme or '(none)'!r} is not supported; use postgresql://user:pass@host:5432/db"
        )
    _host_port(parts, name)
    if not parts.path.strip("/"):
        raise ConfigError(name, "the URL names no database; end it with /<database name>")
    return urlunsplit(parts._replace(scheme="postgresql"))


def _database_url(env: Mapping[str, str]) -> str:
    raw = _text(env, "DATABASE_URL")
    if raw is not None:
        return normalize_database_url(raw)
    server = _text(env, "POSTGRES_SERVER")
    if server is None:
        raise ConfigError(
            "DATABASE_URL",
            "not set; set DATABASE_URL=postgresql://user:pass@host:5432/db, or POSTGRES_SERVER and friends "
            "(`ayni dev` starts an embedded PostgreSQL when neither is set)",
        )
    port = _integer(env, "POSTGRES_PORT", 5432, 1, 65535)
    user = quote(_text(env, "POSTGRES_USER", "postgres") or "", safe="")
    password = _text(env, "POSTGRES_PASSWORD")
    database = quote(_text(env, "POSTGRES_DB", "ayni") or "", safe="")
    auth = f"{user}:{quote(password, safe='')}" if password else user
    return f"postgresql://{auth}@{server}:{port}/{database}"


def normalize_redis_url(raw: str, name: str = "REDIS_URL") -> str:
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("redis", "rediss"):
        raise ConfigError(name, f"scheme {parts.scheme or '(none)'!r} is not supported; use redis://host:6379/0")
    _host_port(parts, name)
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ConfigError(name, f"database {db!r} is not a number; end the URL with /0 (or another number)")
    return raw


def _redis_url(env: Mapping[str, str]) -> str:
    raw = _text(env, "REDIS_URL")
    if raw is None:
        raise ConfigError(
            "REDIS_URL", "not set; set REDIS_URL=redis://host:6379/0 (`ayni dev` starts an embedded server)"
        )
    return normalize_redis_url(raw)


def is_weak_secret(secret: str) -> bool:
    lowered = secret.lower()
    if lowered in PLACEHOLDER_SECRETS or any(p in lowered for p in ("changethis", "changeme")):
        return True
    # A short unit repeated ("aaaa…", "012012…", "secretsecret…") or a handful of distinct characters has
    # almost no entropy, whatever its length.
    if len(set(secret)) < 8:
        return True
    return any(secret == (secret[:unit] * (len(secret) // unit + 1))[: len(secret)] for unit in range(1, 9))


def _jwt_secret(env: Mapping[str, str], name: str, environment: Environment) -> str | None:
    secret = env.get(name)
    if secret is None or secret == "":
        return None
    if environment != "local":
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                name,
                f"is {len(secret)} characters; {environment} needs at least {MIN_SECRET_LENGTH} "
                "(generate one: python -c 'import secrets; print(secrets.token_urlsafe(64))')",
            )
        if is_weak_secret(secret):
            raise ConfigError(name, "is a placeholder or repeats one character; generate a random one")
    return secret


def _origin(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ConfigError(name, f"{value!r} is not an origin; write it as https://host[:port]")
    return f"{parts.scheme}://{parts.netloc}"


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from an environment mapping; raises ConfigError naming the first bad variable."""
    environment: Environment = _choice(env, "ENVIRONMENT", "local", ENVIRONMENTS)  # type: ignore[assignment]
    secret = _jwt_secret(env, "JWT_SECRET", environment)
    generated = False
    if secret is None:
        if environment != "local":
            raise ConfigError(
                "JWT_SECRET",
                f"required in {environment}; generate one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'",
            )
        secret = secrets.token_urlsafe(64)
        generated = True
    frontend = _origin(_text(env, "FRONTEND_HOST", "http://localhost:5173") or "", "FRONTEND_HOST")
    extra_origins = tuple(
        _origin(o.strip(), "BACKEND_CORS_ORIGINS")
        for o in (_text(env, "BACKEND_CORS_ORIGINS", "") or "").split(",")
        if o.strip()
    )
    return Settings(
        database_url=_database_url(env),
        redis_url=_redis_url(env),
        jwt_secret=secret,
        jwt_secret_previous=_jwt_secret(env, "JWT_SECRET_PREVIOUS", environment),
        jwt_secret_generated=generated,
        frontend_host=frontend,
        backend_cors_origins=extra_origins,
        environment=environment,
        project_name=_text(env, "PROJECT_NAME", "Ayni") or "Ayni",
        port=_integer(env, "PORT", 8000, 1, 65535),
        web_concurrency=_integer(env, "WEB_CONCURRENCY", 1, 1, 64),
        forwarded_trusted_hops=_integer(env, "FORWARDED_TRUSTED_HOPS", 0, 0, 10),
        access_token_expire_minutes=_integer(env, "ACCESS_TOKEN_EXPIRE_MINUTES", 15, 1, 24 * 60),
        refresh_token_expire_days=_integer(env, "REFRESH_TOKEN_EXPIRE_DAYS", 30, 1, 365),
        auth_require_verified_email=_boolean(env, "AUTH_REQUIRE_VERIFIED_EMAIL", True),
        smtp_url=_smtp_url(env),
        email_from=_text(env, "EMAIL_FROM", "Ayni <no-reply@ayni.local>") or "",
        log_level=_choice(env, "LOG_LEVEL", "info", LOG_LEVELS),
        log_format=_choice(env, "LOG_FORMAT", "json" if environment != "local" else "console", LOG_FORMATS),
        health_check_timeout=_number(env, "HEALTH_CHECK_TIMEOUT", 2.0, 0.05, 60.0),
        health_check_slow=_number(env, "HEALTH_CHECK_SLOW", 0.5, 0.001, 60.0),
        max_request_body_bytes=_integer(env, "MAX_REQUEST_BODY_BYTES", 1_048_576, 1024, 100 * 1_048_576),
        worker_processes=_integer(env, "WORKER_PROCESSES", 1, 1, 64),
        worker_threads=_integer(env, "WORKER_THREADS", 4, 1, 256),
        job_retention_days=_integer(env, "JOB_RETENTION_DAYS", 30, 1, 3650),
        login_attempts_limit=_integer(env, "LOGIN_ATTEMPTS_LIMIT", 5, 1, 1000),
        login_attempts_window_seconds=_integer(env, "LOGIN_ATTEMPTS_WINDOW_SECONDS", 900, 1, 86400),
        login_address_attempts_limit=_integer(env, "LOGIN_ADDRESS_ATTEMPTS_LIMIT", 50, 1, 100_000),
        jobs_per_user_limit=_integer(env, "JOBS_PER_USER_LIMIT", 30, 1, 100_000),
        jobs_per_user_window_seconds=_integer(env, "JOBS_PER_USER_WINDOW_SECONDS", 60, 1, 86400),
        frontend_dist=_frontend_dist(env),
        import_max_bytes=_integer(env, "IMPORT_MAX_BYTES", 256 * 1_048_576, 1024, 4 * 1024 * 1_048_576),
        import_retention_days=_integer(env, "IMPORT_RETENTION_DAYS", 15, 1, 3650),
    )


def _smtp_url(env: Mapping[str, str]) -> str | None:
    raw = _text(env, "SMTP_URL")
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError("SMTP_URL", f"scheme {parts.scheme or '(none)'!r} is not supported; use smtp:// or smtps://")
    _host_port(parts, "SMTP_URL")
    return raw


def _frontend_dist(env: Mapping[str, str]) -> str | None:
    raw = _text(env, "FRONTEND_DIST")
    if raw is None:
        return None
    if not (Path(raw) / "index.html").is_file() or not (Path(raw).parent / "security-headers.json").is_file():
        raise ConfigError(
            "FRONTEND_DIST", f"{raw} has no index.html (or no security-headers.json beside it); run npm run build"
        )
    return raw
