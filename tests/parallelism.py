"""The machine's facts the benchmarks report with their figures."""

from __future__ import annotations

from crawler.parsing import workers as cores

__all__ = ["cores"]  # the cores this process may use
