"""Child processes that never outlive the command that started them.

``run`` crawls in child processes (Twisted's reactor cannot be restarted). A child gets SIGTERM when its parent
dies, even by ``kill -9`` (Linux ``PR_SET_PDEATHSIG``), and ``run`` itself stops its children when it receives
SIGTERM or SIGINT, so no crawl keeps writing after the run that owned it has gone.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from crawler.lifetime import die_with_parent

logger = logging.getLogger(__name__)

# How long a child may take to close its crawl and record it (Scrapy finishes the downloads in flight, each
# bounded by the connect timeout) before it is killed.
GRACE_SECONDS = 45.0
_children: set[subprocess.Popen[bytes]] = set()
_asked: set[int] = set()  # children already sent SIGTERM: a second one makes Scrapy stop without recording


class Interrupted(BaseException):
    """Raised in the parent when SIGTERM or SIGINT arrived, after its children were stopped.

    A ``BaseException``, like ``KeyboardInterrupt``: the steps of a run catch ``Exception`` to go on with the next
    step when one fails, and a stop the operator asked for is no step failing (a run went on to send the digests).
    """

    def __init__(self, signum: int, *, crawling: bool = False) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum
        self.crawling = crawling  # whether crawl children were running (and were stopped)


def _terminate(process: subprocess.Popen[Any]) -> None:
    if process.pid not in _asked:
        _asked.add(process.pid)
        process.terminate()


def stop(process: subprocess.Popen[Any], grace: float = GRACE_SECONDS) -> None:
    """Ask a child to stop (SIGTERM), and kill it when it has not stopped after ``grace`` seconds."""
    if process.poll() is None:
        _terminate(process)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("Child %d did not stop within %.0f s; killing it", process.pid, grace)
            process.kill()
            process.wait()
    _asked.discard(process.pid)  # the pid is free again: a later child may get it


def run_child(command: Sequence[str], *, env: dict[str, str] | None = None) -> int:
    """Run a command as a child that dies with this process; return its exit code."""
    parent = os.getpid()
    # In a session of its own: Ctrl-C reaches the terminal's whole process group, and a crawl that got SIGINT and
    # then this process's SIGTERM took the second signal as "stop now", without recording its run.
    process = subprocess.Popen(list(command), env=env, preexec_fn=lambda: die_with_parent(parent),
                               start_new_session=True)  # fmt: skip
    _children.add(process)
    try:
        return process.wait()
    finally:
        stop(process)
        _children.discard(process)


def stop_children() -> int:
    """Ask every running child to stop (SIGTERM, once each); return how many are still running.

    Only signals: a signal handler calls this while the main thread may be inside ``Popen.wait()``, whose lock a
    wait here would deadlock on. ``run_child`` waits for the child (and kills it after the grace time).
    """
    running = [child for child in list(_children) if child.poll() is None]
    for child in running:
        _terminate(child)
    return len(running)


def children_text(count: int, before: str) -> str:
    """Return "N child process(es)" after ``before``, or nothing for none: a stop with no crawl running names none.

    >>> children_text(1, " and "), children_text(2, " "), children_text(0, " ")
    (' and 1 child process', ' 2 child processes', '')
    """
    return f"{before}{count} child process{'' if count == 1 else 'es'}" if count else ""


@contextmanager
def stop_children_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT stop every child first, then raise ``Interrupted``."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        # ``run_child`` waits for the children (and kills them after the grace time) as the exception unwinds.
        stopped = stop_children()
        logger.warning("Received %s: stopping%s", signal.Signals(signum).name, children_text(stopped, " "))
        raise Interrupted(signum, crawling=bool(stopped))

    previous = {signum: signal.signal(signum, handle) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def alive(pid: int) -> bool:
    """Return whether a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
