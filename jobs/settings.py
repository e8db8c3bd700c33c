"""The one settings object: environment variables prefixed ``KANSENRADAR_`` and an optional ``.env`` file.

Built once by the CLI and passed down as plain values; library packages never read the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Kansenradar's configuration (see the README's configuration table)."""

    model_config = SettingsConfigDict(
        env_prefix="KANSENRADAR_", env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True
    )

    database_url: str = Field(
        default="sqlite:///./kansenradar.db",
        description="SQLAlchemy URL of the database: an SQLite file, or postgresql://user:pass@host/db.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Least severe log level written to stderr."
    )
    log_format: Literal["text", "json"] = Field(default="text", description="Log line format.")
    outbox: Path = Field(default=Path("outbox"), description="Folder for .eml files when mail is not sent by SMTP.")


def load_settings(**overrides: object) -> Settings:
    """Return settings from the environment and ``.env``, with explicit overrides (CLI options) on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
