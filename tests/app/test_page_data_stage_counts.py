"""Data page and Overview under AppTest: a table of counts per stage that could be read either way says which
reading the app took, the user picks the other under «Read the file as», and the Overview says the guess while
it stands. The file (tests/unit/test_stage_count_readings.py): 10 + 8 + 6 + 5 + 3 open and 2 won = 34 deals at
each stage now, or a funnel starting at 10."""

from __future__ import annotations

from funnel.store import Store
from tests.app.conftest import open_page
from tests.unit.test_stage_count_readings import ANY_STAGE_FUNNEL, PIPELINE_OPEN_AND_WON


def _shape_box(at):
    return next(s for s in at.selectbox if (s.key or "").endswith("import_shape"))


def _latest(data_dir) -> dict:
    store = Store(data_dir / "funnel.duckdb")
    try:
        return max(store.datasets(), key=lambda r: r["id"])
    finally:
        store.close()


def test_the_guess_is_said_and_the_other_reading_is_one_pick_away(data_dir):
    at = open_page("pages/data.py", lang="ru")
    at.file_uploader[0].set_value(("hubspot.csv", PIPELINE_OPEN_AND_WON.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("прочитано как сделки, дошедшие до своего этапа" in w.value for w in at.warning)
    box = _shape_box(at)
    assert box.value == "counts"
    assert box.format_func("stage_counts") == "количества по этапам (сделки на этапе сейчас)"
    box.set_value("stage_counts").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _shape_box(at).value == "stage_counts"
    assert any("всего: 34" in i.value for i in at.info)  # ui.data.stage_counts: read as the 34 deals it counts
    # the file's 6 rows were read (was «Прочитано 34 строки», the deals made of them, and «(список сделок)»)
    assert any("Прочитано 6 строк из hubspot\\.csv (количества по этапам (сделки на этапе сейчас))" in s.value for s in at.success)
    next(b for b in at.button if b.key == "confirm_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    row = _latest(data_dir)
    assert (row["shape"], row["n_deals"], row["meta"]["counts_read_as"], row["meta"]["counts_guessed"]) == (
        "deals", 34, "current", False)
    at = open_page("pages/overview.py", lang="en", ds=str(row["id"]))
    assert at.metric[0].value == "34"
    assert not any("read as the deals" in i.value for i in at.info)  # the user's choice: no guess to say


def test_the_overview_says_a_guessed_reading(data_dir):
    at = open_page("pages/data.py", lang="en")
    at.file_uploader[0].set_value(("any-stages.csv", ANY_STAGE_FUNNEL.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _shape_box(at).value == "stage_counts"
    assert any("133 deals" in w.value for w in at.warning)
    next(b for b in at.button if b.key == "confirm_import").click().run()
    row = _latest(data_dir)
    at = open_page("pages/overview.py", lang="zh", ds=str(row["id"]))
    assert any("已读取为当前各阶段的交易" in i.value for i in at.info)


def test_a_new_reading_says_its_own_guess_of_the_order(data_dir):
    """Survey 29: «Stage, Deals» 1000 / 400 / 150 / 60 / 30 read as a funnel (the order is the rows': no guess), then
    as the deals at each stage now: 1,640 deals whose stage order is guessed (no CRM knows these names). The preview
    kept the first reading's "no guess" and said nothing; the Overview then said the order was a guess."""
    text = "Stage,Deals\nLeads,1000\nMQL,400\nSQL,150\nProposal,60\nWon,30\n"
    at = open_page("pages/data.py", lang="en")
    at.file_uploader[0].set_value(("en_counts.csv", text.encode(), "text/csv")).run()
    assert _shape_box(at).value == "counts"
    assert not any("is a guess" in w.value for w in at.warning)
    _shape_box(at).set_value("stage_counts").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("is a guess" in w.value for w in at.warning)
    # no amount column: no «amount shared equally» (survey 29)
    assert any("the 1,640 deals it counts" in s.value and "(the file has no amounts)" in s.value for s in at.info)
    next(b for b in at.button if b.key == "confirm_import").click().run()
    row = _latest(data_dir)
    assert (row["n_deals"], row["meta"]["order_guessed"]) == (1640, True)


def test_the_editor_reads_the_report_the_other_way(data_dir):
    """The dataset of the 34 deals: the editor shows «stage counts (deals at each stage now)» (was «deal list»), and
    «stage counts (deals that reached each stage)» rebuilds it as the report's funnel: 10 at the first stage."""
    from funnel.importer import import_file
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _ = import_file(store, PIPELINE_OPEN_AND_WON.replace("10000", "10001").encode(), "hs_now.csv",
                                  shape="stage_counts")
    store.close()
    at = open_page("pages/data.py", lang="en", ds=str(info.id))
    box = at.selectbox(key=f"edit{info.id}_shape")
    assert box.value == "stage_counts" and box.options == ["stage counts (deals at each stage now)",
                                                           "stage counts (deals that reached each stage)"]
    box.set_value("counts").run()
    next(b for b in at.button if b.key == f"edit{info.id}_shape_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    row = _latest(data_dir)
    assert (row["id"], row["shape"], row["version"], row["rows_read"]) == (info.id, "counts", 2, 6)
    at = open_page("pages/overview.py", lang="en", ds=str(info.id))
    assert at.metric[0].value == "10"  # the report's first stage
