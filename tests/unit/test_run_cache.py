"""What a page run no longer recomputes (issue #14, many viewers): the sidebar's filter values and
default pipeline answered from a dict of the process's store (ui/cache.py), a dataset's
capabilities parsed once per catalog row object (funnel/dataset.py)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from funnel.capabilities import Capabilities
from funnel.dataset import DatasetInfo
from ui import cache


class FakeStore:
    """Stands in for the process's store: ``connect`` yields nothing the fakes below need."""

    @contextmanager
    def connect(self, info=None):
        yield None


@pytest.fixture
def engine(monkeypatch):
    """The engine's distinct values, counted: dataset 9001 has managers Ann and Bob, 9002 has Cy."""
    calls: list[tuple[int, str]] = []
    values = {9001: ["Ann", "Bob", None], 9002: ["Cy"]}
    store = FakeStore()
    monkeypatch.setattr(cache, "get_store", lambda: store)
    monkeypatch.setattr(cache, "_info", lambda dataset_id: DatasetInfo(dataset_id, "d", 1, "deals", {}))
    monkeypatch.setattr(cache, "resolve", lambda con, info, spec: info)

    def distinct(con, ctx, column):
        calls.append((ctx.id, column))
        return list(values[ctx.id])

    monkeypatch.setattr(cache, "_group_values", distinct)
    return calls, store


def test_filter_values_are_asked_once_per_dataset_version(engine, monkeypatch):
    calls, _ = engine
    first = cache.group_values(9001, 1, None, "manager")
    assert first == ["Ann", "Bob", None] and calls == [(9001, "manager")]
    first.append("changed by a caller")
    assert cache.group_values(9001, 1, None, "manager") == ["Ann", "Bob", None]  # no caller changes it
    assert len(calls) == 1
    assert cache.group_values(9002, 1, None, "manager") == ["Cy"]  # another dataset: its own values
    assert cache.group_values(9001, 2, None, "manager") == ["Ann", "Bob", None]  # a new version asks again
    assert calls == [(9001, "manager"), (9002, "manager"), (9001, "manager")]


def test_a_new_store_starts_with_nothing_remembered(engine, monkeypatch):
    calls, _ = engine
    remembered = cache.in_process_memo(lambda dataset_id, version: calls.append(("direct", dataset_id)) or "p")
    assert remembered(9003, 1) == remembered(9003, 1) == "p"
    assert calls == [("direct", 9003)]
    other = FakeStore()  # e.g. another data folder: its dataset 9003 is another dataset
    monkeypatch.setattr(cache, "get_store", lambda: other)
    assert remembered(9003, 1) == "p"
    assert calls == [("direct", 9003), ("direct", 9003)]


def test_unhashable_arguments_are_not_remembered(engine):
    calls, _ = engine
    remembered = cache.in_process_memo(lambda items: calls.append(tuple(items)) or len(items))
    assert remembered([1, 2]) == remembered([1, 2]) == 2
    assert calls == [(1, 2), (1, 2)]


def test_capabilities_are_parsed_once_per_catalog_row_object():
    stored = Capabilities(shape="deals", n_deals=3, has_deals=True, currencies=("RUB",)).to_json()
    info = DatasetInfo(5, "Deals", 2, "deals", {"capabilities": stored})
    caps = info.capabilities
    assert caps is info.capabilities and caps.n_deals == 3 and caps.currencies == ("RUB",)
    assert info == DatasetInfo(5, "Deals", 2, "deals", {})  # equality and hash ignore what was parsed
    assert hash(info) == hash(DatasetInfo(5, "Deals", 2, "deals", {}))
    assert DatasetInfo(6, "Counts", 1, "counts", {}).capabilities == Capabilities(shape="counts")
