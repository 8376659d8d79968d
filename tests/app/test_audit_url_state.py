"""The view lives in the URL, all of it (issue 15 point 5): A/B mode and typed-in numbers, the
Funnel page's overlay mode and segments, the cohort unit; a language switch renames every widget."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, open_page


def _qp(at, name):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_typed_in_numbers_come_from_and_go_to_the_url(data_dir):
    typed = json.dumps([["old", 500, 50, None], ["new", 500, 80, None]])
    at = open_page("pages/ab.py", lang="en", ab_mode="typed", ab_typed=typed, ab_alpha="0.1")
    assert at.segmented_control(key="ab_mode_w").value == "typed"
    assert at.selectbox(key="ab_typed_alpha").value == 0.1
    editor = at.dataframe[0].value
    assert list(editor.iloc[:, 0]) == ["old", "new"] and list(editor.iloc[:, 1]) == [500, 500]
    # 50/500 = 10.00 %, 80/500 = 16.00 %: the link's numbers, not the defaults (100/1000, 120/1000)
    results = at.dataframe[1].value  # after the editor; the folded intervals-and-tests table last
    assert list(results["Conversion"]) == ["10.00%", "16.00%"]
    assert json.loads(_qp(at, "ab_typed")) == [["old", 500, 50, None], ["new", 500, 80, None]]


def test_default_typed_numbers_keep_the_link_short(data_dir):
    at = open_page("pages/ab.py", lang="en", ab_mode="typed")
    assert _qp(at, "ab_typed") is None


def test_funnel_overlay_segments_and_cohort_unit_from_the_url(data_dir):
    at = open_page("pages/funnel.py", lang="en", ds="1", fn_overlay="segment", fn_seg="manager",
                   fn_seg_a="Игорь Лебедев", fn_seg_b="Олег Петров", fn_cohort="week")
    assert at.segmented_control(key="fn_overlay").value == "segment"
    assert at.selectbox(key="fn_seg").value == "manager"
    assert at.selectbox(key="fn_seg_a_manager").value == "Игорь Лебедев"
    assert at.selectbox(key="fn_seg_b_manager").value == "Олег Петров"
    assert at.segmented_control(key="fn_cohort").value == "week"
    # a change writes the URL
    at.segmented_control(key="fn_cohort").set_value("quarter").run()
    assert _qp(at, "fn_cohort") == "quarter"


def test_unknown_view_values_fall_back_with_a_note(data_dir):
    at = open_page("pages/funnel.py", lang="en", ds="1", fn_overlay="sideways", fn_cohort="year")
    assert at.segmented_control(key="fn_overlay").value == "period"
    assert at.segmented_control(key="fn_cohort").value == "month"
    text = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "fn_cohort=year" in text and "fn_overlay=sideways" in text


def test_language_switch_renames_every_sidebar_widget_at_once(data_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["ds"] = "1"
    at.query_params["period"] = "last_quarter"
    at.run()
    assert at.selectbox(key="flt_period").label == "Period"
    at.selectbox(key="lang_select").set_value("ru").run()
    assert not at.exception
    labels = {w.key: w.label for w in [*at.sidebar.selectbox, *at.sidebar.radio, *at.sidebar.toggle]}
    assert labels["flt_period"] == "Период" and labels["ds_select"] == "Набор данных"
    assert labels["flt_closed"] == "Только закрытые сделки"
    assert at.sidebar.radio(key="flt_date").options[0] != "Created"
