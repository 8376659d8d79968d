"""The Data page's «Change this dataset» panel under AppTest: the roles of an imported visitor file's columns
(variant, steps) and of a wide counts table's (group, steps) are picked there and «Apply» rebuilds the dataset, its
version + 1, as ``edit --map`` does (tests/unit/test_edit_roles.py). Before, the panel showed such a dataset's stage
order alone: Udacity's ``group`` could not become the variant without importing the file again.

Hand counts (tests/unit/test_chosen_roles.py): AB10 as imported compares ``landing_page`` (old_page 5 / 1, new_page
5 / 4); by ``group``: control 5 visitors / 2 converted, treatment 5 / 3. CATS10 with retention_7 then retention_1:
gate_30 5 / 3 / 3, gate_40 5 / 4 / 2. ADS8 by ``xyz_campaign_id`` with Impressions, Clicks, Approved_Conversion: 916
40600 / 60 / 3, 936 4900 / 13 / 2, 1178 17000 / 22 / 5."""

from __future__ import annotations

from funnel.ab_dataset import step_counts
from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.app.conftest import open_page
from tests.unit.test_chosen_roles import AB10, ADS8, CATS10


def _import(data_dir, text: str, name: str) -> int:
    store = Store(data_dir / "funnel.duckdb")
    try:
        info, _built, _draft = import_file(store, text.encode(), name, force=True)
    finally:
        store.close()
    return info.id


def _counts(data_dir, ds: int, by: str) -> tuple[int, tuple[str, ...], dict[str, list[int]]]:
    store = Store(data_dir / "funnel.duckdb")
    try:
        info = store.info(ds)
        with store.connect(info) as con:
            counts = step_counts(con, info, FunnelSpec(), by)
    finally:
        store.close()
    return info.version, counts.stages, {g: list(n) for g, n in counts.groups.items()}


def _picker(at, role: str):
    return next(s for s in at.selectbox if s.key.endswith(f"role_{role}") and s.key.startswith("edit"))


def _steps(at):
    return next(m for m in at.multiselect if m.key.endswith("role_steps") and m.key.startswith("edit"))


def _apply(at, ds: int) -> None:
    next(b for b in at.button if b.key == f"edit{ds}_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_a_visitor_file_compared_by_group_after_its_import(data_dir):
    ds = _import(data_dir, AB10, "ab10_edit.csv")
    assert _counts(data_dir, ds, "variant") == (1, ("visit", "converted"), {"old_page": [5, 1], "new_page": [5, 4]})
    at = open_page("pages/data.py", lang="en", ds=str(ds))
    assert _picker(at, "variant").value == 3 and _steps(at).value == [4]  # landing_page; converted
    _picker(at, "variant").set_value(2).run()  # «group»
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    _apply(at, ds)
    assert _counts(data_dir, ds, "variant") == (2, ("visit", "converted"), {"control": [5, 2], "treatment": [5, 3]})
    assert any("version 2" in s.value for s in at.success)
    assert _picker(at, "variant").value == 2  # the rebuilt dataset's own roles


def test_the_steps_of_a_visitor_file_reordered_after_its_import(data_dir):
    ds = _import(data_dir, CATS10, "cats_edit.csv")
    at = open_page("pages/data.py", lang="ru", ds=str(ds))
    _steps(at).set_value([4, 3]).run()  # retention_7, then retention_1
    _ok(at)
    # the order shown under «Stages» is the steps picked (was the stored visit → retention_1 → retention_7)
    assert [x.value for x in at.text][:3] == ["1. visit", "2. retention_7", "3. retention_1"]
    _apply(at, ds)
    assert _counts(data_dir, ds, "variant") == (2, ("visit", "retention_7", "retention_1"),
                                                {"gate_30": [5, 3, 3], "gate_40": [5, 4, 2]})


def test_a_wide_counts_table_regrouped_after_its_import(data_dir):
    ds = _import(data_dir, ADS8, "ads_edit.csv")
    at = open_page("pages/data.py", lang="zh", ds=str(ds))
    assert _picker(at, "group").value == 3  # «age», as imported
    _picker(at, "group").set_value(1).run()  # «xyz_campaign_id»
    _steps(at).set_value([6, 7, 10]).run()  # Impressions, Clicks, Approved_Conversion
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    _apply(at, ds)
    assert _counts(data_dir, ds, "xyz_campaign_id") == (2, ("Impressions", "Clicks", "Approved_Conversion"), {
        "916": [40600, 60, 3], "936": [4900, 13, 2], "1178": [17000, 22, 5]})


def test_a_choice_that_cannot_be_read_is_said_and_the_dataset_kept(data_dir):
    ds = _import(data_dir, AB10, "ab10_refused.csv")
    at = open_page("pages/data.py", lang="ru", ds=str(ds))
    _picker(at, "variant").set_value(4).run()  # «converted», which is the step
    _ok(at)
    said = " ".join(w.value for w in at.warning)
    assert "Столбец «converted» не может быть одновременно «Вариант» и «Шаг»" in said
    assert "у набора данных остаются прежние роли" in said
    _apply(at, ds)  # nothing picked that can be read: rebuilt with its roles as they were
    assert _counts(data_dir, ds, "variant")[1:] == (("visit", "converted"), {"old_page": [5, 1], "new_page": [5, 4]})
