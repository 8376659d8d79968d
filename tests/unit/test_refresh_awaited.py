"""A chosen column one refresh lacked is read again when a later export has it back (funnel/refresh_awaited.py), and a
visitor file's new yes/no column is named in the refresh's notes (refresh_roles.note_new_steps). Before, the fallback
of the week without the column stayed for good (the stored mapping named the proposal's column), and a new
``purchase`` column became a step, or did not, unsaid.

Hand counts.

Deal list D5 (``Deal ID, Created, Stage, Amount, Manager, Closer``), the proposal reads «Manager» as the manager; the
user maps manager = «Closer». Week 2 adds deal 6 (Anna, closer Vera). By Closer: deals 1, 2, 3 Oleg (3), 4, 5 Vera (2);
week 2 with Closer: Oleg 3, Vera 3 (4, 5, 6). By Manager: week 2 Anna 1, 2, 5, 6 (4), Boris 3, 4 (2).

AB10 and its week 2 (tests/unit/test_refresh_roles.py, counted there): by ``group`` control 7 visitors / 3 converted,
treatment 7 / 4; by ``landing_page`` old_page 7 / 2, new_page 7 / 5.

CATS10's week 2, steps retention_7 then retention_1 (counted in test_refresh_roles.py): gate_30 6 / 4 / 4, gate_40
6 / 4 / 2; retention_1 alone: gate_30 6 / 4, gate_40 6 / 2. In the other order (retention_1, retention_7: what the
refresh read before, the column back appended as new) gate_30 6 / 4 (2, 3, 5, 11: a yes on either) / 2 (3, 5),
gate_40 6 / 4 (7, 8, 9, 10) / 3 (8, 9, 10).

AB10's week 2 with a new ``purchase`` column, yes for 1001, 1005 and 1012 (each converted too), read by
``landing_page``: old_page = 1001, 1002, 1004, 1007, 1010, 1012, 1014 (7), converted 1001, 1012 (2), purchase 1001,
1012 (2); new_page = 1003, 1005, 1006, 1008, 1009, 1011, 1013 (7), converted 1003, 1005, 1006, 1008, 1011 (5),
purchase 1005 (1).
"""

from __future__ import annotations

import pytest

from funnel.store import Store
from tests.unit.test_edit_roles import _cli, _counts, _imported
from tests.unit.test_refresh_roles import (
    AB10,
    AB_WEEK2,
    AB_WEEK2_NO_GROUP,
    CATS10,
    CATS_WEEK2,
    CATS_WEEK2_NO_R7,
    _refresh,
    _warnings,
)


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")


D5 = """Deal ID,Created,Stage,Amount,Manager,Closer
1,2024-03-01,New,100,Anna,Oleg
2,2024-03-02,Qualified,200,Anna,Oleg
3,2024-03-03,Proposal,300,Boris,Oleg
4,2024-03-04,Won,400,Boris,Vera
5,2024-03-05,New,500,Anna,Vera
"""
D_WEEK2 = D5 + "6,2024-03-08,New,600,Anna,Vera\n"
D_WEEK2_NO_CLOSER = "\n".join(line.rsplit(",", 1)[0] for line in D_WEEK2.strip().splitlines()) + "\n"

AB_PURCHASE = "\n".join(
    line + ("," + ("purchase" if k == 0 else "1" if line.split(",")[0] in ("1001", "1005", "1012") else "0"))
    for k, line in enumerate(AB_WEEK2.strip().splitlines())) + "\n"


def _managers(tmp_path) -> dict[str, int]:
    store = Store(tmp_path / "store" / "funnel.duckdb")
    try:
        info = store.info(1)
        with store.connect(info) as con:
            rows = con.execute(f"SELECT manager, count(*) FROM {info.tables['deals']} GROUP BY 1").fetchall()
    finally:
        store.close()
    return dict(rows)


def _info(tmp_path, lang: str = "en") -> list[dict]:
    from funnel.cli import import_warnings

    store = Store(tmp_path / "store" / "funnel.duckdb")
    try:
        return import_warnings(store, store.info(1), lang, severities=("info",))
    finally:
        store.close()


def _codes(rows: list[dict], prefix: str) -> list[str]:
    return [r["code"] for r in rows if r["code"].startswith(prefix)]


def test_a_deal_lists_chosen_column_is_read_again_when_it_is_back(tmp_path, capsys):
    _imported(tmp_path, capsys, "d.csv", D5)
    assert _managers(tmp_path) == {"Anna": 3, "Boris": 2}  # the proposal's «Manager»
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "manager=Closer")[0] == 0
    assert _managers(tmp_path) == {"Oleg": 3, "Vera": 2}
    _refresh(tmp_path, capsys, D_WEEK2_NO_CLOSER)  # the fallback, said, and the choice remembered
    assert _managers(tmp_path) == {"Anna": 4, "Boris": 2}
    assert [(w["column"], w["value"]) for w in _warnings(tmp_path, "en")
            if w["code"] == "refresh.column_moved"] == [("Closer", "Manager")]
    kept = [r for r in _info(tmp_path, "ru") if r["code"] == "refresh49.choice_kept"]
    assert len(kept) == 1 and "«Closer»" in kept[0]["message"] and "Менеджер" in kept[0]["message"], kept
    _refresh(tmp_path, capsys, D_WEEK2)  # «Closer» back: the choice, said
    assert _managers(tmp_path) == {"Oleg": 3, "Vera": 3}
    back = [r for r in _info(tmp_path, "en") if r["code"] == "refresh49.column_back"]
    assert len(back) == 1 and "«Closer» again" in back[0]["message"] and "«Manager» was read" in back[0]["message"]
    zh = [r for r in _info(tmp_path, "zh") if r["code"] == "refresh49.column_back"][0]["message"]
    assert "“Closer”" in zh and "«" not in zh
    _refresh(tmp_path, capsys, D_WEEK2)  # nothing awaited any more: nothing said
    assert _managers(tmp_path) == {"Oleg": 3, "Vera": 3}
    assert not _codes(_info(tmp_path), "refresh49.")


def test_the_choice_waits_through_several_weeks_without_the_column(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group")[0] == 0
    _refresh(tmp_path, capsys, AB_WEEK2_NO_GROUP)
    assert _counts(tmp_path, "variant") == (3, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
    _refresh(tmp_path, capsys, AB_WEEK2_NO_GROUP)  # still without it: still remembered (said), no new warning
    assert _counts(tmp_path, "variant") == (4, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
    assert _codes(_info(tmp_path), "refresh49.") == ["refresh49.choice_kept"]
    assert not _codes(_warnings(tmp_path, "en"), "refresh.column")
    _refresh(tmp_path, capsys, AB_WEEK2)
    assert _counts(tmp_path, "variant") == (5, ("visit", "converted"), {"control": [7, 3], "treatment": [7, 4]})
    assert _codes(_info(tmp_path), "refresh49.") == ["refresh49.column_back"]


def test_a_choice_made_since_replaces_the_awaited_one(tmp_path, capsys):
    """After the week without «Closer» the user maps «Manager» by hand: «Closer» back is not read (it stays an
    attribute)."""
    _imported(tmp_path, capsys, "d.csv", D5)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "manager=Closer")[0] == 0
    _refresh(tmp_path, capsys, D_WEEK2_NO_CLOSER)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "manager=Manager")[0] == 0
    _refresh(tmp_path, capsys, D_WEEK2)
    assert _managers(tmp_path) == {"Anna": 4, "Boris": 2}
    assert not _codes(_info(tmp_path), "refresh49.")


def test_chosen_steps_come_back_in_their_order(tmp_path, capsys):
    _imported(tmp_path, capsys, "cats.csv", CATS10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "steps=retention_7,retention_1")[0] == 0
    _refresh(tmp_path, capsys, CATS_WEEK2_NO_R7)
    assert _counts(tmp_path, "variant") == (3, ("visit", "retention_1"), {"gate_30": [6, 4], "gate_40": [6, 2]})
    assert _codes(_info(tmp_path), "refresh49.") == ["refresh49.steps_kept"]
    doc = _refresh(tmp_path, capsys, CATS_WEEK2)
    assert doc["stage_order"][""] == ["visit", "retention_7", "retention_1"]
    assert _counts(tmp_path, "variant") == (4, ("visit", "retention_7", "retention_1"),
                                            {"gate_30": [6, 4, 4], "gate_40": [6, 4, 2]})
    back = [r for r in _info(tmp_path, "ru") if r["code"] == "refresh49.steps_back"]
    assert len(back) == 1 and "«retention_7» → «retention_1»" in back[0]["message"], back
    assert not _codes(_info(tmp_path), "refresh49.step_new")  # a chosen column back is no new column


def test_a_new_yes_no_column_is_named_as_a_step(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    doc = _refresh(tmp_path, capsys, AB_PURCHASE)
    assert doc["stage_order"][""] == ["visit", "converted", "purchase"]
    assert _counts(tmp_path, "variant") == (2, ("visit", "converted", "purchase"),
                                            {"old_page": [7, 2, 2], "new_page": [7, 5, 1]})
    added = [r for r in _info(tmp_path, "en") if r["code"] == "refresh49.step_new_added"]
    assert len(added) == 1 and added[0]["message"].startswith(
        "New yes/no column in this export: «purchase». It is read as a step: the steps are now «converted» → "
        "«purchase».")
    ru = [r for r in _info(tmp_path, "ru") if r["code"] == "refresh49.step_new_added"][0]["message"]
    assert ru.startswith("Новый столбец да/нет в этой выгрузке: «purchase». Он читается как шаг")


def test_a_new_yes_no_column_left_out_says_how_to_make_it_a_step(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    doc = _refresh(tmp_path, capsys, AB_PURCHASE, "steps=converted")
    assert doc["stage_order"][""] == ["visit", "converted"]
    assert _counts(tmp_path, "variant") == (2, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
    left = [w for w in _warnings(tmp_path, "en") if w["code"] == "refresh49.step_new_not_step"]
    assert len(left) == 1 and "«purchase». It is not read as a step" in left[0]["message"]
    assert "edit --map steps=converted,purchase" in left[0]["message"]
    zh = [w for w in _warnings(tmp_path, "zh") if w["code"] == "refresh49.step_new_not_step"][0]["message"]
    assert "“purchase”" in zh and "未作为步骤读取" in zh


def test_a_role_mapped_with_the_refresh_wins_over_the_remembered_column(tmp_path, capsys):
    """``--map variant=landing_page`` with the export that has «group» back: landing_page is read (old_page 7 / 2,
    new_page 7 / 5), «group» is not said to be back and is forgotten (the next export reads landing_page too)."""
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group")[0] == 0
    _refresh(tmp_path, capsys, AB_WEEK2_NO_GROUP)
    _refresh(tmp_path, capsys, AB_WEEK2, "variant=landing_page")
    assert _counts(tmp_path, "variant") == (4, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
    assert not _codes(_info(tmp_path), "refresh49.")
    _refresh(tmp_path, capsys, AB_WEEK2)
    assert _counts(tmp_path, "variant") == (5, ("visit", "converted"), {"old_page": [7, 2], "new_page": [7, 5]})
