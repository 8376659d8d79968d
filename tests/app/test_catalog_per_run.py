"""The dataset catalog is read once per script run, and read again on the next run (issue #16,
"Speed of every rerun": app.py, the sidebar and the page each asked the store for it)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from funnel.store import Store


def _script():
    import streamlit as st

    from ui import context

    first = context.datasets()
    again = context.datasets()
    info = context.current_dataset()
    st.write(f"{len(first)} {first is again} {info is None}")


def test_catalog_is_read_once_per_run_and_again_on_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNEL_DATA_DIR", str(tmp_path))
    reads = []
    original = Store.datasets

    def counting(self):
        reads.append(1)
        return original(self)

    monkeypatch.setattr(Store, "datasets", counting)
    st.cache_resource.clear()
    try:
        at = AppTest.from_function(_script, default_timeout=60)
        at.run()
        assert not at.exception
        # three calls in the run (two datasets(), one current_dataset()): one read of the store
        assert at.markdown[0].value == "0 True True" and len(reads) == 1
        at.run()
        assert len(reads) == 2  # a new run sees the store as it is now
    finally:
        st.cache_resource.clear()
