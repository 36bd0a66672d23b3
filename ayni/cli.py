"""The `ayni` command: parse, call, report. Errors are one sentence and a non-zero exit; a traceback only
with --debug."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence

from ayni.command_errors import UserFacingError
from ayni.config import ConfigError, Settings, load_settings

EXIT_CONFIG = 2
EXIT_FAILURE = 1


class CommandError(UserFacingError):
    """A command failed in a way the user can act on; the message says how."""


def _settings() -> Settings:
    return load_settings(os.environ)


def cmd_serve(args: argparse.Namespace) -> int:
    from ayni.logs import configure_logging
    from ayni.server import serve

    settings = _settings()
    configure_logging(settings)
    return serve(settings, host=args.host, port=args.port, fd=args.fd)


def cmd_worker(args: argparse.Namespace) -> int:
    from ayni.actors import CATALOG
    from ayni.jobs.worker import run_worker

    return run_worker(_settings(), CATALOG)


def cmd_dev(args: argparse.Namespace) -> int:
    from ayni.dev import run_dev

    return run_dev(port=args.port, web=not args.no_web, build_web=args.build_web, demo=not args.no_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    import asyncio
    import stat
    from pathlib import Path

    from ayni import migrations
    from ayni.sales.demo_seed import make_demo

    settings = _settings()
    pending = [state.id for state in migrations.states(settings.database_url) if not state.applied]
    if pending:
        raise CommandError(f"the database lacks {len(pending)} migration(s); run `ayni migrate apply` first")
    account = asyncio.run(make_demo(settings, lines=args.lines, email=args.email, password=args.password))
    if account.status != "succeeded":
        raise CommandError(f"the demo import ended {account.status}; see the import {account.import_id}")
    sign_in = f"demo sign-in: {account.email} / {account.password}"
    print(f"ayni demo: {account.lines:,} lines imported; {sign_in}")
    if args.record:
        record = Path(args.record)
        record.write_text(sign_in + "\n", encoding="utf-8")
        record.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from ayni import migrations

    settings = _settings()
    url = settings.database_url
    if args.action == "apply":
        applied = migrations.apply(url)
        print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    elif args.action == "list":
        for state in migrations.states(url):
            print(f"[{'x' if state.applied else ' '}] {state.id}")
    elif args.action == "current":
        print(migrations.current(url) or "(none applied)")
    else:
        return _rollback(args, settings)
    return 0


def _rollback(args: argparse.Namespace, settings: Settings) -> int:
    from ayni import migrations

    if args.all:
        if not args.yes:
            raise CommandError("rollback --all drops every table and its data; add --yes to confirm")
        if settings.environment == "production" and not args.allow_data_loss:
            raise CommandError("rollback --all in production also needs --allow-data-loss")
    if args.all and args.to:
        raise CommandError("use either --to ID or --all, not both")
    rolled = migrations.rollback(settings.database_url, to=args.to, everything=args.all)
    print(f"rolled back {len(rolled)} migration(s)" + (f": {', '.join(rolled)}" if rolled else ""))
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    from ayni.reachability import check_dependencies

    settings = _settings()
    for name, value in settings.masked().items():
        print(f"{name.upper():32} {value}")
    if settings.jwt_secret_generated:
        print(
            "warning: JWT_SECRET is not set; a random one is generated per process (sessions won't survive a restart)"
        )
    problems = check_dependencies(settings)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FAILURE
    print("configuration ok; database and redis reachable")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from ayni.app import openapi_document

    print(json.dumps(openapi_document(os.environ.get("PROJECT_NAME") or "Ayni"), indent=2, sort_keys=True))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1_000 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError("use a number from 1,000 to 10,000,000")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ayni", description="Ayni: retail analytics service.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="run the API (uvicorn)")
    serve.add_argument("--host", help="default 0.0.0.0 in staging/production, else 127.0.0.1")
    serve.add_argument("--port", type=int, help="default $PORT, else 8000")
    serve.add_argument("--fd", type=int, help=argparse.SUPPRESS)  # a listening socket `ayni dev` took for it
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run the background job worker (Dramatiq)")
    worker.set_defaults(handler=cmd_worker)

    migrate = commands.add_parser("migrate", help="apply, list or roll back database migrations")
    actions = migrate.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("apply", help="apply every pending migration").set_defaults(handler=cmd_migrate)
    actions.add_parser("list", help="every migration, [x] when applied").set_defaults(handler=cmd_migrate)
    actions.add_parser("current", help="the newest applied migration").set_defaults(handler=cmd_migrate)
    rollback = actions.add_parser("rollback", help="roll back the newest migration (or --to ID, or --all)")
    rollback.add_argument("--to", metavar="ID", help="roll back every migration newer than ID")
    rollback.add_argument("--all", action="store_true", help="roll back everything (drops all data)")
    rollback.add_argument("--yes", action="store_true", help="confirm --all")
    rollback.add_argument("--allow-data-loss", action="store_true", help="confirm --all in production")
    rollback.set_defaults(handler=cmd_migrate)

    config = commands.add_parser("config", help="configuration")
    config_actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = config_actions.add_parser("check", help="print the effective configuration; fail on any problem")
    check.set_defaults(handler=cmd_config_check)

    dev = commands.add_parser("dev", help="the whole stack locally: embedded servers, migrations, API, worker, web")
    dev.add_argument("--port", type=int, default=None, help="API port (default $PORT, else 8000)")
    dev.add_argument("--no-web", action="store_true", help="don't build or serve the web app")
    dev.add_argument("--build-web", action="store_true", help="build frontend/dist first (npm run build)")
    dev.add_argument("--no-demo", action="store_true", help="don't create the demo company on a fresh AYNI_HOME")
    dev.set_defaults(handler=cmd_dev)

    demo = commands.add_parser("demo", help="create (or refresh) the demo account and company, with sales")
    demo.add_argument("--lines", type=_positive, default=1_000_000, help="sale lines to generate (default 1,000,000)")
    demo.add_argument("--email", default="demo@ayni.local", help="the demo account (default demo@ayni.local)")
    demo.add_argument("--password", help="its password (default: a new random one, printed)")
    demo.add_argument("--record", help=argparse.SUPPRESS)  # where `ayni dev` keeps the sign-in line
    demo.set_defaults(handler=cmd_demo)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document (for the web app's type check)")
    openapi.set_defaults(handler=cmd_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigError as exc:
        return _fail(args, f"configuration error: {exc}", EXIT_CONFIG)
    except KeyboardInterrupt:
        return 130
    except UserFacingError as exc:
        return _fail(args, str(exc), EXIT_FAILURE)
    except Exception as exc:
        return _fail(
            args, f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)", EXIT_FAILURE
        )


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        import traceback

        traceback.print_exc()
    print(f"ayni: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
