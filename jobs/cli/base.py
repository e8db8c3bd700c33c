"""What every command shares: the click group class that turns failures into one-line errors, and exit codes.

Exit codes: 0 done; 1 a step failed (the rest is stored); 2 configuration or usage error (the message names the
setting or argument); 3 another run holds the lock. No traceback unless ``--log-level debug``.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from jobs.settings import SettingsError
from storage.exceptions import DatabaseMissingError, DatabaseUnavailableError, DatabaseURLError, StorageError

logger = logging.getLogger(__name__)

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
OK, FAILED, CONFIG_ERROR, LOCKED = 0, 1, 2, 3


class ConfigError(click.ClickException):
    """A setting or argument makes the command impossible; exit code 2."""

    exit_code = CONFIG_ERROR


class Locked(click.ClickException):
    """Another run holds the lock; exit code 3."""

    exit_code = LOCKED


def database_error(exc: StorageError) -> click.ClickException:
    """Return the one-line error for a storage failure, naming the setting where one is to blame."""
    if isinstance(exc, DatabaseURLError | DatabaseMissingError | DatabaseUnavailableError):
        return ConfigError(f"KANSENRADAR_DATABASE_URL (or --database-url): {exc}")
    return click.ClickException(str(exc))


def _one_line(text: str) -> str:
    return " ".join(text.split())


class Cli(click.Group):
    """A click group whose errors are one line on stderr with a meaningful exit code, never a traceback.

    Unexpected exceptions are logged with their traceback at DEBUG level only, and end the command with exit 1.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except StorageError as exc:
            raise database_error(exc) from None
        except SettingsError as exc:
            raise ConfigError(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:
            raise  # `| head` stopped reading: click ends the command quietly (exit 1, as Python's own recipe does)
        except Exception as exc:
            logger.debug("Traceback of the failure", exc_info=True)
            raise click.ClickException(
                f"{type(exc).__name__}: {_one_line(str(exc))} (run with --log-level debug for the traceback)"
            ) from None

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.ClickException as exc:
            click.echo(f"Error: {_one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(FAILED)
        sys.exit(code if isinstance(code, int) else OK)
