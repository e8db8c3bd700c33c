"""Waiting on the processes and servers tests start.

Stopping a child is ``jobs.processes.stop`` and finding a free port is ``jobs.demo_web.free_port`` (``free_port(0)``
for any port): the tests use the product's helpers rather than copies of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T], *, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"
) -> T:
    """Call ``condition`` until it returns something truthy and return that; fail after ``timeout`` seconds.

    An exception from ``condition`` ends the wait at once: a condition that sees its process has exited raises
    rather than letting the test wait out the timeout.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout:g} s")
        time.sleep(interval)
