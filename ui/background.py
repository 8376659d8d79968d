"""Slow, shared computations kept off a page run's critical path.

The Overview's top findings run the whole audit (``diagnose``: every finding code, the stage-time
pairing of all stage entries): at 1M deals ~90 % of a filter change (README, "A page rerun"), while
the page's own numbers take a tenth of a second. :func:`result` starts such a computation in a
small process-wide pool and waits a moment for it; a page that gets ``None`` draws the rest and a
placeholder (:func:`poll_until_ready`), which reruns the page once the result is there.

A job is keyed by everything its result depends on (dataset id and version, filters, options), so
every viewer asking the same question shares one run, and a new import (a new version) never gets
an old result. A job that failed is dropped: the next run that asks tries again and shows its error.

The wait is for small data, where the result comes within a moment and a placeholder would only
flicker. While the last job of the same family (a tuple key's first three items: kind, dataset
id, version) ran over twice as long as the wait, a page does not wait at all: at 1M deals the audit takes
seconds whatever the filters, and each new filter's page used to sit a full second idle before
drawing its placeholder (most of a filter change's time, README "A page rerun").
"""

from __future__ import annotations

import threading
import time
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
# no wait once the last job took over twice the wait: near the wait it may well come in time (the
# samples' audit on a busy machine), far beyond it (1M deals: seconds) it will not
SLOW_FACTOR = 2.0
CACHE_HIT_SECONDS = 0.05  # a job this quick found its result cached: its time is not its cost

_LOCK = threading.Lock()
_JOBS: OrderedDict[Hashable, Future] = OrderedDict()
_POOL: list[ThreadPoolExecutor] = []
_TOOK: OrderedDict[Hashable, float] = OrderedDict()  # family -> seconds its last computing job ran
_clock = time.monotonic


def _pool() -> ThreadPoolExecutor:
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="funnel-background"))
    return _POOL[0]


def family(key: Hashable) -> Hashable:
    """What jobs of a similar cost share: a tuple key's first three items (kind, dataset id, version)."""
    return key[:3] if isinstance(key, tuple) else key


def _timed(kind: Hashable, fn: Callable[..., Any], *args: Any) -> Any:
    start = _clock()
    try:
        return fn(*args)
    finally:
        took = _clock() - start
        with _LOCK:
            # the last job that computed something: a result found in Streamlit's cache comes back
            # at once and says nothing of what a new filter costs (nor does it reset a slow family)
            if took >= CACHE_HIT_SECONDS or kind not in _TOOK:
                _TOOK[kind] = took
            _TOOK.move_to_end(kind)
            while len(_TOOK) > MAX_JOBS:
                _TOOK.popitem(last=False)


def job(key: Hashable, fn: Callable[..., Any], *args: Any) -> Future:
    """The running or finished job for ``key``; started with ``fn(*args)`` if there is none."""
    with _LOCK:
        future = _JOBS.get(key)
        if future is not None and future.done() and future.exception() is not None:
            future = None  # failed: try again
        if future is None:
            future = _pool().submit(_timed, family(key), fn, *args)
            _JOBS[key] = future
        _JOBS.move_to_end(key)
        while len(_JOBS) > MAX_JOBS:
            oldest = next(iter(_JOBS))
            if not _JOBS[oldest].done():
                break
            _JOBS.popitem(last=False)
        return future


def default_wait(key: Hashable) -> float:
    """:data:`INLINE_WAIT` (read at call time), or 0 when the last job of the key's family took over
    :data:`SLOW_FACTOR` times that."""
    with _LOCK:
        took = _TOOK.get(family(key))
    return 0.0 if took is not None and took > SLOW_FACTOR * INLINE_WAIT else INLINE_WAIT


def result(key: Hashable, fn: Callable[..., Any], *args: Any, wait: float | None = None) -> Any | None:
    """``fn(*args)``, shared by every session, if it is ready within ``wait`` seconds (default
    :func:`default_wait`); else None (it goes on in the background). An exception of ``fn`` is
    raised here."""
    try:
        return job(key, fn, *args).result(timeout=default_wait(key) if wait is None else wait)
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
