"""Run the CLI as ``python -m jobs``."""

from jobs.cli import cli

cli()
