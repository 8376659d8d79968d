"""The report's data-quality lines: a note about the file as a whole counts no rows (helper h2, Maven's CRM
pipeline in Russian: «Предупреждений о качестве данных (затронуто строк): 1» for «no creation date column»,
and «1» in the table's «Строк» column, while that note concerns every deal and no single row)."""

from __future__ import annotations

from datetime import datetime

from funnel.importer import import_file
from funnel.report import build_report
from funnel.spec import FunnelSpec

# four deals with no creation date at all (Maven's sales_pipeline.csv has none either): the import says so once,
# a note about the file; nothing else in the file is wrong
CSV = ("ID,Stage,Amount,Closed,Owner\n"
       "1,Prospecting,,,Ann\n"
       "2,Engaging,,,Bob\n"
       "3,Won,100,2024-01-13,Ann\n"
       "4,Lost,0,2024-01-05,Bob\n")


def _report(mem_store, tmp_path, lang):
    path = tmp_path / "deals.csv"
    path.write_text(CSV, encoding="utf-8")
    info, _built, _draft = import_file(mem_store, path, path.name, stages=["Prospecting", "Engaging", "Won"])
    with mem_store.connect() as con:
        return build_report(con, info, mem_store.row(info.id), FunnelSpec(), lang, now=datetime(2026, 1, 2))


def test_a_note_about_the_whole_file_counts_no_rows(mem_store, tmp_path):
    report = _report(mem_store, tmp_path, "ru")
    table = report.section("quality").tables[0]
    notes = [i for i, text in enumerate(table.column("finding")) if "даты создания" in text]
    assert notes, table.column("finding")
    assert [table.column("count")[i] for i in notes] == [None] * len(notes)  # «—» in HTML/PDF, blank in XLSX
    summary = " ".join(report.section("summary").paragraphs)
    assert "затронуто строк" not in summary
    assert f"касающихся файла целиком (не отдельных строк): {len(notes)}" in summary


def test_the_note_sentence_exists_in_chinese(mem_store, tmp_path):
    summary = " ".join(_report(mem_store, tmp_path, "zh").section("summary").paragraphs)
    assert "涉及的行" not in summary and "关于整个文件（而非个别行）的数据质量警告：1" in summary
