"""The roles of a visitor file's or a wide counts table's columns changed AFTER the import (``edit --map``, the Data
page's «Change this dataset» panel): the dataset is rebuilt from its kept rows, its id kept, its version + 1. Before,
``edit --map variant=group`` on such a dataset was refused («is not a deal list: its columns cannot be remapped»)
and the panel offered no pickers at all.

Hand counts (the files of ``tests/unit/test_chosen_roles.py``, counted there row by row):

AB10 imported as proposed compares ``landing_page``: old_page 5 visitors / 1 converted (1001), new_page 5 / 4 (1003,
1005, 1006, 1008). Edited to variant = group: control = 1001, 1002, 1003, 1004, 1010 (5), converted 1001, 1003 (2);
treatment = 1005–1009 (5), converted 1005, 1006, 1008 (3).

CATS10 imported as proposed has the steps retention_1, retention_7. Edited to retention_7 then retention_1: reached
retention_7 = anyone with either yes (gate_30: 2, 3, 5 = 3; gate_40: 7, 8, 9, 10 = 4), then retention_1 (gate_30: 2, 3,
5 = 3; gate_40: 7, 9 = 2); 5 players each.

ADS8 imported as proposed groups by ``age``. Edited to group = xyz_campaign_id with Impressions, Clicks,
Approved_Conversion: 916 = rows 1, 2, 7: 7000 + 18000 + 15600 = 40600, 10 + 20 + 30 = 60, 1 + 0 + 2 = 3; 936 = rows 3, 4:
700 + 4200 = 4900, 5 + 8 = 13, 0 + 2 = 2; 1178 = rows 5, 6, 8: 4100 + 1900 + 11000 = 17000, 6 + 4 + 12 = 22, 1 + 1 + 3 = 5.
"""

from __future__ import annotations

import json

import pytest

from funnel.ab_dataset import step_counts
from funnel.cli import main
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.unit.test_chosen_roles import AB10, ADS8, CATS10


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")


def _cli(tmp_path, capsys, *argv: str) -> tuple[int, dict | str]:
    code = main(["--data-dir", str(tmp_path / "store"), *argv])
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 and "--json" in argv else out.err


def _imported(tmp_path, capsys, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, doc = _cli(tmp_path, capsys, "import", str(path), "--json")
    assert code == 0 and doc["dataset_id"] == 1


def _counts(tmp_path, by: str) -> tuple[int, tuple[str, ...], dict[str, list[int]]]:
    store = Store(tmp_path / "store" / "funnel.duckdb")
    try:
        info = store.info(1)
        with store.connect(info) as con:
            counts = step_counts(con, info, FunnelSpec(), by)
    finally:
        store.close()
    return info.version, counts.stages, {g: list(n) for g, n in counts.groups.items()}


def test_a_visitor_file_compared_by_group_after_its_import(tmp_path, capsys):
    _imported(tmp_path, capsys, "ab10.csv", AB10)
    assert _counts(tmp_path, "variant") == (1, ("visit", "converted"), {"old_page": [5, 1], "new_page": [5, 4]})
    code, doc = _cli(tmp_path, capsys, "edit", "1", "--map", "variant=group", "--json")
    assert code == 0 and doc["version"] == 2, doc
    assert _counts(tmp_path, "variant") == (2, ("visit", "converted"), {"control": [5, 2], "treatment": [5, 3]})


def test_the_steps_of_a_visitor_file_reordered_after_its_import(tmp_path, capsys):
    _imported(tmp_path, capsys, "cats.csv", CATS10)
    code, doc = _cli(tmp_path, capsys, "edit", "1", "--map", "steps=retention_7,retention_1", "--json")
    assert code == 0 and doc["stage_order"][""] == ["visit", "retention_7", "retention_1"], doc
    assert _counts(tmp_path, "variant") == (2, ("visit", "retention_7", "retention_1"),
                                            {"gate_30": [5, 3, 3], "gate_40": [5, 4, 2]})


def test_a_wide_counts_table_regrouped_after_its_import(tmp_path, capsys):
    _imported(tmp_path, capsys, "ads.csv", ADS8)
    code, doc = _cli(tmp_path, capsys, "edit", "1", "--map", "group=xyz_campaign_id",
                     "--map", "steps=Impressions,Clicks,Approved_Conversion", "--json")
    assert code == 0 and doc["version"] == 2, doc
    assert _counts(tmp_path, "xyz_campaign_id") == (2, ("Impressions", "Clicks", "Approved_Conversion"), {
        "916": [40600, 60, 3], "936": [4900, 13, 2], "1178": [17000, 22, 5]})


@pytest.mark.parametrize(("text", "pairs", "said", "by"), [
    (AB10, ["variant=converted"], "No step is left", "variant"),  # the proposal's only step given another role
    (AB10, ["steps=group"], "“group”", "variant"),  # a text column as a yes/no step: the kept rows' values tell
    (ADS8, ["group=Clicks", "steps=Impressions,Clicks"], "“Clicks”", "age"),
    (ADS8, ["steps=Impressions,gender"], "“gender”", "age"),
], ids=["no_step_left", "text_step", "group_is_step", "text_count"])
def test_a_choice_that_cannot_be_read_changes_nothing(tmp_path, capsys, text, pairs, said, by):
    _imported(tmp_path, capsys, "f.csv", text)
    before = _counts(tmp_path, by)
    code, err = _cli(tmp_path, capsys, "edit", "1", *(a for p in pairs for a in ("--map", p)))
    assert code == 2 and said in err, err
    assert _counts(tmp_path, by) == before  # version 1, the same counts


def test_an_order_set_before_gives_way_to_the_steps_picked(tmp_path, capsys):
    """CATS10 ordered by hand (``--stages visit,retention_7,retention_1``), then edited to the one step retention_1:
    the steps picked are the order (visit, retention_1: gate_30 5 / 3, gate_40 5 / 2), not the order set before, which
    named a step no longer read."""
    _imported(tmp_path, capsys, "cats.csv", CATS10)
    assert _cli(tmp_path, capsys, "edit", "1", "--stages", "visit,retention_7,retention_1")[0] == 0
    code, doc = _cli(tmp_path, capsys, "edit", "1", "--map", "steps=retention_1", "--json")
    assert code == 0 and doc["stage_order"][""] == ["visit", "retention_1"], doc
    assert _counts(tmp_path, "variant") == (3, ("visit", "retention_1"), {"gate_30": [5, 3], "gate_40": [5, 2]})


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
@pytest.mark.parametrize("command", ["import", "edit"])
def test_the_help_of_map_names_the_steps(monkeypatch, capsys, lang, command):
    """``--map steps=A,B`` (the step columns of a visitor file or a wide counts table, in funnel order) was read by
    import and edit but named in neither's ``--help``, in any language."""
    monkeypatch.setenv("FUNNEL_LANG", lang)
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "steps=A,B,C" in out and "variant" in out and "group" in out
