"""Cached engine calls, keyed by ``(dataset id, version, spec, ...)`` — plain hashable arguments.

Never a DataFrame as an argument (Streamlit would hash a sample of it); the store connection is
opened inside the cached function, so a cache hit costs no database work at all. Every change of a
stored dataset (an edit after import, a refresh, a rename, a snapshot link) bumps its version, which is
part of every key, so stale results are never served (``tests/unit/test_dataset_version.py``).
Only :func:`drill` returns rows (at most 10,000, see ``funnel.metrics.drill.LIMIT``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel import metrics
from funnel.dataset import DatasetInfo
from funnel.metrics.context import resolve
from funnel.metrics.entry_points import group_values as _group_values
from funnel.spec import FunnelSpec

from .context import get_store

# Frozen dataclasses hash by their repr: deterministic for dates, strings and tuples.
HASH = {FunnelSpec: repr, metrics.Selection: repr}
MAX_VALUES = 300  # a column with more distinct values is no filter for a sidebar


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


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=128)
def pipeline_of(dataset_id: int, version: int, spec: FunnelSpec) -> str | None:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.pipeline_of(con, info, spec)


@st.cache_data(show_spinner=False, max_entries=256)
def group_values(dataset_id: int, version: int, pipeline: str | None, column: str) -> list[str | None] | None:
    """Distinct values of ``column`` in the pipeline; ``None`` when there are too many to list."""
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        ctx = resolve(con, info, FunnelSpec(pipeline=pipeline))
        values = _group_values(con, ctx, column)
    return None if len(values) > MAX_VALUES else values


@st.cache_data(show_spinner=False, hash_funcs=HASH, max_entries=16)
def drill(dataset_id: int, version: int, spec: FunnelSpec, selection: metrics.Selection,
          sort: str | None = None, descending: bool = False) -> metrics.DrillResult:
    info = _info(dataset_id)
    with get_store().connect(info) as con:
        return metrics.deals_behind(con, info, spec, selection, sort, descending)
