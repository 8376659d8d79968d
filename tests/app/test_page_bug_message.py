"""A bug on a page (an exception that is no coded engine error) shows the viewer one translated line with a
reference, never the traceback; the traceback goes to the server's log under that reference. Before, Streamlit
printed the stack (paths, values) to whoever read the shared link."""

from __future__ import annotations

import logging
import re

from streamlit.testing.v1 import AppTest

from funnel.i18n import t

SCRIPT = """
import streamlit as st
from ui.errors import store_errors
with store_errors():
    st.write("before")
    {}["secret-column"]
"""


def test_a_bug_is_one_translated_line_with_a_reference(monkeypatch, caplog):
    monkeypatch.delenv("FUNNEL_RAISE_ERRORS", raising=False)
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.query_params["lang"] = "ru"
    with caplog.at_level(logging.ERROR, logger="funnel.app"):
        at.run()
    assert not at.exception  # no traceback on screen
    [error] = [e.value for e in at.error]
    ref = re.search(r"«([0-9a-f]{8})»", error).group(1)
    assert error == t("hardening.unexpected", "ru", ref=ref) and "secret-column" not in error
    assert "Подробности записаны в журнал сервера" in error
    # the log holds the reference and the traceback the screen does not
    [record] = [r for r in caplog.records if r.name == "funnel.app"]
    assert ref in record.getMessage() and record.exc_info[0] is KeyError


def test_tests_still_see_the_bug(monkeypatch):
    monkeypatch.setenv("FUNNEL_RAISE_ERRORS", "1")
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    assert [e.value for e in at.exception] and "secret-column" in at.exception[0].value
