"""AppTest helpers: a module's own temporary store (the first app run imports the samples), opening one page
through app.py with query parameters, and the Overview of a test's own store (``overview``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@contextmanager
def store_at(folder: Path, **env: str) -> Iterator[Path]:
    """The app reads the store in ``folder`` (and ``env``, e.g. FUNNEL_READ_ONLY) with Streamlit's caches dropped
    before and after, so no other module's datasets leak in."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUNNEL_DATA_DIR", str(folder))
        for key, value in env.items():
            mp.setenv(key, value)
        st.cache_resource.clear()
        st.cache_data.clear()
        try:
            yield folder
        finally:
            st.cache_resource.clear()
            st.cache_data.clear()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A fresh store for the test module, with the samples imported; yields its folder."""
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("store")
        mp.setenv("FUNNEL_DATA_DIR", str(folder))
        st.cache_resource.clear()
        st.cache_data.clear()
        AppTest.from_file(APP, default_timeout=180).run()  # the entry point imports the samples
        yield folder
        st.cache_resource.clear()
        st.cache_data.clear()


def open_page(path: str, **params: str) -> AppTest:
    """Run app.py on ``path`` with the query parameters; fail on any exception on screen."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def uploaded(name: str, data: bytes, lang: str = "en", mime: str = "text/csv") -> AppTest:
    """The Data page after ``data`` was uploaded as ``name``; fails on any exception on screen."""
    at = open_page("pages/data.py", lang=lang)
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def overview(tmp_path, monkeypatch):
    """Opens the Overview of dataset 1 of ``tmp_path``'s store in ``lang``; the caches dropped before and after."""
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    st.cache_resource.clear()

    def open_overview(lang: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["ds"], at.query_params["lang"] = "1", lang
        at.switch_page("pages/overview.py")
        at.run()
        assert not at.exception
        return at

    yield open_overview
    st.cache_data.clear()
    st.cache_resource.clear()
