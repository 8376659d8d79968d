"""FunnelSpec: frozen, hashable, normalised so that equal choices are equal cache keys."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from funnel.spec import FunnelSpec, normalize_filters


def test_equal_choices_give_equal_hashable_specs():
    a = FunnelSpec(filters={"source": ["seo", "ads"], "manager": ["Ann"]}, date_from="2024-01-01")
    b = FunnelSpec(filters=[("manager", ("Ann",)), ("source", ("ads", "seo"))], date_from=date(2024, 1, 1))
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a.filters == (("manager", ("Ann",)), ("source", ("ads", "seo")))


def test_spec_is_frozen_and_replace_makes_a_new_one():
    spec = FunnelSpec()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.pipeline = "x"  # type: ignore[misc]
    assert spec.replace(closed_only=True).closed_only is True and spec.closed_only is False


def test_values_become_text_none_stays_and_empty_selection_drops():
    assert normalize_filters({"x_size": [1, None, "2"], "source": []}) == (("x_size", (None, "1", "2")),)
    assert normalize_filters({"source": "ads"}) == (("source", ("ads",)),)
    assert normalize_filters(None) == ()


def test_dates_are_dates_and_date_field_is_checked():
    spec = FunnelSpec(date_from=datetime(2024, 1, 2, 15, 0), date_to="2024-01-31T00:00:00")
    assert (spec.date_from, spec.date_to) == (date(2024, 1, 2), date(2024, 1, 31))
    with pytest.raises(ValueError):
        FunnelSpec(date_field="updated")
    assert FunnelSpec(filters={"source": ["a"]}).filter_dict == {"source": ["a"]}
