"""Survey 51: the consultant's report and the executive's pages in Russian and Chinese. What was wrong, and the values
worked out by hand:

- A p-value was written as Python writes it («1.9e-32», «0.012» in Russian text).
- The report's findings table wrote counts as «104,0», a lost amount as «7 653 500,0» and days with no unit.
- Its dates were ISO («2026-10-31 23:27:44», months «2026-10»), its velocity paragraph gave the window's win rate
  beside the summary's without naming the window, and its «SHA-256 of the source file» was 128 digits: the deals
  file's and the history file's digests glued together.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest

from funnel.formats import fmt_p
from funnel.report.cells import display
from funnel.report.model import Cell, Column
from funnel.report.sections_notes import _hashes
from funnel.report.words import Words


@pytest.mark.parametrize(("value", "ru", "en"), [
    (0.012, "0,012", "0.012"),  # two significant digits
    (0.35, "0,35", "0.35"),
    (0.0004, "0,00040", "0.00040"),  # two significant digits too
    (1.9e-32, "1,9·10⁻³²", "1.9·10⁻³²"),  # was «1.9e-32»
    (3.94e-8, "3,9·10⁻⁸", "3.9·10⁻⁸"),
    (None, "—", "—"),
])
def test_a_p_value_is_written_as_the_language_writes_numbers(value, ru, en):
    assert (fmt_p(value, "ru"), fmt_p(value, "en")) == (ru, en)


def test_report_cells_of_a_findings_table():
    ru, column = Words("ru"), Column("value", "Значение", "num")
    assert display(column, Cell(104.0, "int"), ru) == "104"  # open deals: a count (was «104,0»)
    assert display(column, Cell(7653500.0, "money"), ru) == "7\u00a0653\u00a0500"  # a lost amount (was «7 653 500,0»)
    assert display(column, Cell(271.94, "days_unit"), ru) == "271,9 дн."  # days with their unit
    assert display(Column("p", "p", "p"), 0.0004, ru) == "< 0,001"
    assert display(Column("p", "p", "p"), 0.0123, ru) == "0,012"
    assert display(Column("d", "Дата", "date"), datetime(2024, 3, 5, 14, 7), ru) == "05.03.2024"  # was 2024-03-05
    assert display(Column("d", "日期", "date"), date(2024, 3, 5), Words("zh")) == "2024年3月5日"


def test_the_history_files_digest_has_a_line_of_its_own():
    deals, history = hashlib.sha256(b"deals").hexdigest(), hashlib.sha256(b"history").hexdigest()
    lines = _hashes(Words("en"), {"source_hash": deals + history, "history_file": "history.csv"})
    assert lines == [("SHA-256 of the source file", deals), ("SHA-256 of the history file", history)]
    assert _hashes(Words("en"), {"source_hash": deals, "history_file": None}) == [("SHA-256 of the source file", deals)]


def test_a_chinese_sentence_is_no_unbreakable_run_but_a_hash_is():
    from funnel.report.html import _unbreakable

    # 35 characters without a space, but a line may break beside each Chinese character: no monospace «hash» cell
    assert not _unbreakable("来源「Рекомендация」：Квалифицирован → Встреча назначена 转化率 97.1%，其他取值 69.2%")
    assert _unbreakable(hashlib.sha256(b"deals").hexdigest())  # 64 hex digits: one run


def test_a_bundled_samples_name_on_the_reports_cover_is_in_the_reports_language(tmp_path):
    from funnel.importer import import_file
    from funnel.report import build_report
    from funnel.sample_datasets import SAMPLE_DIR, manifest
    from funnel.spec import FunnelSpec
    from funnel.store import Store

    entry = manifest()[0]  # «B2B services (amoCRM)», «B2B-услуги (amoCRM)» in Russian (sample_data/manifest.json)
    store = Store(tmp_path / "funnel.duckdb")
    info, _built, _draft = import_file(store, SAMPLE_DIR / entry["file"], entry["file"], stages=entry["stages"],
                                       name=entry["name"])
    with store.connect() as con:
        ru = build_report(con, info, store.row(info.id), FunnelSpec(), "ru", builders=[])
    assert ru.cover[0][1] == entry["name_ru"] == "B2B-услуги (amoCRM)"  # was the stored English name


def test_russian_counts_need_no_agreement_with_the_noun_after_them():
    """«около 841 сделок», «+21 сделок», «из 21 сделок»: a count written before its noun must agree with it (841 and 21
    take «сделки», 5 «сделок»). Each sentence now names the noun before its count («сделок: на 841»)."""
    import json
    import re
    from pathlib import Path

    catalog = Path(__file__).resolve().parents[2] / "funnel" / "i18n" / "catalog"
    found = []
    for path in sorted(catalog.glob("*.ru.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if isinstance(value, str):  # a plural entry ({"one", "few", "many"}) agrees by itself
                found += [(key, m.group(0)) for m in re.finditer(r"\{\w+\} (?:сделок|выигранных|посетителей)", value)]
    assert found == []
