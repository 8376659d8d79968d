"""The Report button on every page (AppTest), and pinning an A/B comparison to the report."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page

WEB = "Web funnel (landing test)"


@pytest.fixture(scope="module")
def ids(data_dir) -> dict[str, str]:
    from funnel.store import Store

    return {row["name"]: str(row["id"]) for row in Store(data_dir / "funnel.duckdb").datasets()}


@pytest.mark.parametrize("path", ["pages/overview.py", "pages/funnel.py", "pages/ab.py", "pages/data.py"])
def test_every_page_offers_the_report(ids, path):
    at = open_page(path, lang="ru", ds=ids[WEB])
    # closed, the popover's content is not computed (nothing of it reaches the browser on a rerun)
    assert "report_lang" not in [w.key for w in at.selectbox]
    assert not [w for w in at.text_input if w.key == "report_consultant"]
    at.session_state["report_popover"] = True  # the reader opens it: the page reruns with its content
    at.run()
    # the report's language starts as the UI's and is its own widget, offering Chinese too
    picker = at.selectbox(key="report_lang")
    assert picker.value == "ru" and list(picker.options) == ["English", "Русский", "中文"]
    assert at.text_input(key="report_consultant").label == "Подготовил(а) (необязательно)"


def test_report_choices_survive_closing_the_popover(ids):
    at = open_page("pages/overview.py", lang="en", ds=ids[WEB])
    at.session_state["report_popover"] = True
    at.run()
    at.selectbox(key="report_lang").set_value("zh")
    at.text_input(key="report_consultant").input("Ann Lee").run()
    at.session_state["report_popover"] = False
    at.run()
    assert "report_consultant" not in [w.key for w in at.text_input]
    at.switch_page("pages/funnel.py").run()  # another page, still closed
    at.session_state["report_popover"] = True
    at.run()
    assert at.selectbox(key="report_lang").value == "zh"
    assert at.text_input(key="report_consultant").value == "Ann Lee"


def test_pin_an_ab_comparison(ids):
    at = open_page("pages/ab.py", lang="en", ds=ids[WEB], ab_by="landing")
    at.button(key="report_pin").click().run()
    pins = at.session_state["_report_ab_pins"]
    assert [(p["by"], p["control"], p["step"]) for p in pins] == [("variant", "A", None)]
    assert at.button(key="report_pin").disabled  # the same comparison is pinned once
    assert any("pinned to the report: 1" in c.value for c in at.caption)
