"""Data page under AppTest: the roles of a visitor file's columns (variant, steps) and of a wide counts table's
(group, steps) are picked in the browser, kept across reruns, and the import reads them. Before, both shapes were
shown as a read-only table: Udacity's ``group`` could not be the variant, KAG's campaign could not be the group.

The files and their hand counts are those of ``tests/unit/test_chosen_roles.py``: AB10 by ``group`` control 5
visitors / 2 converted, treatment 5 / 3 (by ``landing_page``, the proposal: old_page 5 / 1, new_page 5 / 4); CATS10
with the step retention_7 alone: gate_30 5 / 2, gate_40 5 / 3; ADS8 by ``xyz_campaign_id`` with Impressions, Clicks,
Approved_Conversion: 916 40600 / 60 / 3, 936 4900 / 13 / 2, 1178 17000 / 22 / 5."""

from __future__ import annotations

from funnel.ab_dataset import step_counts
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.app.conftest import open_page, uploaded
from tests.unit.test_chosen_roles import AB10, ADS8, CATS10


def _picker(at, role: str):
    return next(s for s in at.selectbox if s.key.endswith(f"role_{role}"))


def _steps(at):
    return next(m for m in at.multiselect if m.key.endswith("role_steps"))


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _import(at, data_dir, by: str) -> tuple[str, tuple[str, ...], dict[str, list[int]]]:
    """Click Import; the new dataset's id, stages and counts per group of ``by``."""
    at.button(key="confirm_import").click().run()
    _ok(at)
    ds = at.query_params["ds"]
    ds = ds[0] if isinstance(ds, list) else ds
    store = Store(data_dir / "funnel.duckdb")
    try:
        info = store.info(int(ds))
        with store.connect(info) as con:
            counts = step_counts(con, info, FunnelSpec(), by)
    finally:
        store.close()
    return ds, counts.stages, {g: list(n) for g, n in counts.groups.items()}


def test_a_visitor_file_compared_by_group_picked_on_the_page(data_dir):
    at = uploaded("ab10.csv", AB10.encode())
    assert _picker(at, "variant").value == 3  # «landing_page», the proposal
    assert _steps(at).value == [4]  # «converted»
    _picker(at, "variant").set_value(2).run()  # «group»
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    at.text_input(key="import_name").set_value("ab10 by group").run()  # another rerun: the choice is kept
    _ok(at)
    assert _picker(at, "variant").value == 2
    ds, stages, groups = _import(at, data_dir, "variant")
    assert (stages, groups) == (("visit", "converted"), {"control": [5, 2], "treatment": [5, 3]})
    ab = open_page("pages/ab.py", lang="en", ds=ds)
    shown = " ".join(str(d.value.to_string()) for d in ab.dataframe)
    assert "control" in shown and "treatment" in shown and "old_page" not in shown


def test_the_same_column_as_variant_and_step_is_said_and_the_proposal_kept(data_dir):
    at = uploaded("ab10.csv", AB10.encode(), lang="ru")
    _picker(at, "variant").set_value(4).run()  # «converted», which is the step
    _ok(at)
    said = " ".join(w.value for w in at.warning)
    assert "Столбец «converted» не может быть одновременно «Вариант» и «Шаг»" in said
    assert "остаются предложенные роли" in said
    _ds, _stages, groups = _import(at, data_dir, "variant")
    assert groups == {"old_page": [5, 1], "new_page": [5, 4]}  # the proposal, as read without the pickers


def test_no_step_left_is_said(data_dir):
    at = uploaded("ab10.csv", AB10.encode(), lang="zh")
    _steps(at).set_value([]).run()
    _ok(at)
    assert any("没有剩下任何步骤" in w.value for w in at.warning)


def test_the_steps_of_a_visitor_file_picked_on_the_page(data_dir):
    at = uploaded("cats.csv", CATS10.encode())
    assert _picker(at, "variant").value == 1 and _steps(at).value == [3, 4]  # version; retention_1, retention_7
    _steps(at).set_value([4]).run()  # retention_7 alone
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    _ds, stages, groups = _import(at, data_dir, "variant")
    assert (stages, groups) == (("visit", "retention_7"), {"gate_30": [5, 2], "gate_40": [5, 3]})


def test_a_wide_counts_table_grouped_by_campaign_on_the_page(data_dir):
    at = uploaded("ads.csv", ADS8.encode())
    assert _picker(at, "group").value == 3  # «age», the proposal
    _picker(at, "group").set_value(1).run()  # «xyz_campaign_id»
    _steps(at).set_value([6, 7, 10]).run()  # Impressions, Clicks, Approved_Conversion
    _ok(at)
    assert not at.warning, [w.value for w in at.warning]
    _ds, stages, groups = _import(at, data_dir, "xyz_campaign_id")
    assert stages == ("Impressions", "Clicks", "Approved_Conversion")
    assert groups == {"916": [40600, 60, 3], "936": [4900, 13, 2], "1178": [17000, 22, 5]}


def test_a_step_as_the_group_is_said(data_dir):
    at = uploaded("ads.csv", ADS8.encode())
    _picker(at, "group").set_value(7).run()  # «Clicks», a step
    _ok(at)
    said = " ".join(w.value for w in at.warning).replace("\\", "")  # markdown's escapes
    assert "Column “Clicks” cannot be both “Group (variant, source, segment)” and “Stage (one column each)”" in said


def test_the_stage_order_shown_follows_the_steps_reordered(data_dir):
    # the order shown under «Stages» kept the previous steps' order while the build read the new one
    at = uploaded("cats.csv", CATS10.encode())
    _steps(at).set_value([4, 3]).run()  # retention_7, then retention_1
    _ok(at)
    assert [t.value for t in at.text][:3] == ["1. visit", "2. retention_7", "3. retention_1"]
    _ds, stages, groups = _import(at, data_dir, "variant")
    assert (stages, groups) == (("visit", "retention_7", "retention_1"), {"gate_30": [5, 3, 3], "gate_40": [5, 4, 2]})
