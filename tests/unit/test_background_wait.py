"""How long a page waits for a background result (ui/background.py): a moment while the results of
the dataset come that fast, not at all once one of its jobs (same kind, dataset, version) ran longer."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import pytest

from ui import background


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(background, "_JOBS", OrderedDict())
    monkeypatch.setattr(background, "_TOOK", OrderedDict())


def _slow(seconds: float, gate: threading.Event | None = None):
    def run(value):
        if gate is not None:
            gate.wait(60)
        time.sleep(seconds)
        return value

    return run


def test_no_wait_once_a_job_of_the_dataset_version_ran_longer(monkeypatch):
    monkeypatch.setattr(background, "INLINE_WAIT", 0.01)
    first = ("diagnosis", 7, 3, "spec A", "options")
    assert background.default_wait(first) == 0.01  # nothing known yet: the usual moment
    background.job(first, _slow(0.05), "A").result(60)  # 0.05 s > 0.01 s
    other_filter = ("diagnosis", 7, 3, "spec B", "options")
    assert background.default_wait(other_filter) == 0.0
    gate = threading.Event()
    assert background.result(other_filter, _slow(0.0, gate), "B") is None  # not waited for
    gate.set()  # (the pool's worker is free again for the next test)
    assert background.default_wait(("diagnosis", 7, 4, "spec A", "options")) == 0.01  # a new version: unknown
    assert background.default_wait(("diagnosis", 8, 3, "spec A", "options")) == 0.01  # another dataset


def test_fast_jobs_keep_the_wait_and_a_cache_hit_does_not_hide_a_slow_one(monkeypatch):
    monkeypatch.setattr(background, "INLINE_WAIT", 30.0)
    key = ("diagnosis", 1, 1, "spec", "options")
    assert background.result(key, lambda v: v * 2, 21) == 42  # ready within the wait: drawn at once
    assert background.default_wait(("diagnosis", 1, 1, "other spec", "options")) == 30.0
    monkeypatch.setattr(background, "INLINE_WAIT", 0.01)
    background.job(("diagnosis", 1, 1, "slow spec", "o"), _slow(0.05), 0).result(60)
    background.job(("diagnosis", 1, 1, "cached spec", "o"), lambda v: v, 0).result(60)  # instant, after it
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 0.0


def test_an_explicit_wait_is_kept():
    gate = threading.Event()
    key = ("report", 2, 1)
    assert background.result(key, _slow(0.0, gate), "x", wait=0.0) is None
    gate.set()
    assert background.result(key, _slow(0.0, gate), "x", wait=60) == "x"  # the same job, now done
