"""Slow, shared computations kept off a page run's critical path.

The Overview's top findings run the whole audit (``diagnose``: every finding code, the stage-time
pairing of all stage entries): at 1M deals ~90 % of a filter change (README, "A page rerun"), while
the page's own numbers take a tenth of a second. :func:`result` starts such a computation in a
small process-wide pool and waits a moment for it; a page that gets ``None`` draws the rest and a
placeholder (:func:`poll_until_ready`), which reruns the page once the result is there.

A job is keyed by everything its result depends on (dataset id and version, filters, options), so
every viewer asking the same question shares one run, and a new import (a new version) never gets
an old result. A job that failed is dropped: the next run that asks tries again and shows its error.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import streamlit as st

WORKERS = 2  # two cores: more parallel audits would only slow each other (DuckDB uses both cores)
MAX_JOBS = 64  # finished results kept (oldest dropped first)
INLINE_WAIT = 1.0  # seconds a page waits before drawing the placeholder (small data: no placeholder)
POLL_SECONDS = 1.0

_LOCK = threading.Lock()
_JOBS: OrderedDict[Hashable, Future] = OrderedDict()
_POOL: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="funnel-background"))
    return _POOL[0]


def job(key: Hashable, fn: Callable[..., Any], *args: Any) -> Future:
    """The running or finished job for ``key``; started with ``fn(*args)`` if there is none."""
    with _LOCK:
        future = _JOBS.get(key)
        if future is not None and future.done() and future.exception() is not None:
            future = None  # failed: try again
        if future is None:
            future = _pool().submit(fn, *args)
            _JOBS[key] = future
        _JOBS.move_to_end(key)
        while len(_JOBS) > MAX_JOBS:
            oldest = next(iter(_JOBS))
            if not _JOBS[oldest].done():
                break
            _JOBS.popitem(last=False)
        return future


def result(key: Hashable, fn: Callable[..., Any], *args: Any, wait: float | None = None) -> Any | None:
    """``fn(*args)``, shared by every session, if it is ready within ``wait`` seconds (default
    :data:`INLINE_WAIT`, read at call time); else None (it goes on in the background). An exception
    of ``fn`` is raised here."""
    try:
        return job(key, fn, *args).result(timeout=INLINE_WAIT if wait is None else wait)
    except FutureTimeout:
        return None


def ready(key: Hashable) -> bool:
    with _LOCK:
        future = _JOBS.get(key)
    return future is None or future.done()


def poll_until_ready(key: Hashable, text: str) -> None:
    """A line saying ``text`` that reruns the whole page as soon as the job ``key`` is done."""

    @st.fragment(run_every=POLL_SECONDS)
    def placeholder() -> None:
        if ready(key):
            st.rerun()
        st.caption(text)

    placeholder()
