"""Access to ``../shared/data``: the real notices the tests read, skipping with a reason where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SKIP_REASON = f"shared test data not found at {SHARED_DATA} (it is beside the project in CI)"


def shared(*parts: str) -> Path:
    """Return a path under the shared data folder, skipping the test when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SKIP_REASON)
    return SHARED_DATA.joinpath(*parts)


def shared_files(folder: str, pattern: str = "*.xml") -> list[Path]:
    """Return the files of a shared folder for parametrisation (empty when the folder is absent)."""
    directory = SHARED_DATA / folder
    return sorted(directory.glob(pattern)) if directory.is_dir() else []
