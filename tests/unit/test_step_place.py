"""A visitor file's new yes/no column, read as a step at a refresh (``import FILE --into N``), goes where the counts
say among the steps (reached by fewer than the step before, more than the step after), else where the file puts it
among the steps' columns; the placement is said in the refresh's notes. Before, it was appended after the last step
(«signup → trial → paid → demo»), whatever the file or the data said.

Hand counts. Ten visitors, variant A = odd ids, B = even ids; yes/no per step (signup, demo, trial, paid):
1, 2: yes yes yes yes; 3, 4: yes yes yes no; 5, 6: yes yes no no; 7, 8: yes no no no; 9, 10: no everywhere.
Yes counts: signup 8, demo 6, trial 4, paid 2. Week 1 has no demo column (steps signup → trial → paid); week 2 adds
it. 6 is below signup's 8 and above trial's 4: demo goes between them, whether the file writes it there or last.
Reached (the furthest step, DOMAIN.md) in each variant (A: 1, 3, 5, 7, 9; B: 2, 4, 6, 8, 10): visit 5, signup 4
(all but 9/10), demo 3, trial 2, paid 1.
With demo yes for 1–4 only (4, trial's count too) the counts tie: the file's order decides (between signup and trial
where the file writes it there; last where it writes it last).
"""

from __future__ import annotations

import pytest

from funnel.step_place import place_steps
from tests.unit.test_edit_roles import _cli, _counts, _imported

ROWS = {1: "1111", 2: "1111", 3: "1110", 4: "1110", 5: "1100", 6: "1100", 7: "1000", 8: "1000", 9: "0000", 10: "0000"}


def _file(columns: list[str], demo_yes: set[int] | None = None) -> str:
    """The visitors with the steps in ``columns`` (a subset of signup, demo, trial, paid, in the file's order)."""
    index = {"signup": 0, "demo": 1, "trial": 2, "paid": 3}
    lines = ["user_id,variant," + ",".join(columns)]
    for user, flags in ROWS.items():
        cells = []
        for column in columns:
            yes = flags[index[column]] == "1" if demo_yes is None or column != "demo" else user in demo_yes
            cells.append("1" if yes else "0")
        lines.append(f"{user},{'A' if user % 2 else 'B'}," + ",".join(cells))
    return "\n".join(lines) + "\n"


def _refreshed(tmp_path, capsys, week2: str) -> dict:
    _imported(tmp_path, capsys, "week1.csv", _file(["signup", "trial", "paid"]))
    path = tmp_path / "week2.csv"
    path.write_text(week2, encoding="utf-8")
    code, doc = _cli(tmp_path, capsys, "import", str(path), "--into", "1", "--json")
    assert code == 0, doc
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")


@pytest.mark.parametrize("columns", ids=["file_between", "file_last"], argvalues=[
    ["signup", "demo", "trial", "paid"], ["signup", "trial", "paid", "demo"]])
def test_a_new_step_goes_where_its_counts_put_it(tmp_path, capsys, columns):
    doc = _refreshed(tmp_path, capsys, _file(columns))
    assert doc["stage_order"] == {"": ["visit", "signup", "demo", "trial", "paid"]}
    said = [w["message"] for w in doc["info"] if w["code"] == "import50.step_placed"]
    assert said == ["The new step «demo» is placed between «signup» and «trial»: 6 visitors said yes to it, fewer "
                    "than «signup» (8) and more than «trial» (4)."]
    _version, stages, groups = _counts(tmp_path, "variant")
    assert stages == ("visit", "signup", "demo", "trial", "paid")
    assert groups == {"A": [5, 4, 3, 2, 1], "B": [5, 4, 3, 2, 1]}


@pytest.mark.parametrize(("columns", "order", "where"), ids=["file_between", "file_last"], argvalues=[
    (["signup", "demo", "trial", "paid"], ["visit", "signup", "demo", "trial", "paid"],
     "between «signup» and «trial», as the file orders its columns: its count (4) does not say one place among the "
     "steps' («signup»: 8, «trial»: 4)"),
    (["signup", "trial", "paid", "demo"], ["visit", "signup", "trial", "paid", "demo"],
     "last, as the file orders its columns: its count (4) does not say one place among the steps' («paid»: 2)"),
])
def test_a_tie_with_a_step_is_placed_by_the_files_column_order(tmp_path, capsys, columns, order, where):
    doc = _refreshed(tmp_path, capsys, _file(columns, demo_yes={1, 2, 3, 4}))
    assert doc["stage_order"] == {"": order}
    said = [w["message"] for w in doc["info"] if w["code"] == "import50.step_placed"]
    assert len(said) == 1 and said[0].startswith(f"The new step «demo» is placed {where}.")


@pytest.mark.parametrize(("new", "counts", "order", "by"), ids=["first", "last", "between", "after_a_rise", "two_places"], argvalues=[
    # columns 2, 3, 4 are steps in that order; a new column 5 (after them in the file)
    (5, {2: 8, 3: 4, 4: 2, 5: 9}, [5, 2, 3, 4], "counts"),  # 9 > 8: before the first
    (5, {2: 8, 3: 4, 4: 2, 5: 1}, [2, 3, 4, 5], "counts"),  # 1 < 2: after the last
    (5, {2: 8, 3: 4, 4: 2, 5: 3}, [2, 3, 5, 4], "counts"),  # 4 > 3 > 2
    (5, {2: 8, 3: 9, 4: 2, 5: 5}, [2, 3, 5, 4], "counts"),  # the one place: after 9, before 2
    # steps whose counts rise (2, 9, 1): 5 fits before 2 and between 9 and 1, two places: the file's order (last)
    (5, {2: 2, 3: 9, 4: 1, 5: 5}, [2, 3, 4, 5], "file"),
])
def test_place_steps(new, counts, order, by):
    steps, placed = place_steps([2, 3, 4], [new], counts)
    assert steps == order and placed[0].by == by


def test_the_command_offered_for_a_new_column_left_out_lists_it_in_its_place(tmp_path, capsys):
    """The refresh given ``--map steps=signup,trial,paid`` leaves demo out and offers the command that makes it a
    step: demo listed between signup (8) and trial (4), as its 6 say (was appended: steps=signup,trial,paid,demo)."""
    _imported(tmp_path, capsys, "week1.csv", _file(["signup", "trial", "paid"]))
    path = tmp_path / "week2.csv"
    path.write_text(_file(["signup", "demo", "trial", "paid"]), encoding="utf-8")
    code, doc = _cli(tmp_path, capsys, "import", str(path), "--into", "1", "--map", "steps=signup,trial,paid",
                     "--json")
    assert code == 0, doc
    assert isinstance(doc, dict)
    assert doc["stage_order"] == {"": ["visit", "signup", "trial", "paid"]}
    left = [w["message"] for w in doc["warnings"] if w["code"] == "refresh49.step_new_not_step"]
    assert len(left) == 1 and "edit --map steps=signup,demo,trial,paid" in left[0], left
