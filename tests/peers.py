"""The real peers some tests need (PostgreSQL, Chromium): skipped where they are missing, unless told they are there.

``.ci/run`` sets ``KANSENRADAR_TEST_REQUIRE_PEERS=1`` once it has started PostgreSQL and found Chromium; a test
that would then skip for want of them fails instead, so a green CI run means they really ran.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRED = os.environ.get("KANSENRADAR_TEST_REQUIRE_PEERS") == "1"


def missing(reason: str) -> NoReturn:
    """Skip for ``reason``, or fail when the peers are required."""
    if REQUIRED:
        pytest.fail(f"{reason}; KANSENRADAR_TEST_REQUIRE_PEERS=1 says it is there", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
