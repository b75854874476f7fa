"""Settings, loaded once: policywatch.toml, then the environment, then the seed files.

Every problem in a config or seed file becomes one ConfigError naming the file and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.source import Politeness, Source
from notifier.compose import Delivery
from notifier.email import SmtpSettings
from storage.retention import StorageSettings

from .ops.schedule import trigger

CONFIG_NAME = "policywatch.toml"


class ConfigError(Exception):
    """A config or seed file that cannot be used; the message is one line for the user."""


def known_zone(name: str) -> str:
    """An IANA time zone name ("Asia/Shanghai"), or ValueError saying it is not one."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"not a time zone (an IANA name such as Asia/Shanghai): {name!r}") from None
    return name


class WebSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    admin_token: str | None = None
    base_url: str = ""


class DaemonSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_parallel_crawls: int = Field(
        500, ge=1, le=100_000, description="sources crawled at once by one crawl process (per crawling host)"
    )
    recycle_hours: float = Field(6.0, gt=0, description="a long-lived crawl process is replaced after this long")
    seed_poll_seconds: float = Field(10.0, gt=0, description="how often the seeds folder is checked for edits")
    grace_seconds: float = Field(30.0, ge=0, description="how long a running crawl may take to stop on shutdown")
    jitter_seconds: int = Field(120, ge=0)
    outbox_retry_seconds: float = Field(300.0, gt=0)
    index_seconds: float = Field(600.0, gt=0, description="how often the related-documents index is updated")
    timezone: str = "Asia/Shanghai"  # for crontab schedules
    failover_seconds: float = Field(
        30.0, gt=0, description="a standby daemon takes over within this long after the leader dies"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        return known_zone(name)


class AlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ops_email: str | None = None
    after_failures: int = Field(3, ge=1)


class ClusterSettings(BaseModel):
    """Scrapyd nodes that crawl for this scheduler (monitor/ops/cluster/); none: crawl here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: list[str] = Field([], description="Scrapyd URLs, e.g. http://crawl-1:6800")
    project: str = Field("policywatch", pattern=r"^[A-Za-z0-9_-]+$")
    # Scrapyd's own basic auth; from $POLICYWATCH_SCRAPYD_USERNAME and $POLICYWATCH_SCRAPYD_PASSWORD.
    username: str | None = None
    password: str | None = Field(None, repr=False)
    poll_seconds: float = Field(2.0, gt=0, description="how often running jobs are checked")
    lost_job_seconds: float = Field(
        60.0,
        gt=0,
        description="a job its node no longer lists (or a node that stopped answering) is crashed after this",
    )

    @field_validator("nodes")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^https?://[^/\s]+/?$", url):
                raise ValueError(f"not a Scrapyd address (http://host:6800): {url!r}")
        return [url.rstrip("/") for url in urls]


class DetectSettings(BaseModel):
    """How change detection judges what it sees (monitor/detect/)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    confirm_crawls: int = Field(
        1, ge=1, le=10, description="a change becomes an event once this many consecutive crawls saw it"
    )


class NotifySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secret: str | None = Field(None, repr=False)  # signs unsubscribe links; $POLICYWATCH_SECRET wins
    language: Literal["zh", "en"] = Field("zh", description="the words around the content of every message")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = "sqlite:///data/policywatch.db"
    seeds_dir: Path = Path("seeds")
    crawl: Politeness = Politeness()
    smtp: SmtpSettings = SmtpSettings()
    web: WebSettings = WebSettings()
    daemon: DaemonSettings = DaemonSettings()
    alerts: AlertSettings = AlertSettings()
    storage: StorageSettings = StorageSettings()
    notify: NotifySettings = NotifySettings()
    detect: DetectSettings = DetectSettings()
    cluster: ClusterSettings = ClusterSettings()
    crawl_time_limit: float = Field(3600.0, gt=0, description="seconds before a crawl is stopped")
    crawl_memory_limit_mb: int = Field(1024, ge=0, description="a crawl using more is stopped; 0: no limit")
    http_cache_dir: Path | None = Path("data/httpcache")  # for conditional requests; relative to the config
    # Where the settings came from, for relative paths and messages; not read from the file.
    base_dir: Path = Path(".")

    def sources(self) -> list[Source]:
        return load_sources(self.seeds_dir)

    def delivery(self) -> Delivery:
        """What every message shares: the web page's address, the unsubscribe secret, the zone."""
        return Delivery(self.web.base_url, self.notify.secret, self.daemon.timezone, self.notify.language)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = "required key is missing"
    extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {message}{extra}" if where else f"{message}{extra}"


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _sqlite_relative_to(url: str, base: Path) -> str:
    """A relative SQLite path in the config file means relative to that file, as seeds_dir does."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str((base / url[len(prefix) :]).resolve())
    return url


def load_settings(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from path, $POLICYWATCH_CONFIG or ./policywatch.toml (defaults if none exists)."""
    env = os.environ if environ is None else environ
    explicit = path or env.get("POLICYWATCH_CONFIG")
    config_path = Path(explicit) if explicit else Path(CONFIG_NAME)
    if explicit and not config_path.is_file():
        raise ConfigError(f"{config_path}: no such config file")
    data = _read_toml(config_path) if config_path.is_file() else {}
    base = config_path.resolve().parent if config_path.is_file() else Path.cwd()
    if "base_dir" in data:
        raise ConfigError(f"{config_path}: base_dir: unknown key")
    if "POLICYWATCH_SMTP_PASSWORD" in env and isinstance(data.get("smtp", {}), dict):
        data["smtp"] = {**data.get("smtp", {}), "password": env["POLICYWATCH_SMTP_PASSWORD"]}
    if isinstance(data.get("cluster", {}), dict):
        credentials = {
            k: env[f"POLICYWATCH_SCRAPYD_{k.upper()}"]
            for k in ("username", "password")
            if f"POLICYWATCH_SCRAPYD_{k.upper()}" in env
        }
        if credentials:
            data["cluster"] = {**data.get("cluster", {}), **credentials}
    if "POLICYWATCH_SECRET" in env and isinstance(data.get("notify", {}), dict):
        data["notify"] = {**data.get("notify", {}), "secret": env["POLICYWATCH_SECRET"]}
    try:
        settings = Settings.model_validate({**data, "base_dir": base})
    except ValidationError as exc:
        raise ConfigError(f"{config_path}: {_first_error(exc)}") from None
    database_url = env.get("POLICYWATCH_DATABASE_URL") or _sqlite_relative_to(settings.database_url, base)
    seeds_dir = settings.seeds_dir if settings.seeds_dir.is_absolute() else base / settings.seeds_dir
    cache = settings.http_cache_dir
    cache = cache if cache is None or cache.is_absolute() else base / cache
    return settings.model_copy(update={"database_url": database_url, "seeds_dir": seeds_dir, "http_cache_dir": cache})


def load_source(path: Path) -> Source:
    data = _read_toml(path)
    data.setdefault("name", path.stem)
    try:
        source = Source.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc)}") from None
    try:
        trigger(source.schedule)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return source


def check_seeds(seeds_dir: Path) -> tuple[list[Source], list[str]]:
    """Every seeds_dir/*.toml that can be used, sorted by name, and one line per problem in the
    others (two files may not define one name)."""
    if not seeds_dir.is_dir():
        return [], [f"{seeds_dir}: seeds folder not found"]
    sources: dict[str, Source] = {}
    problems = []
    for path in sorted(seeds_dir.glob("*.toml")):
        try:
            source = load_source(path)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        if source.name in sources:
            problems.append(f"{path}: name {source.name!r} is already used by another seed file")
            continue
        sources[source.name] = source
    return list(sources.values()), problems


def load_sources(seeds_dir: Path) -> list[Source]:
    """Every seeds_dir/*.toml, sorted by name; the first problem found is a ConfigError."""
    sources, problems = check_seeds(seeds_dir)
    if problems:
        raise ConfigError(problems[0])
    return sources
