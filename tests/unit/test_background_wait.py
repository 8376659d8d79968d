"""How long a page waits for a background result (ui/background.py): a moment (1 s here) while the
last job of the dataset version (same kind, dataset, version) took up to twice that, not at all
while it took more. The jobs' durations come from a scripted clock: each job moves it on by the seconds it "takes"."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pytest

from ui import background


@pytest.fixture
def clock(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(background, "_JOBS", OrderedDict())
    monkeypatch.setattr(background, "_TOOK", OrderedDict())
    monkeypatch.setattr(background, "_clock", lambda: now[0])
    monkeypatch.setattr(background, "INLINE_WAIT", 1.0)
    return now


def _taking(now: list[float], seconds: float):
    def run(value):
        now[0] += seconds
        return value

    return run


def _finish(key, now, seconds):
    return background.job(key, _taking(now, seconds), key).result(60)


def test_no_wait_while_the_last_job_of_the_dataset_version_took_longer(clock):
    first = ("diagnosis", 7, 3, "spec A", "options")
    assert background.default_wait(first) == 1.0  # nothing known yet: the usual moment
    _finish(first, clock, 4.0)  # a 1M-deal audit: 4 s
    other_filter = ("diagnosis", 7, 3, "spec B", "options")
    assert background.default_wait(other_filter) == 0.0
    gate = threading.Event()
    waiting = background.job(other_filter, lambda v: gate.wait(60) and v, "B")
    assert background.result(other_filter, _taking(clock, 0.0), "B") is None  # not waited for: placeholder
    gate.set()
    assert waiting.result(60) == "B"
    assert background.default_wait(("diagnosis", 7, 4, "spec A", "options")) == 1.0  # a new version: unknown
    assert background.default_wait(("diagnosis", 8, 3, "spec A", "options")) == 1.0  # another dataset


def test_a_quicker_job_brings_the_wait_back_and_a_cache_hit_changes_nothing(clock):
    _finish(("diagnosis", 1, 1, "busy moment", "o"), clock, 2.5)  # slow once (a loaded machine)
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 0.0
    _finish(("diagnosis", 1, 1, "cached", "o"), clock, 0.01)  # found in Streamlit's cache: says nothing
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 0.0
    _finish(("diagnosis", 1, 1, "computed", "o"), clock, 1.5)  # computed, near the wait: worth waiting
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 1.0
    _finish(("diagnosis", 1, 1, "just over", "o"), clock, 2.01)
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 0.0
    _finish(("diagnosis", 1, 1, "quick", "o"), clock, 0.4)
    assert background.default_wait(("diagnosis", 1, 1, "next", "o")) == 1.0
    assert background.result(("diagnosis", 1, 1, "at once", "o"), lambda v: v * 2, 21) == 42  # drawn at once


def test_an_explicit_wait_is_kept(clock):
    gate = threading.Event()
    key = ("report", 2, 1)
    assert background.result(key, lambda v: gate.wait(60) and v, "x", wait=0.0) is None
    gate.set()
    assert background.result(key, lambda v: v, "x", wait=60) == "x"  # the same job, now done
