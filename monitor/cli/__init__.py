"""The policywatch command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

from sqlalchemy.engine import make_url

from storage import DatabaseError

from .. import __version__
from ..config import CONFIG_NAME, ConfigError, Settings, load_settings
from . import cluster, delivery, documents, export, onboarding, operations, subscriptions, terminal
from .common import Handler, UsageError

# Commands that read no config: they work in any folder.
_WITHOUT_CONFIG = ("clean", "demo", "init")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes in one line, exit 2 (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policywatch", description=__doc__)
    parser.add_argument("--config", help="settings file (default: $POLICYWATCH_CONFIG or ./policywatch.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show crawl logs")
    parser.add_argument("--version", action="version", version=f"policywatch {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    for group in (onboarding, operations, cluster, documents, subscriptions, delivery, export):
        group.register(add)
    return parser


def _unconfigured(config: str | None) -> bool:
    return not (config or os.environ.get("POLICYWATCH_CONFIG") or Path(CONFIG_NAME).is_file())


def _database_file(settings: Settings) -> Path:
    """The SQLite file the settings name (a path that never exists for a server database)."""
    url = make_url(settings.database_url)
    return Path(url.database or "") if url.get_backend_name() == "sqlite" else Path("/nonexistent/server")


def main(argv: list[str] | None = None) -> int:
    terminal.install()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(args.config) if args.command not in _WITHOUT_CONFIG else Settings()
        unconfigured = args.command not in _WITHOUT_CONFIG and _unconfigured(args.config)
        new_database = unconfigured and not _database_file(settings).exists()
        code = args.handler(args, settings)
        if new_database and _database_file(settings).exists():
            where = _database_file(settings)
            print(f"policywatch: no {CONFIG_NAME} here and no --config: made a new database {where}", file=sys.stderr)
        return code
    except ConfigError as exc:
        print(f"policywatch: error: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"policywatch: error: {exc}", file=sys.stderr)
        return 2 if exc.configuration else 1
    except UsageError as exc:
        print(f"policywatch: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
