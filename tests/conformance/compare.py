"""Deep comparison of two results: same structure, same values, floats to 1e-9 relative.

Dataclasses field by field, mappings key by key, sequences in order (a page shows rows in the
order it gets them), numpy arrays and pandas frames element by element; NaN equals NaN. The
first difference is reported with its path (``overview.outcomes.stages[3].reached``).
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

REL = 1e-9
ABS = 1e-9  # a value computed as 0 on one engine and 1e-17 on another (sums in another order)


def differences(a: Any, b: Any, path: str = "") -> str | None:
    """The first difference between ``a`` and ``b`` as ``path: a != b``, or None."""
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        if not (isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)):
            return f"{path}: {type(a).__name__} != {type(b).__name__}"
        if list(a.columns) != list(b.columns) or len(a) != len(b):
            return f"{path}: columns/rows {list(a.columns)}x{len(a)} != {list(b.columns)}x{len(b)}"
        for col in a.columns:
            diff = differences(_cells(a[col]), _cells(b[col]), f"{path}[{col}]")
            if diff:
                return diff
        return None
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        return differences(_cells(a), _cells(b), path)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return differences(list(np.asarray(a).tolist()), list(np.asarray(b).tolist()), path)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return f"{path}: {type(a).__name__} != {type(b).__name__}"
        for f in dataclasses.fields(a):
            if f.name == "info":  # the DatasetInfo the result carries: the same object by design
                continue
            diff = differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
            if diff:
                return diff
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            diff = differences(a[key], b[key], f"{path}[{key!r}]")
            if diff:
                return diff
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = differences(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if _number(a) and _number(b):
        fa, fb = float(a), float(b)
        if math.isnan(fa) and math.isnan(fb):
            return None
        return None if math.isclose(fa, fb, rel_tol=REL, abs_tol=ABS) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, (datetime, date, pd.Timestamp)) and isinstance(b, (datetime, date, pd.Timestamp)):
        return None if pd.Timestamp(a) == pd.Timestamp(b) else f"{path}: {a!r} != {b!r}"
    if type(a) is not type(b) and not (_missing(a) and _missing(b)):
        return f"{path}: {a!r} ({type(a).__name__}) != {b!r} ({type(b).__name__})"
    return None if a == b or (_missing(a) and _missing(b)) else f"{path}: {a!r} != {b!r}"


def _cells(series: pd.Series) -> list[Any]:
    return [None if _missing(v) else v for v in series.tolist()]


def _number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (str, bytes)) else False
    except (TypeError, ValueError):
        return False
