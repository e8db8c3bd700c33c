"""The one settings object: environment variables prefixed ``KANSENRADAR_`` and an optional ``.env`` file.

Built once by the CLI and passed down as plain values; library packages never read the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


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
    cpv_labels: Path | None = Field(
        default=None, description="CSV of the full CPV code list (CODE, NL, EN columns) for labels in reasons."
    )
    crawl_sources: CommaList = Field(
        default=["ted"], description="Sources `kansenradar run` crawls, comma-separated (ted, tenderned, ocds, ...)."
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
    timezone: str = Field(default="Europe/Amsterdam", description="Time zone of the schedule.")
    crawl_first_days: int = Field(
        default=14, ge=1, description="How far back the first crawl of a source goes, in days."
    )
    crawl_delay: float = Field(default=0.5, ge=0, description="Seconds between requests to one site (AutoThrottle).")
    retry_backoff: float = Field(default=2.0, ge=0, description="First retry wait in seconds; doubles per retry.")

    @field_validator("ted_countries", "ted_cpv", "ted_notice_types", "crawl_sources", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            # "none" says "an empty list" where an empty variable would mean "the default".
            return [part.strip() for part in value.split(",") if part.strip() and part.strip().lower() != "none"]
        return value


def load_settings(**overrides: object) -> Settings:
    """Return settings from the environment and ``.env``, with explicit overrides (CLI options) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
