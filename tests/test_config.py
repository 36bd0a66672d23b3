"""Settings from the environment (DESIGN.md, "Configuration"): every variable parsed, bad values refused
with a ConfigError naming the variable, secrets never shown."""

from __future__ import annotations

import dataclasses
import secrets
import string
from urllib.parse import quote, unquote, urlsplit

import psycopg
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from psycopg.conninfo import conninfo_to_dict

from ayni.config import (
    PLACEHOLDER_SECRETS,
    ConfigError,
    Settings,
    is_weak_secret,
    load_settings,
    normalize_database_url,
    normalize_redis_url,
)
from tests.servers import scratch_database

DB = "postgresql://ayni:pw@db.internal:5432/ayni"
REDIS = "redis://cache.internal:6379/0"
STRONG = secrets.token_urlsafe(64)


def env(**overrides: str) -> dict[str, str]:
    base = {"DATABASE_URL": DB, "REDIS_URL": REDIS}
    base.update(overrides)
    return base


def deployed(environment: str = "production", **overrides: str) -> dict[str, str]:
    return env(**{"ENVIRONMENT": environment, "JWT_SECRET": STRONG, **overrides})


def refused(environ: dict[str, str], variable: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ)
    error = caught.value
    assert error.variable == variable, f"expected {variable}, got {error.variable}: {error}"
    message = str(error)
    assert message.startswith(variable), message
    assert "\n" not in message, "one line, for the operator"
    assert len(message) > len(variable) + 10, "the message says what to do"
    return error


# --- every variable of DESIGN.md --------------------------------------------------------------------------


def test_defaults_of_a_minimal_local_environment() -> None:
    s = load_settings(env())
    assert s.database_url == DB
    assert s.redis_url == REDIS
    assert s.environment == "local"
    assert s.project_name == "Ayni"
    assert s.port == 8000
    assert s.access_token_expire_minutes == 15
    assert s.refresh_token_expire_days == 30
    assert s.auth_require_verified_email is True
    assert s.smtp_url is None
    assert s.log_level == "info"
    assert s.log_format == "console"
    assert s.jwt_secret_previous is None
    assert s.backend_cors_origins == ()
    assert s.health_check_timeout == 2.0
    assert s.frontend_host.startswith("http")


def test_every_design_variable_is_read() -> None:
    previous = secrets.token_urlsafe(64)
    s = load_settings(
        {
            "DATABASE_URL": "postgres://u:p@pg.example:6543/app",
            "REDIS_URL": "rediss://:rpw@redis.example:6380/2",
            "JWT_SECRET": STRONG,
            "JWT_SECRET_PREVIOUS": previous,
            "FRONTEND_HOST": "https://app.example.com",
            "BACKEND_CORS_ORIGINS": "https://admin.example.com, http://localhost:3000",
            "ENVIRONMENT": "staging",
            "PROJECT_NAME": "Ayni Staging",
            "PORT": "8123",
            "ACCESS_TOKEN_EXPIRE_MINUTES": "5",
            "REFRESH_TOKEN_EXPIRE_DAYS": "7",
            "AUTH_REQUIRE_VERIFIED_EMAIL": "false",
            "SMTP_URL": "smtps://mailer:mpw@smtp.example:465",
            "EMAIL_FROM": "Ayni <hello@example.com>",
            "LOG_LEVEL": "debug",
            "LOG_FORMAT": "console",
            "HEALTH_CHECK_TIMEOUT": "1.5",
        }
    )
    assert s.database_url == "postgresql://u:p@pg.example:6543/app"
    assert s.redis_url == "rediss://:rpw@redis.example:6380/2"
    assert s.jwt_secret == STRONG
    assert s.jwt_secret_previous == previous
    assert s.jwt_secret_generated is False
    assert s.frontend_host == "https://app.example.com"
    assert s.backend_cors_origins == ("https://admin.example.com", "http://localhost:3000")
    assert s.cors_origins == ("https://app.example.com", "https://admin.example.com", "http://localhost:3000")
    assert s.environment == "staging"
    assert s.is_deployed
    assert s.project_name == "Ayni Staging"
    assert s.port == 8123
    assert s.access_token_expire_minutes == 5
    assert s.refresh_token_expire_days == 7
    assert s.auth_require_verified_email is False
    assert s.smtp_url == "smtps://mailer:mpw@smtp.example:465"
    assert s.email_from == "Ayni <hello@example.com>"
    assert s.log_level == "debug"
    assert s.log_format == "console"
    assert s.health_check_timeout == 1.5


def test_settings_are_immutable() -> None:
    s = load_settings(env())
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("On", True),
    ],
)
def test_booleans(raw: str, expected: bool) -> None:
    assert load_settings(env(AUTH_REQUIRE_VERIFIED_EMAIL=raw)).auth_require_verified_email is expected


def test_frontend_host_is_an_origin_without_trailing_slash() -> None:
    s = load_settings(env(FRONTEND_HOST="https://app.example.com/", BACKEND_CORS_ORIGINS="https://a.example.com/"))
    assert s.frontend_host == "https://app.example.com"
    assert s.backend_cors_origins == ("https://a.example.com",)


def test_cors_origins_have_no_duplicates() -> None:
    s = load_settings(env(FRONTEND_HOST="https://app.example.com", BACKEND_CORS_ORIGINS="https://app.example.com"))
    assert s.cors_origins == ("https://app.example.com",)


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_log_format_defaults_to_json_when_deployed(environment: str) -> None:
    assert load_settings(deployed(environment)).log_format == "json"
    assert load_settings(deployed(environment, LOG_FORMAT="console")).log_format == "console"


def test_log_format_defaults_to_console_locally() -> None:
    assert load_settings(env()).log_format == "console"
    assert load_settings(env(LOG_FORMAT="json")).log_format == "json"


# --- DATABASE_URL -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "POSTGRES", "PostgreSQL"])
def test_both_postgres_schemes_are_accepted_and_normalized(scheme: str) -> None:
    raw = f"{scheme}://user:p%40ss%3Aw@db.example:5433/app?sslmode=require"
    expected = "postgresql://user:p%40ss%3Aw@db.example:5433/app?sslmode=require"
    assert load_settings(env(DATABASE_URL=raw)).database_url == expected
    assert normalize_database_url(raw) == expected


def test_normalized_database_url_is_one_libpq_reads_the_same() -> None:
    url = load_settings(env(DATABASE_URL="postgres://user:p%40ss@db.example:5433/app")).database_url
    parsed = conninfo_to_dict(url)
    assert parsed == {"user": "user", "password": "p@ss", "host": "db.example", "port": "5433", "dbname": "app"}


@pytest.mark.parametrize(
    "bad",
    [
        "mysql://u:p@db.example:3306/app",  # wrong scheme
        "http://db.example/app",
        "db.example:5432/app",  # no scheme
        "not a url",
        "postgresql:///app",  # no host
        "postgresql://:5432/app",
        "postgresql://u@db.example:port/app",  # bad port
        "postgresql://u@db.example:70000/app",
        "postgresql://u@db.example:-1/app",
        "postgresql://u@db.example:0/app",
        "postgresql://u@db.example:5432",  # no database
        "postgresql://u@db.example:5432/",
    ],
)
def test_bad_database_url_is_refused(bad: str) -> None:
    refused(env(DATABASE_URL=bad), "DATABASE_URL")


def test_missing_database_url_and_postgres_server_is_refused() -> None:
    error = refused({"REDIS_URL": REDIS}, "DATABASE_URL")
    assert "POSTGRES_SERVER" in str(error)


def test_postgres_variables_build_the_url() -> None:
    s = load_settings(
        {
            "REDIS_URL": REDIS,
            "POSTGRES_SERVER": "db.internal",
            "POSTGRES_PORT": "6543",
            "POSTGRES_USER": "app",
            "POSTGRES_PASSWORD": "pw",
            "POSTGRES_DB": "ayni_prod",
        }
    )
    assert s.database_url == "postgresql://app:pw@db.internal:6543/ayni_prod"


def test_postgres_port_defaults_to_5432() -> None:
    s = load_settings({"REDIS_URL": REDIS, "POSTGRES_SERVER": "db", "POSTGRES_USER": "u", "POSTGRES_DB": "d"})
    assert urlsplit(s.database_url).port == 5432


def test_database_url_wins_over_postgres_variables() -> None:
    s = load_settings(env(POSTGRES_SERVER="other", POSTGRES_USER="x", POSTGRES_DB="y"))
    assert s.database_url == DB


@pytest.mark.parametrize("bad", ["abc", "0", "65536", "54.32"])
def test_bad_postgres_port_is_refused(bad: str) -> None:
    refused({"REDIS_URL": REDIS, "POSTGRES_SERVER": "db", "POSTGRES_PORT": bad}, "POSTGRES_PORT")


def test_postgres_password_needing_quoting_connects(postgres_server_url: str) -> None:
    """The built URL carries the password intact (libpq reads it back) and connects to a real server."""
    password = "p@ss:w/rd#?%&= é"
    server = urlsplit(postgres_server_url)
    with scratch_database(postgres_server_url) as url:
        s = load_settings(
            {
                "REDIS_URL": REDIS,
                "POSTGRES_SERVER": server.hostname or "",
                "POSTGRES_PORT": str(server.port),
                "POSTGRES_USER": server.username or "postgres",
                "POSTGRES_PASSWORD": password,
                "POSTGRES_DB": urlsplit(url).path.lstrip("/"),
            }
        )
        assert conninfo_to_dict(s.database_url)["password"] == password
        assert unquote(urlsplit(s.database_url).password or "") == password
        with psycopg.connect(s.database_url) as connection:
            row = connection.execute("SELECT current_database()").fetchone()
        assert row is not None
        assert row[0] == urlsplit(url).path.lstrip("/")


passwords = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=40
)


@given(password=passwords, user=passwords)
def test_any_postgres_password_and_user_survive_the_url(password: str, user: str) -> None:
    s = load_settings(
        {"REDIS_URL": REDIS, "POSTGRES_SERVER": "db", "POSTGRES_USER": user, "POSTGRES_PASSWORD": password}
    )
    parsed = conninfo_to_dict(s.database_url)
    assert parsed["password"] == password
    assert parsed["user"] == user
    assert parsed["host"] == "db"


# --- REDIS_URL ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["redis://localhost:6379/0", "rediss://:pw@r.example:6380/1", "redis://r.example"])
def test_redis_urls_accepted(good: str) -> None:
    assert load_settings(env(REDIS_URL=good)).redis_url == good
    assert normalize_redis_url(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "http://r.example:6379/0",
        "localhost:6379",
        "redis://",
        "redis:///0",
        "redis://r.example:notaport/0",
        "redis://r.example:99999/0",
        "redis://r.example:6379/zero",
    ],
)
def test_bad_redis_url_is_refused(bad: str) -> None:
    refused(env(REDIS_URL=bad), "REDIS_URL")


def test_missing_redis_url_is_refused() -> None:
    refused({"DATABASE_URL": DB}, "REDIS_URL")


# --- numbers, choices, booleans, origins --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["http", "80.5", "0", "65536", "-1", "8000x", "1e3"])
def test_bad_port_is_refused(bad: str) -> None:
    refused(env(PORT=bad), "PORT")


@given(port=st.integers(min_value=1, max_value=65535))
def test_any_valid_port_is_read(port: int) -> None:
    assert load_settings(env(PORT=str(port))).port == port


@given(port=st.integers().filter(lambda p: not 1 <= p <= 65535))
def test_any_port_out_of_range_is_refused(port: int) -> None:
    refused(env(PORT=str(port)), "PORT")


@given(raw=st.text(min_size=1, max_size=20).filter(lambda t: t.strip() and not t.strip().lstrip("+-").isdigit()))
def test_any_non_number_port_is_refused(raw: str) -> None:
    try:
        int(raw)
    except ValueError:
        pass
    else:
        assume(False)  # unicode digits int() accepts: not this property's concern
    refused(env(PORT=raw), "PORT")


@pytest.mark.parametrize("bad", ["prod", "dev", "development", "test", "live", "local production"])
def test_unknown_environment_is_refused(bad: str) -> None:
    error = refused(env(ENVIRONMENT=bad), "ENVIRONMENT")
    assert "production" in str(error)


@given(
    raw=st.text(min_size=1, max_size=20).filter(
        lambda t: t.strip().lower() not in ("local", "staging", "production") and t.strip()
    )
)
def test_any_unknown_environment_is_refused(raw: str) -> None:
    refused(env(ENVIRONMENT=raw), "ENVIRONMENT")


@pytest.mark.parametrize("bad", ["maybe", "2", "tru", "y e s", "enabled"])
def test_bad_boolean_is_refused(bad: str) -> None:
    refused(env(AUTH_REQUIRE_VERIFIED_EMAIL=bad), "AUTH_REQUIRE_VERIFIED_EMAIL")


@pytest.mark.parametrize(
    "bad", ["localhost:5173", "app.example.com", "ftp://app.example.com", "https://app.example.com/app", "http://"]
)
def test_bad_frontend_host_is_refused(bad: str) -> None:
    refused(env(FRONTEND_HOST=bad), "FRONTEND_HOST")


@pytest.mark.parametrize("bad", ["https://ok.example.com,not-an-origin", "*", "https://a.example.com/path"])
def test_bad_cors_origins_are_refused(bad: str) -> None:
    refused(env(BACKEND_CORS_ORIGINS=bad), "BACKEND_CORS_ORIGINS")


@pytest.mark.parametrize(
    ("variable", "bad"),
    [
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "soon"),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "0"),
        ("REFRESH_TOKEN_EXPIRE_DAYS", "-3"),
        ("REFRESH_TOKEN_EXPIRE_DAYS", "thirty"),
        ("LOG_LEVEL", "verbose"),
        ("LOG_FORMAT", "xml"),
        ("SMTP_URL", "http://mail.example"),
        ("SMTP_URL", "smtp://"),
        ("HEALTH_CHECK_TIMEOUT", "fast"),
        ("HEALTH_CHECK_TIMEOUT", "0"),
        ("WEB_CONCURRENCY", "0"),
        ("FORWARDED_TRUSTED_HOPS", "-1"),
        ("FORWARDED_TRUSTED_HOPS", "one"),
        ("WORKER_THREADS", "many"),
        ("MAX_REQUEST_BODY_BYTES", "1MB"),
    ],
)
def test_other_bad_values_name_their_variable(variable: str, bad: str) -> None:
    refused(env(**{variable: bad}), variable)


def test_blank_values_mean_default() -> None:
    s = load_settings(env(PORT="  ", ENVIRONMENT="", LOG_FORMAT=" "))
    assert (s.port, s.environment, s.log_format) == (8000, "local", "console")


# --- JWT_SECRET ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deployed_requires_jwt_secret(environment: str) -> None:
    refused(env(ENVIRONMENT=environment), "JWT_SECRET")


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deployed_refuses_a_short_jwt_secret(environment: str) -> None:
    error = refused(deployed(environment, JWT_SECRET=STRONG[:63]), "JWT_SECRET")
    assert "64" in str(error)
    assert STRONG[:63] not in str(error), "the message never repeats the secret"


@pytest.mark.parametrize(
    "weak",
    [
        "changethis" * 7,
        "changethis-" + STRONG[:60],
        "CHANGEME" + STRONG[:60],
        "a" * 64,
        "ab" * 40,
        "x" * 200,
    ],
    # Named, not shown: STRONG differs in every process, and pytest-xdist's processes must collect the same ids.
    ids=["changethis-repeated", "changethis-prefix", "CHANGEME-prefix", "a-64", "ab-40", "x-200"],
)
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deployed_refuses_placeholders_and_repeated_characters(environment: str, weak: str) -> None:
    error = refused(deployed(environment, JWT_SECRET=weak), "JWT_SECRET")
    assert weak not in str(error)


def test_deployed_checks_the_previous_secret_too() -> None:
    refused(deployed(JWT_SECRET_PREVIOUS="short"), "JWT_SECRET_PREVIOUS")
    refused(deployed(JWT_SECRET_PREVIOUS="a" * 64), "JWT_SECRET_PREVIOUS")
    assert load_settings(deployed(JWT_SECRET_PREVIOUS=STRONG[::-1])).jwt_secret_previous == STRONG[::-1]


def test_deployed_accepts_a_strong_secret() -> None:
    s = load_settings(deployed())
    assert s.jwt_secret == STRONG
    assert s.jwt_secret_generated is False


def test_local_generates_a_missing_secret() -> None:
    first = load_settings(env())
    second = load_settings(env())
    assert first.jwt_secret_generated is True
    assert len(first.jwt_secret) >= 64
    assert not is_weak_secret(first.jwt_secret)
    assert first.jwt_secret != second.jwt_secret
    # `ayni config check` says it is not set, not "****** (86 characters)" beside that warning.
    assert first.masked()["jwt_secret"] == "(not set: a random key for this process only)"


def test_local_keeps_a_given_secret() -> None:
    s = load_settings(env(JWT_SECRET="dev-secret"))
    assert s.jwt_secret == "dev-secret"
    assert s.jwt_secret_generated is False


# --- is_weak_secret -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDER_SECRETS | {"changethis", "secret", "changeme"}))
def test_placeholders_are_weak_in_any_case(placeholder: str) -> None:
    assert is_weak_secret(placeholder)
    assert is_weak_secret(placeholder.upper())
    assert is_weak_secret(placeholder.title())


@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30), word=st.sampled_from(["changethis", "ChangeMe"]))
def test_a_secret_containing_changethis_is_weak(prefix: str, suffix: str, word: str) -> None:
    assert is_weak_secret(prefix + word + suffix)


@given(
    chars=st.lists(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=2),
    length=st.integers(64, 300),
    data=st.data(),
)
def test_one_or_two_repeated_characters_are_weak(chars: list[str], length: int, data: st.DataObject) -> None:
    secret = "".join(data.draw(st.lists(st.sampled_from(chars), min_size=length, max_size=length)))
    assert is_weak_secret(secret)


@given(unit=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8))
def test_a_short_pattern_repeated_is_weak(unit: str) -> None:
    """ "abcabc…" or "secretsecret…" is a repeated-characters key, as weak as "aaaa…" (DESIGN: not a placeholder,
    repeated characters...)."""
    secret = unit * (64 // len(unit) + 1)
    assert is_weak_secret(secret)


def test_generated_secrets_are_not_weak() -> None:
    for _ in range(200):
        assert not is_weak_secret(secrets.token_urlsafe(64))
        assert not is_weak_secret(secrets.token_hex(32))


@given(secret=st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=80))
def test_weakness_ignores_letter_case(secret: str) -> None:
    assert is_weak_secret(secret) == is_weak_secret(secret.swapcase())


# --- masked(): secrets never shown --------------------------------------------------------------------------


def _all_shown(s: Settings) -> str:
    return "\n".join(f"{k}={v}" for k, v in s.masked().items())


def test_masked_lists_every_setting_and_hides_secrets() -> None:
    s = load_settings(
        deployed(
            DATABASE_URL="postgresql://app:dbpass123@db:5432/app",
            REDIS_URL="redis://:redispass123@r:6379/0",
            SMTP_URL="smtp://mailer:smtppass123@mail:587",
            JWT_SECRET_PREVIOUS=STRONG[::-1],
        )
    )
    shown = s.masked()
    names = {f.name for f in dataclasses.fields(Settings)} - {"jwt_secret_generated"}
    assert set(shown) == names
    text = _all_shown(s)
    for secret in (STRONG, STRONG[::-1], "dbpass123", "redispass123", "smtppass123"):
        assert secret not in text
    assert shown["database_url"] == "postgresql://app:******@db:5432/app"
    assert shown["redis_url"] == "redis://:******@r:6379/0"
    assert "mailer" in shown["smtp_url"]
    assert shown["port"] == "8000"


def test_masked_hides_a_password_given_in_the_query_string() -> None:
    """libpq and asyncpg also take the password as ?password=…; it is a URL password all the same."""
    s = load_settings(env(DATABASE_URL="postgresql://app@db:5432/app?password=querypass123&sslmode=require"))
    assert "querypass123" not in _all_shown(s)


secret_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=8, max_size=64)


@given(
    password=secret_text,
    redis_password=secret_text,
    smtp_password=secret_text,
    jwt=st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=64, max_size=100),
)
def test_masked_never_contains_a_secret(password: str, redis_password: str, smtp_password: str, jwt: str) -> None:
    assume(not is_weak_secret(jwt))
    s = load_settings(
        deployed(
            JWT_SECRET=jwt,
            DATABASE_URL=f"postgres://app:{quote(password, safe='')}@db.example:5432/app",
            REDIS_URL=f"redis://default:{quote(redis_password, safe='')}@r.example:6379/0",
            SMTP_URL=f"smtp://mailer:{quote(smtp_password, safe='')}@mail.example:587",
        )
    )
    text = _all_shown(s)
    for secret in (jwt, password, redis_password, smtp_password):
        assert secret not in text
        assert quote(secret, safe="") not in text


@given(password=secret_text)
def test_masked_never_contains_a_postgres_password(password: str) -> None:
    assume(password == password.strip())
    s = load_settings({"REDIS_URL": REDIS, "POSTGRES_SERVER": "db", "POSTGRES_PASSWORD": password})
    text = _all_shown(s)
    assert password not in text
    assert quote(password, safe="") not in text


def test_a_config_error_is_a_value_error_with_the_variable() -> None:
    error = ConfigError("PORT", "bad")
    assert isinstance(error, ValueError)
    assert error.variable == "PORT"
    assert str(error) == "PORT: bad"
