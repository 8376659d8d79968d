"""Results are shared across sessions (issue #14, many viewers): a second viewer's page run is
served from the first one's results, and the Overview's top findings (the whole audit) are computed
once in the background for everyone, without holding up the page's own numbers."""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

import funnel.metrics as metrics_module
import ui.audit as audit_module
from tests.app.conftest import open_page
from ui import background


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_a_second_session_is_served_from_the_first_ones_results(data_dir, monkeypatch):
    st.cache_data.clear()
    overview = _counting(monkeypatch, metrics_module, "overview")
    diagnose = _counting(monkeypatch, audit_module, "diagnose")
    first = open_page("pages/overview.py", lang="en", ds="1", period="custom", f_manager="Игорь Лебедев",
                      **{"from": "2024-02-01", "to": "2025-12-31"})
    assert len(overview) == 1
    second = open_page("pages/overview.py", lang="ru", ds="1", period="custom", f_manager="Игорь Лебедев",
                       **{"from": "2024-02-01", "to": "2025-12-31"})  # another session, another language
    assert len(overview) == 1 and len(diagnose) <= 1  # nothing computed again
    assert first.metric[0].value == second.metric[0].value.replace("\u00a0", ",")  # same count of deals


def test_top_findings_wait_in_the_background_and_appear_when_ready(data_dir, monkeypatch):
    st.cache_data.clear()
    gate = threading.Event()
    original = audit_module.diagnose

    def slow_diagnose(*args, **kwargs):
        gate.wait(120)
        return original(*args, **kwargs)

    monkeypatch.setattr(audit_module, "diagnose", slow_diagnose)
    monkeypatch.setattr(background, "INLINE_WAIT", 0.0)
    monkeypatch.setattr(background, "_JOBS", OrderedDict())  # no finished job of an earlier test in this process
    at = open_page("pages/overview.py", lang="en", ds="1", closed="1")  # a filter set no other test asks for
    captions = [c.value for c in at.caption]
    assert "Looking for findings in this selection…" in captions  # the placeholder, not the findings
    assert at.metric and at.button(key="ov_tile_deals") is not None  # the page's own numbers are drawn
    assert not [b for b in at.button if b.key and b.key.startswith("ov_finding_")]
    gate.set()
    job = background._JOBS[next(reversed(background._JOBS))]  # the one this run started
    job.result(timeout=120)  # it finishes in the background
    at.run()
    assert not at.exception
    assert at.button(key="ov_finding_0") is not None
    assert "Looking for findings in this selection…" not in [c.value for c in at.caption]
