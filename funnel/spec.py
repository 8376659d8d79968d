"""The frozen question a page asks of a dataset: which pipeline, which dates, which filters, which view.

A :class:`FunnelSpec` is built once per page run and passed down to every metric function. It is
hashable, so ``(dataset id, version, spec)`` is the cache key. It only *holds* the choices: column
names in ``filters`` are checked against the dataset's real columns when a query is built
(:mod:`funnel.metrics.filters`), never trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

DATE_FIELDS = ("created", "closed")

FilterItems = tuple[tuple[str, tuple[str | None, ...]], ...]


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _value_key(value: str | None) -> tuple[int, str]:
    return (0, "") if value is None else (1, value)


def normalize_filters(filters: Mapping[str, Iterable[Any]] | Iterable[tuple[str, Iterable[Any]]] | None) -> FilterItems:
    """``{"source": ["ads", "seo"]}`` or pairs -> a sorted tuple of ``(column, (values...))``.

    Values become text (every filterable column is VARCHAR); ``None`` means "no value". A column
    with no values selected is dropped (no filter), so equal choices give equal specs.
    """
    if not filters:
        return ()
    pairs = filters.items() if isinstance(filters, Mapping) else filters
    merged: dict[str, set[str | None]] = {}
    for column, values in pairs:
        if isinstance(values, str | bytes) or values is None:
            values = [values]
        bucket = merged.setdefault(str(column), set())
        bucket.update(None if v is None else str(v) for v in values)
    return tuple(
        (column, tuple(sorted(values, key=_value_key)))
        for column, values in sorted(merged.items())
        if values
    )


@dataclass(frozen=True)
class FunnelSpec:
    """What to compute. ``date_to`` is inclusive; stages are named as in the ``stages`` table."""

    pipeline: str | None = None
    date_field: str = "created"
    date_from: date | None = None
    date_to: date | None = None
    filters: FilterItems = field(default=())
    closed_only: bool = False
    close_rate_stage: str | None = None
    fit_from: str | None = None
    fit_to: str | None = None

    def __post_init__(self) -> None:
        if self.date_field not in DATE_FIELDS:
            raise ValueError(f"date_field must be one of {DATE_FIELDS}: {self.date_field!r}")
        object.__setattr__(self, "date_from", _as_date(self.date_from))
        object.__setattr__(self, "date_to", _as_date(self.date_to))
        object.__setattr__(self, "filters", normalize_filters(self.filters))
        object.__setattr__(self, "closed_only", bool(self.closed_only))

    def replace(self, **changes: Any) -> FunnelSpec:
        return replace(self, **changes)

    @property
    def filter_dict(self) -> dict[str, list[str | None]]:
        return {column: list(values) for column, values in self.filters}
