"""What every command shares: the settings and one engine, opened on first use with the schema brought up to date."""

from __future__ import annotations

import logging
from functools import cached_property
from zoneinfo import ZoneInfo

import click
from sqlalchemy.engine import Engine

from jobs.settings import Settings
from storage.db import check_connection, current_revision, describe, ensure_schema, get_engine
from storage.exceptions import DatabaseMissingError

logger = logging.getLogger(__name__)


def _ready(engine: Engine, *, new: bool = True) -> Engine:
    """Return ``engine`` once it connects and its schema is current; dispose of it when either fails. Without
    ``new``, a database without Kansenradar's schema (an empty one, or another application's) is refused, not set up.
    """
    try:
        check_connection(engine)
        if not new and current_revision(engine) is None:
            raise DatabaseMissingError(f"no Kansenradar database at {describe(engine)} (a crawl or `kansenradar db "
                                       "upgrade` creates one)")  # fmt: skip
        ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


class App:
    """Per-invocation state handed to each command through click's context."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def zone(self) -> ZoneInfo:
        """Return the configured time zone (KANSENRADAR_TIMEZONE)."""
        return self.settings.zone

    @cached_property
    def engine(self) -> Engine:
        """Return the engine, creating or upgrading the schema the first time (no separate set-up step)."""
        return _ready(get_engine(self.settings.database_url))

    @cached_property
    def reader(self) -> Engine:
        """Return an engine for commands that only read: an existing database, never a new one at a typo's path."""
        if "engine" in self.__dict__:
            return self.engine
        return _ready(get_engine(self.settings.database_url, create=False), new=False)

    def close(self) -> None:
        """Release the engines' connections."""
        for name in ("engine", "reader"):
            if name in self.__dict__:
                self.__dict__[name].dispose()


def app_from(ctx: click.Context) -> App:
    """Return the App the ``kansenradar`` group put on the context."""
    app = ctx.find_object(App)
    if app is None:
        raise click.UsageError("run this command through the kansenradar group")
    return app
