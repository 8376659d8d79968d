"""A refresh (``import FILE2 --into N``, the Data page's «Import into: dataset N») of a visitor file or a wide counts
table keeps the roles the user chose (``edit --map``, ``import --map``), carried by header name as a deal list's
mapping is; ``--map`` given with ``--into`` is applied on top. A chosen column gone from the new file is said in the
refresh's notes and the role is read as the new file's proposal reads it. Before, the refresh went back to the
proposal: after ``edit --map variant=group`` the refreshed AB10 compared ``landing_page`` again, and ``--map`` with
``--into`` was ignored.

Hand counts. AB10 (tests/unit/test_chosen_roles.py) plus week 2's four visitors:
1011 control new_page 1, 1012 treatment old_page 1, 1013 treatment new_page 0, 1014 control old_page 0.
By ``group``: control = 1001, 1002, 1003, 1004, 1010, 1011, 1014 (7), converted 1001, 1003, 1011 (3); treatment =
1005–1009, 1012, 1013 (7), converted 1005, 1006, 1008, 1012 (4).
By ``landing_page`` (the proposal): old_page = 1001, 1002, 1004, 1007, 1010, 1012, 1014 (7), converted 1001, 1012
(2); new_page = 1003, 1005, 1006, 1008, 1009, 1011, 1013 (7), converted 1003, 1005, 1006, 1008, 1011 (5).

CATS10 plus players 11 (gate_30, retention_1 yes, retention_7 no) and 12 (gate_40, both no), steps retention_7 then
retention_1: gate_30 = 1–5, 11 (6), retention_7 reached by either yes: 2, 3, 5, 11 (4), retention_1: 2, 3, 5, 11 (4);
gate_40 = 6–10, 12 (6), retention_7 reached: 7, 8, 9, 10 (4), retention_1: 7, 9 (2). Without the retention_7 column,
the proposal's one step retention_1: gate_30 6 / 4, gate_40 6 / 2.

ADS8 plus ad 9 (936: 3000 impressions, 7 clicks, 1 approved) and ad 10 (916: 1000, 2, 1), grouped by
xyz_campaign_id with Impressions, Clicks, Approved_Conversion: 916 = 40600 + 1000 = 41600, 60 + 2 = 62, 3 + 1 = 4;
936 = 4900 + 3000 = 7900, 13 + 7 = 20, 2 + 1 = 3; 1178 unchanged 17000, 22, 5.
"""

from __future__ import annotations

import pytest

from funnel.cli import import_warnings
from funnel.importer import import_file
from funnel.store import Store
from tests.unit.test_chosen_roles import AB10, ADS8, CATS10
from tests.unit.test_edit_roles import _cli, _counts, _imported

AB_WEEK2 = AB10 + """1011,2017-01-06 10:00:00,control,new_page,1
1012,2017-01-06 11:00:00,treatment,old_page,1
1013,2017-01-06 12:00:00,treatment,new_page,0
1014,2017-01-07 10:00:00,control,old_page,0
"""
AB_WEEK2_NO_GROUP = "\n".join(",".join(c for k, c in enumerate(line.split(",")) if k != 2)
                              for line in AB_WEEK2.strip().splitlines()) + "\n"
CATS_WEEK2 = CATS10 + "11,gate_30,20,TRUE,FALSE\n12,gate_40,5,FALSE,FALSE\n"
CATS_WEEK2_NO_R7 = "\n".join(line.rsplit(",", 1)[0] for line in CATS_WEEK2.strip().splitlines()) + "\n"
ADS_WEEK2 = ADS8 + "9,936,103950,30-34,M,15,3000,7,1.00,2,1\n10,916,103951,35-39,F,16,1000,2,0.20,1,1\n"


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")


def _refresh(tmp_path, capsys, text: str, *pairs: str) -> dict:
    path = tmp_path / "week2.csv"
    path.write_text(text, encoding="utf-8")
    code, doc = _cli(tmp_path, capsys, "import", str(path), "--into", "1",
                     *(a for p in pairs for a in ("--map", p)), "--json")
    assert code == 0, doc
    assert isinstance(doc, dict)
    return doc


def _warnings(tmp_path, lang: str) -> list[dict]:
    store = Store(tmp_path / "store" / "funnel.duckdb")
    try:
        return import_warnings(store, store.info(1), lang)
    finally:
        store.close()


def test_the_refresh_of_a_visitor_file_keeps_the_variant_chosen_after_import(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group")[0] == 0
    _refresh(tmp_path, capsys, AB_WEEK2)
    assert _counts(tmp_path, "variant") == (3, ("visit", "converted"), {"control": [7, 3], "treatment": [7, 4]})
    assert not [w for w in _warnings(tmp_path, "en") if w["code"].startswith("refresh.column")]


def test_map_given_with_into_is_applied_and_then_kept(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)  # the proposal: landing_page
    _refresh(tmp_path, capsys, AB_WEEK2, "variant=group")
    assert _counts(tmp_path, "variant") == (2, ("visit", "converted"), {"control": [7, 3], "treatment": [7, 4]})
    _refresh(tmp_path, capsys, AB_WEEK2)  # the next week, without --map: the choice stays
    assert _counts(tmp_path, "variant") == (3, ("visit", "converted"), {"control": [7, 3], "treatment": [7, 4]})


def test_a_chosen_column_gone_is_said_and_the_proposal_reads_the_role(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group")[0] == 0
    _refresh(tmp_path, capsys, AB_WEEK2_NO_GROUP)
    assert _counts(tmp_path, "variant") == (3, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
    moved = [w for w in _warnings(tmp_path, "ru") if w["code"] == "refresh.column_moved"]
    assert [(w["column"], w["value"]) for w in moved] == [("group", "landing_page")]
    assert moved[0]["message"].startswith("Поле Вариант читалось из столбца «group», которого нет в этой выгрузке: "
                                          "теперь оно читается из «landing_page».")


def test_the_steps_chosen_are_kept_in_their_order(tmp_path, capsys):
    _imported(tmp_path, capsys, "cats.csv", CATS10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "steps=retention_7,retention_1")[0] == 0
    doc = _refresh(tmp_path, capsys, CATS_WEEK2)
    assert doc["stage_order"][""] == ["visit", "retention_7", "retention_1"]
    assert _counts(tmp_path, "variant") == (3, ("visit", "retention_7", "retention_1"),
                                            {"gate_30": [6, 4, 4], "gate_40": [6, 4, 2]})


def test_a_step_column_gone_is_said_and_the_proposals_steps_read(tmp_path, capsys):
    _imported(tmp_path, capsys, "cats.csv", CATS10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "steps=retention_7,retention_1")[0] == 0
    doc = _refresh(tmp_path, capsys, CATS_WEEK2_NO_R7)
    assert doc["stage_order"][""] == ["visit", "retention_1"]  # no step kept empty: the column is not measured
    assert _counts(tmp_path, "variant") == (3, ("visit", "retention_1"), {"gate_30": [6, 4], "gate_40": [6, 2]})
    gone = [w for w in _warnings(tmp_path, "en") if w["code"] == "refresh48.steps_gone"]
    assert len(gone) == 1 and "«retention_7»" in gone[0]["message"] and "«retention_1»" in gone[0]["message"]
    assert [w for w in _warnings(tmp_path, "zh") if w["code"] == "refresh48.steps_gone"][0]["message"].count("“") >= 2


def test_the_refresh_of_a_wide_counts_table_keeps_its_group_and_steps(tmp_path, capsys):
    _imported(tmp_path, capsys, "ads.csv", ADS8)  # the proposal groups by age
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "group=xyz_campaign_id",
                "--map", "steps=Impressions,Clicks,Approved_Conversion")[0] == 0
    _refresh(tmp_path, capsys, ADS_WEEK2)
    assert _counts(tmp_path, "xyz_campaign_id") == (3, ("Impressions", "Clicks", "Approved_Conversion"), {
        "916": [41600, 62, 4], "936": [7900, 20, 3], "1178": [17000, 22, 5]})


def test_a_role_left_empty_stays_empty_and_a_bad_map_changes_nothing(tmp_path, capsys):
    """``edit --map variant=`` (no comparison): the refresh does not read ``landing_page`` as the variant again. A
    ``--map`` with ``--into`` that cannot be read (the outcome as the variant, no step left) is refused and the
    dataset keeps its version and counts."""
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=")[0] == 0
    _refresh(tmp_path, capsys, AB_WEEK2)
    store = Store(tmp_path / "store" / "funnel.duckdb")
    try:
        fields = store.row(1)["meta"]["mapping"]["fields"]
    finally:
        store.close()
    assert "variant" not in fields and fields["entity"] == "user_id"
    path = tmp_path / "week3.csv"
    path.write_text(AB_WEEK2, encoding="utf-8")
    code, err = _cli(tmp_path, capsys, "import", str(path), "--into", "1", "--map", "variant=converted")
    assert code == 2 and "No step is left" in err, err
    assert _counts(tmp_path, "group")[:2] == (3, ("visit", "converted"))


@pytest.mark.parametrize(("text", "key", "said"), [
    (AB10, "refresh48.refresh_done_visitors", "посетителей: 10"),
    (ADS8, "refresh48.refresh_done_rows", "прочитано строк: 8"),
], ids=["visitor_file", "counts_table"])
def test_the_refresh_is_said_in_visitors_or_rows_not_deals(tmp_path, text, key, said):
    """The Data page's words after a refresh: AB10's 10 visitors, ADS8's 8 rows (it stores no deals); «сделок: 10»
    and «сделок: 0» before."""
    from funnel.i18n import t
    from ui.dataset_editor import refresh_done_key

    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    store = Store(":memory:")
    info, _built, _d = import_file(store, path, path.name)
    assert refresh_done_key(info) == key
    row = store.row(info.id)
    words = t(key, "ru", file="f.csv", version=2, deals=row["n_deals"], rejected=0, rows=row["rows_read"])
    assert said in words and "сделок" not in words
