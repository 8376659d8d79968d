"""Cached engine calls, keyed by ``(dataset id, version, spec, ...)`` — plain hashable arguments.

Never a DataFrame as an argument (Streamlit would hash a sample of it); the store connection is
opened inside the cached function, so a cache hit costs no database work at all. Every change of a
stored dataset (an edit after import, a refresh, a rename, a snapshot link) bumps its version, which is
part of every key, so stale results are never served (``tests/unit/test_dataset_version.py``).
Only :func:`drill` returns rows (at most 10,000, see ``funnel.metrics.drill.LIMIT``).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from funnel import metrics
from funnel.dataset import DatasetInfo
from funnel.metrics.context import resolve
from funnel.metrics.entry_points import group_values as _group_values
from funnel.spec import FunnelSpec
from funnel.store import Store

from .context import get_store

# Frozen dataclasses hash by their repr: deterministic for dates, strings and tuples.
HASH: dict[str | type[Any], Callable[[Any], Any]] = {FunnelSpec: repr, metrics.Selection: repr}
MAX_VALUES = 300  # a column with more distinct values is no filter for a sidebar


_MEMO_LOCK = threading.Lock()
_MEMO: weakref.WeakKeyDictionary[Store, OrderedDict[tuple, Any]] = weakref.WeakKeyDictionary()
MAX_MEMO = 1024


def in_process_memo(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (an ``st.cache_data`` function with hashable arguments and an immutable result: a
    string, None or a tuple) answered from a plain dict once it has been asked: the sidebar asks
    for every filter column's values and the default pipeline on every run of every viewer, and
    Streamlit's cache hashes and unpickles on each hit (~2/3 of the cache's cost in a page run).
    The dict belongs to the process's store (a new store, e.g. another data folder in tests,
    starts empty); its keys carry the dataset's version like every key here."""

    @functools.wraps(fn)
    def remembered(*args: Any) -> Any:
        store = get_store()
        key = (fn.__name__, *args)
        try:
            hash(key)
        except TypeError:  # not hashable: Streamlit's cache alone
            return fn(*args)
        with _MEMO_LOCK:
            memo = _MEMO.setdefault(store, OrderedDict())
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        value = fn(*args)
        with _MEMO_LOCK:
            memo[key] = value
            while len(memo) > MAX_MEMO:
                memo.popitem(last=False)
        return value

    return remembered


def _info(dataset_id: int) -> DatasetInfo:
    return get_store().info(dataset_id)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=256)
def overview(dataset_id: int, version: int, spec: FunnelSpec) -> metrics.Overview:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.overview(con, info, spec)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=256)
def outcomes(dataset_id: int, version: int, spec: FunnelSpec) -> metrics.Outcomes:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.outcomes(con, info, spec)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=128)
def outcomes_by_group(dataset_id: int, version: int, spec: FunnelSpec, by: str) -> dict[Any, metrics.Outcomes]:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.outcomes_by_group(con, info, spec, by)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=128)
def cohorts(dataset_id: int, version: int, spec: FunnelSpec, unit: str) -> metrics.CohortTable:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.cohorts(con, info, spec, unit)


@in_process_memo
@st.cache_data(show_spinner=False, max_entries=128)
def findings_of(dataset_id: int, version: int, code: str) -> list[dict]:
    """The parameters of the dataset's import findings of ``code`` (funnel/quality_report.py)."""
    from funnel.quality_report import details_of

    info = _info(dataset_id)
    if "quality" not in info.tables:
        return []
    with get_store().connect(info) as con:
        return details_of(con, info, code)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=128)
def pipeline_of(dataset_id: int, version: int, spec: FunnelSpec) -> str | None:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.pipeline_of(con, info, spec)


def group_values(dataset_id: int, version: int, pipeline: str | None, column: str) -> list[str | None] | None:
    """Distinct values of ``column`` in the pipeline; ``None`` when there are too many to list."""
    values = _group_values_shared(dataset_id, version, pipeline, column)
    return None if values is None else list(values)


@in_process_memo
@st.cache_data(show_spinner=False, max_entries=256)
def _group_values_shared(dataset_id: int, version: int, pipeline: str | None,
                         column: str) -> tuple[str | None, ...] | None:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        ctx = resolve(con, info, FunnelSpec(pipeline=pipeline))
        values = _group_values(con, ctx, column)
    return None if len(values) > MAX_VALUES else tuple(values)


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=16)
def drill(dataset_id: int, version: int, spec: FunnelSpec, selection: metrics.Selection,
          sort: str | None = None, descending: bool = False) -> metrics.DrillResult:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.deals_behind(con, info, spec, selection, sort, descending)
