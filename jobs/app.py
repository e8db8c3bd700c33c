"""What every command shares: the settings and one engine, opened on first use with the schema brought up to date."""

from __future__ import annotations

import logging
from functools import cached_property

import click
from sqlalchemy.engine import Engine

from jobs.settings import Settings
from storage.db import ensure_schema, get_engine

logger = logging.getLogger(__name__)


class App:
    """Per-invocation state handed to each command through click's context."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        """Return the engine, creating or upgrading the schema the first time (no separate set-up step)."""
        engine = get_engine(self.settings.database_url)
        ensure_schema(engine)
        return engine

    def close(self) -> None:
        """Release the engine's connections."""
        if "engine" in self.__dict__:
            self.engine.dispose()


def app_from(ctx: click.Context) -> App:
    """Return the App the ``kansenradar`` group put on the context."""
    app = ctx.find_object(App)
    if app is None:
        raise click.UsageError("run this command through the kansenradar group")
    return app
