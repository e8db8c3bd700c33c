"""The one settings object: environment variables prefixed ``KANSENRADAR_`` and an optional ``.env`` file.

Built once by the CLI and passed down as plain values; library packages never read the environment.
"""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jobs.mail_address import address_problem

CommaList = Annotated[list[str], NoDecode]
# Settings whose values never appear in an error message or a log line.
SECRETS = frozenset({"secret_key", "smtp_password", "tenderned_password"})


class SettingsError(ValueError):
    """A setting (or a pair of them) that cannot be used as it is; the message names the setting."""


def _http_url(value: str, message: str) -> SplitResult:
    """Return the parts of an http(s) URL with a host and a numeric port (if any); raise ``ValueError`` otherwise."""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        raise ValueError("the port is not a number") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(message)
    return parts


class Settings(BaseSettings):
    """Kansenradar's configuration (see the README's configuration table)."""

    model_config = SettingsConfigDict(
        env_prefix="KANSENRADAR_", env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///./kansenradar.db",
        description="SQLAlchemy URL of the database: an SQLite file, or postgresql://user:pass@host/db.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        default=None, description="Least severe log level on stderr; default INFO on a terminal, WARNING otherwise."
    )
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format.")
    outbox: Path = Field(default=Path("outbox"), description="Folder for .eml files when mail is not sent by SMTP.")

    smtp_host: str | None = Field(
        default=None, description="SMTP server for digests; without it, .eml files go to the outbox."
    )
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP user name, if the server needs a login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_from: str = Field(default="Kansenradar <kansenradar@localhost>", description="From address of digests.")
    smtp_timeout: float = Field(default=30.0, description="Seconds before an SMTP connection attempt gives up.")
    unsubscribe: str | None = Field(
        default=None, description="List-Unsubscribe target (mailto: or https: URL); default: a mailto to the sender."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs the links in digests (feedback, unsubscribe, company page); needed by `serve` "
        "and for signed links. At least 32 characters; a new key makes every link sent before it invalid.",
    )
    public_url: str | None = Field(
        default=None,
        description="Address where people reach `kansenradar serve` (behind the proxy), e.g. "
        "https://kansen.example.org; digests link there for feedback, the company page and one-click unsubscribe.",
    )
    link_days: int = Field(
        default=60, ge=1, le=3650,
        description="Days a feedback or company-page link stays valid; unsubscribe links at least a year.",
    )  # fmt: skip

    ted_api_url: str = Field(default="https://api.ted.europa.eu/v3", description="TED Search API v3 base URL.")
    ted_packages_url: str = Field(default="https://ted.europa.eu/packages", description="TED bulk packages base URL.")
    ted_countries: CommaList = Field(
        default=["NLD"], description="Buyer or performance countries (ISO alpha-3) the ted spider asks for."
    )
    ted_cpv: CommaList = Field(default=[], description="CPV prefixes the ted spider asks for; empty = all.")
    ted_notice_types: CommaList = Field(
        default=["cn-standard", "cn-social", "pin-cfc-standard", "pin-cfc-social", "pin-rtl", "subco"],
        description="eForms notice types the ted spider asks for.",
    )
    tenderned_api_url: str = Field(
        default="https://www.tenderned.nl/papi/tenderned-rs-tns/v2", description="TenderNed publication API base URL."
    )
    tenderned_user: str | None = Field(default=None, description="TenderNed API user (HTTP Basic), if you have one.")
    tenderned_password: str | None = Field(default=None, description="TenderNed API password.")
    ocds_url: str | None = Field(default=None, description="OCDS release-package endpoint for the ocds spider.")
    ocds_since_param: str | None = Field(
        default=None,
        description="The OCDS endpoint's query parameter for the start date (e.g. updatedFrom), so a daily crawl asks "
        "for what is new instead of reading the whole endpoint.",
    )
    undated_days: int = Field(
        default=90, ge=1, le=3650,
        description="Days after publication a notice without a deadline is still offered (prior information notices).",
    )  # fmt: skip
    crawl_sources: CommaList = Field(
        default=["ted"], description="Sources `kansenradar run` crawls, comma-separated (ted, tenderned, ocds, ...)."
    )
    files_paths: CommaList = Field(
        default=[], description="Files, folders or archives `run` crawls as the files source (e.g. a drop folder)."
    )
    digest_weekday: int = Field(
        default=1, ge=1, le=7, description="ISO weekday on which `run` sends digests (1 = Monday)."
    )
    schedule_run: str = Field(
        default="0 6 * * *", description="When `schedule` runs the pipeline: crontab or 'every 30m'."
    )
    schedule_digest: str = Field(
        default="0 7 * * 1", description="When `schedule` sends digests: crontab or 'every 1h'."
    )
    timezone: str = Field(
        default="Europe/Amsterdam",
        description="The zone people live in: ISO weeks, digest days, dates given on the command line, times shown.",
    )
    crawl_first_days: int = Field(
        default=14, ge=1, description="How far back the first crawl of a source goes, in days."
    )
    crawl_delay: float = Field(default=0.5, ge=0, description="Seconds between requests to one site (AutoThrottle).")
    retry_backoff: float = Field(default=2.0, ge=0, description="First retry wait in seconds; doubles per retry.")
    retry_limit: int = Field(
        default=6, ge=1, description="Crawls that try a failed notice document before giving up on it (reported)."
    )
    retry_queue_backoff: float = Field(
        default=3600.0, ge=0, description="Seconds before a failed notice is tried again; doubles per attempt."
    )
    dns_timeout: float = Field(default=10.0, gt=0, description="Seconds a host name look-up may take.")
    connect_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to connect and fetch a search page or notice (packages get longer)."
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="Processes that parse, analyse and fit the CPV model (default: the cores; at most 4 fit).",
    )
    digest_retry_days: int = Field(
        default=7, ge=0, description="Days in which `run` retries a digest that could not be sent, then expires it."
    )
    lock_wait: float = Field(
        default=3600.0, ge=0, description="Seconds a scheduled job waits for the run lock another run holds."
    )
    abandon_after_hours: float = Field(
        default=24.0, gt=0, description="Hours after which a job run still 'running' on another host is abandoned."
    )
    scrapyd_url: str | None = Field(
        default=None,
        description="Scrapyd that `run` queues its crawls on (one job per source) instead of crawling here; "
        "http://[user:password@]host:6800/.",
    )
    scrapyd_project: str = Field(
        default="kansenradar", description="Scrapyd project the spiders were deployed as (scrapy.cfg's project)."
    )
    scrapyd_wait: float = Field(
        default=21600.0, gt=0, description="Seconds `run` waits for a Scrapyd crawl job, then cancels it (failed)."
    )

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/Amsterdam)") from None
        return value

    @field_validator("scrapyd_url")
    @classmethod
    def _scrapyd_url(cls, value: str | None) -> str | None:
        if value is not None:
            _http_url(value, "not an http:// or https:// URL of a Scrapyd server")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        # A short key can be guessed offline from one signed link; 32 characters is what `secrets.token_urlsafe()`
        # gives, and describe_error never repeats the value.
        if value is not None and len(value.get_secret_value().strip()) < 32:
            raise ValueError("too short: use at least 32 random characters (python3 -c 'import secrets; "
                             "print(secrets.token_urlsafe())')")  # fmt: skip
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = _http_url(value.strip(), "not an http:// or https:// address (e.g. https://kansen.example.org)")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("a base address takes no query, fragment or user name")
        # One form, so links are joined the same way everywhere: no trailing slash.
        return value.strip().rstrip("/")

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value  # "debug" works as with --log-level

    @field_validator("smtp_from")
    @classmethod
    def _smtp_from(cls, value: str) -> str:
        # Found only when the first digest is built, after a whole crawl and match, the next day again.
        spec = parseaddr(value)[1]
        problem = address_problem(spec) if spec else "no address"
        if problem:
            raise ValueError(f"{problem}; e.g. Kansenradar <kansenradar@example.org>")
        return value

    @field_validator("unsubscribe")
    @classmethod
    def _unsubscribe(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value.strip()).scheme.lower() not in ("mailto", "https"):
            raise ValueError("a mailto: or https: address (List-Unsubscribe takes no other)")
        return value.strip() if value is not None else None

    @property
    def zone(self) -> ZoneInfo:
        """Return the configured time zone."""
        return ZoneInfo(self.timezone)

    @field_validator("ted_countries", "ted_cpv", "ted_notice_types", "crawl_sources", "files_paths", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            # "none" says "an empty list" where an empty variable would mean "the default".
            return [part.strip() for part in value.split(",") if part.strip() and part.strip().lower() != "none"]
        return value


def load_settings(**overrides: object) -> Settings:
    """Return settings from the environment and ``.env``, with explicit overrides (CLI options) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def describe_error(error: ValidationError) -> str:
    """Return one line naming each setting a validation error is about ("KANSENRADAR_TIMEZONE: unknown ...")."""
    parts = []
    for item in error.errors():
        name = "KANSENRADAR_" + "_".join(str(p) for p in item["loc"]).upper() if item["loc"] else "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        # The value, unless secret or already named in the message ("unknown time zone 'Mars/Olympus'").
        secret = bool(item["loc"]) and item["loc"][0] in SECRETS
        shown = "input" in item and not secret and repr(item["input"]) not in message
        parts.append(f"{name}: {message} (got {item.get('input')!r})" if shown else f"{name}: {message}")
    return "; ".join(parts)
