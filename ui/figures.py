"""The pages' Plotly figures, built once per set of inputs and shared by every session of the process.

Building a figure is most of a cached page run's own work: Plotly validates every property as it is
set (the Overview's small funnel ~8 ms, the Funnel page's cohort chart, the A/B and Velocity charts
more), on every rerun, for every viewer, while the numbers behind it come from the cache in
microseconds. The builders (``funnel/charts.py``, ``funnel/ab_charts.py``,
``funnel/velocity/charts.py``) are pure functions of their arguments, so a figure is remembered
under the **exact bytes of its arguments** (``pickle``: the rows, the translated labels, the
language): the same inputs give the same figure, any difference in them (another dataset's rows,
another filter's numbers, another language) is another key. A figure holds nothing its arguments
do not, so sharing it can never show one user's data to another.

Callers must not change a figure they get (Streamlit's ``st.plotly_chart`` copies it before sending;
the report, which restyles its figures, calls the builders directly). Arguments that cannot be
pickled build the figure every time.
"""

from __future__ import annotations

import functools
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from funnel import ab_charts, charts
from funnel.velocity import charts as velocity_charts

F = TypeVar("F", bound=Callable[..., Any])
MAX_FIGURES = 256  # figures kept per process (least recently used dropped first); each is a few KB

_LOCK = threading.Lock()
_FIGURES: OrderedDict[bytes, Any] = OrderedDict()
STATS = {"built": 0, "shared": 0}  # for tests and benchmarks


def _key(build: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> bytes | None:
    try:
        return pickle.dumps((build.__module__, build.__qualname__, args, sorted(kwargs.items())),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an argument that cannot be pickled: no sharing, the figure is built each time
        return None


def shared(build: F) -> F:
    """``build`` remembered by its arguments, process-wide (see the module's docstring)."""

    @functools.wraps(build)
    def cached(*args: Any, **kwargs: Any) -> Any:
        key = _key(build, args, kwargs)
        if key is not None:
            with _LOCK:
                figure = _FIGURES.get(key)
                if figure is not None:
                    _FIGURES.move_to_end(key)
                    STATS["shared"] += 1
                    return figure
        figure = build(*args, **kwargs)  # outside the lock: two sessions may build the same once each
        with _LOCK:
            STATS["built"] += 1
            if key is not None:
                _FIGURES[key] = figure
                while len(_FIGURES) > MAX_FIGURES:
                    _FIGURES.popitem(last=False)
        return figure

    return cached  # type: ignore[return-value]


def clear() -> None:
    with _LOCK:
        _FIGURES.clear()


funnel_figure = shared(charts.funnel_figure)
overlay_figure = shared(charts.overlay_figure)
cohort_figure = shared(charts.cohort_figure)
ab_figure = shared(ab_charts.ab_figure)
time_in_stage_figure = shared(velocity_charts.time_in_stage_figure)
cycle_trend_figure = shared(velocity_charts.cycle_trend_figure)
