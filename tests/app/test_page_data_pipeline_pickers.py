"""Data page under AppTest: a file of two pipelines gets one pair of won / lost pickers per pipeline, each offering
that pipeline's stages only (session 49: one pair offered the stages of both, so a Renewals stage could be picked
as Sales' sale). The numbers behind it: tests/unit/test_pipelines_won_lost_pickers.py."""

from __future__ import annotations

from tests.app.conftest import open_page, uploaded
from tests.unit.test_pipelines_won_lost_pickers import SHARED


def _picker(at, suffix: str):
    return next(m for m in at.multiselect if m.key.endswith(suffix))


def test_each_pipeline_has_its_own_pickers(data_dir):
    at = uploaded("shared.csv", SHARED.encode(), lang="ru")
    keys = sorted(m.key for m in at.multiselect if "import_" in m.key and m.key.endswith(("_won", "_lost")))
    assert len(keys) == 4, keys  # was 2: one pair over both pipelines
    said = " ".join(c.value for c in at.caption)
    assert "Воронка «Продажи»: её этапы выигрыша и проигрыша" in said and "Воронка «Продления»" in said
    sales_won, renewals_won = _picker(at, "import_p0_won"), _picker(at, "import_p1_won")
    # Sales first (the import lists its pipelines by deals: 4 against 3)
    assert set(sales_won.options) == {"Новая заявка", "Переговоры", "Успешно реализовано", "Закрыто и не реализовано"}
    assert list(sales_won.value) == ["Успешно реализовано"]
    assert set(renewals_won.options) == {"Напоминание", "Переговоры"} and list(renewals_won.value) == []
    assert list(_picker(at, "import_p0_lost").value) == ["Закрыто и не реализовано"]


def test_a_pick_changes_that_pipeline_only(data_dir):
    at = uploaded("shared.csv", SHARED.encode(), lang="en")
    _picker(at, "import_p1_won").set_value(["Переговоры"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(_picker(at, "import_p1_won").value) == ["Переговоры"]
    assert list(_picker(at, "import_p0_won").value) == ["Успешно реализовано"]  # Sales' «Переговоры» is no sale


def test_the_change_panel_has_a_pair_per_pipeline_too(data_dir, tmp_path):
    from funnel.importer import import_file
    from funnel.store import Store

    path = tmp_path / "shared.csv"
    path.write_text(SHARED, encoding="utf-8")
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _ = import_file(store, path, path.name, name="shared")
    store.close()
    at = open_page("pages/data.py", lang="en", ds=str(info.id))
    mine = [m for m in at.multiselect if m.key.startswith(f"edit{info.id}_kinds_p")]
    assert len(mine) == 4, [m.key for m in at.multiselect]
    renewals = next(m for m in mine if m.key.endswith("_p1_won"))
    assert set(renewals.options) == {"Напоминание", "Переговоры"}  # no stage of Sales
