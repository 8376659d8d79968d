"""The consultant's report: numbers equal the CLI's, every format keeps user data inert, sections
that the data cannot support say why, every report word exists in every report language."""

from __future__ import annotations

import io
import json
import string
import subprocess
import sys
import zipfile
from datetime import datetime

import openpyxl
import pytest

from funnel.i18n import CATALOG_DIR
from funnel.importer import import_file
from funnel.report import SECTION_BUILDERS, build_report, render
from funnel.report.model import Column, Section, Table
from funnel.sample_datasets import SAMPLE_DIR, manifest
from funnel.spec import FunnelSpec
from tests.conftest import ROOT

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
# Five deals, three stages; hostile names as a stage, a manager and a deal name.
CSV = ("ID,Name,Stage,Amount,Created,Closed,Owner\n"
       f"1,ok,Lead,100,2024-01-01,,Ann\n"
       f"2,\"{FORMULA}\",{SCRIPT},200,2024-01-02,,\"{FORMULA}\"\n"
       f"3,x,Closed Won,300,2024-01-03,2024-01-13,Ann\n"
       f"4,y,Closed Lost,50,2024-01-04,2024-01-05,{SCRIPT}\n"
       f"5,z,Closed Won,500,2024-01-05,2024-01-25,\"{FORMULA}\"\n")
STAGES = ["Lead", SCRIPT, "Closed Won"]
NOW = datetime(2026, 1, 2, 3, 4)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "funnel", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture
def hostile(mem_store, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(CSV, encoding="utf-8")
    info, _built, _draft = import_file(mem_store, path, path.name, stages=STAGES)
    return mem_store, info


def report_of(store, info, spec=None, lang="en", **options):
    with store.connect() as con:
        return build_report(con, info, store.row(info.id), spec or FunnelSpec(), lang, now=NOW, **options)


def sheet_rows(book, title):
    return [[c.value for c in row] for row in book[title].iter_rows()]


def test_small_funnel_by_hand(hostile):
    store, info = hostile
    report = report_of(store, info)
    # deals 1 (open, Lead), 2 (open, at the second stage), 3 and 5 won, 4 lost with no recorded stage
    kpis = dict(zip(report.section("kpis").tables[0].column("kpi"), report.section("kpis").tables[0].column("value"),
                    strict=True))
    assert (kpis["Deals"], kpis["Won"], kpis["Lost"], kpis["Open"]) == (5, 2, 1, 2)
    assert kpis["Win rate (won / closed)"] == pytest.approx(2 / 3)
    assert kpis["Revenue"] == 800 and kpis["Average deal size"] == 400
    assert kpis["Sales cycle, median (days)"] == 15  # 10 and 20 days
    stages = report.section("funnel").tables[0]
    assert stages.column("stage") == STAGES and stages.column("reached") == [5, 3, 2]
    # only five deals and three closed: the caveats say the sample is small and two deals are open
    caveats = " ".join(report.section("caveats").bullets)
    assert "Closed deals: 3, fewer than 30" in caveats and "Open deals: 2 (40.0% of all)" in caveats


def test_report_numbers_equal_metrics_json(tmp_path):
    entry = manifest()[0]  # the B2B sample
    files = [str(SAMPLE_DIR / entry["file"]), "--history", str(SAMPLE_DIR / entry["history"]),
             "--stages", ",".join(f'"{s}"' for s in entry["stages"])]
    window = ["--from", "2025-07-01", "--to", "2025-12-31"]
    metrics = cli("metrics", *files, *window, "--json")
    assert metrics.returncode == 0, metrics.stderr
    doc = json.loads(metrics.stdout)
    out = tmp_path / "r.xlsx"
    made = cli("report", *files, *window, "--format", "xlsx", "--out", str(out))
    assert made.returncode == 0 and made.stdout.strip() == f"Report written: {out}", made.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:4] == ["Report", "Key figures", "Stages", "Drop-offs"]
    kpis = {row[0]: row[1] for row in sheet_rows(book, "Key figures")[1:]}
    assert kpis["Deals"] == doc["deals"] and kpis["Won"] == doc["won"] and kpis["Open"] == doc["open"]
    assert kpis["Win rate (won / closed)"] == pytest.approx(doc["win_rate"])
    assert kpis["Win rate (won / all deals)"] == pytest.approx(doc["win_rate_all"])
    assert kpis["Revenue"] == pytest.approx(doc["revenue"])
    assert kpis["Sales cycle, median (days)"] == pytest.approx(doc["median_cycle_days"])
    stages = sheet_rows(book, "Stages")
    assert stages[0][:3] == ["Stage", "Reached", "Step conversion"]
    assert [(r[0], r[1]) for r in stages[1:]] == [(s["stage"], s["reached"]) for s in doc["stages"]]
    assert [r[3] for r in stages[1:]] == pytest.approx([s["cumulative_conversion"] for s in doc["stages"]])
    # numbers are numbers with formats, headers frozen
    sheet = book["Key figures"]
    assert isinstance(sheet["B2"].value, int | float) and sheet["B2"].number_format == "#,##0"
    assert sheet["B6"].number_format == "0.0%" and sheet.freeze_panes == "A2"
    assert book["Stages"]["C3"].number_format == "0.0%" and book["Stages"].freeze_panes == "A2"
    # the deals behind the biggest drop-off, one row each: reached there minus reached at the next stage
    reached = [s["reached"] for s in doc["stages"]]
    biggest = max(range(len(reached) - 1), key=lambda i: reached[i] - reached[i + 1])
    sheet = book[book.sheetnames[4]]
    assert sheet.title.startswith("Deals 1 · ") and sheet.max_row - 1 == reached[biggest] - reached[biggest + 1]


def test_hostile_names_are_inert_in_html_and_xlsx(hostile):
    store, info = hostile
    report = report_of(store, info, consultant=SCRIPT)
    page = render(report, "html").decode("utf-8")
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 2  # Plotly's code once, the one rendering script
    assert page.count("* plotly.js v") == 1 and "alert(1)</" not in page
    book_bytes = render(report, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value in (FORMULA, SCRIPT)]
    assert {c.value for c in cells} == {FORMULA, SCRIPT}  # the manager sheet holds both names
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(book_bytes)) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # no formula anywhere
    # the deals behind the drop-off at Lead: deal 1 (open there) and deal 4 (lost, stage unknown)
    deals = sheet_rows(book, "Deals 1 · Lead")
    assert deals[0][:4] == ["Deal ID", "Deal", "Stage", "Status"]
    assert sorted((r[0], r[3]) for r in deals[1:]) == [("1", "open"), ("4", "lost")]


def test_every_section_in_reading_order_and_plotly_once(hostile):
    store, info = hostile
    report = report_of(store, info, lang="ru")
    # findings (issue 9) after the drop-offs; velocity and the pipeline (issue 10) after the managers
    assert [s.key for s in report.sections] == ["summary", "kpis", "funnel", "drop_offs", "findings", "managers",
                                                "velocity", "pipeline_forecast", "quality", "definitions",
                                                "caveats", "reproducibility"]
    page = render(report, "html").decode("utf-8")
    assert page.count("Plotly.newPlot") == 1 and "Аудит воронки продаж" in page
    assert all(f"{i}. {s.title}" in page for i, s in enumerate(report.sections, 1))
    versions = dict(report.section("reproducibility").tables[0].rows)
    assert versions["SHA-256 исходного файла"] == store.row(info.id)["source_hash"]


def test_a_new_section_builder_is_one_function(hostile):
    store, info = hostile

    def findings(inp):
        table = Table("f", "Findings", [Column("what", "What"), Column("check", "Check this", printed=False)],
                      [["leak", "read the lost reasons"]])
        return Section("findings", "Findings", paragraphs=[f"Deals: {inp.outcomes.deals}"], tables=[table])

    report = report_of(store, info, builders=[*SECTION_BUILDERS[:4], findings, *SECTION_BUILDERS[4:]])
    page = render(report, "html").decode()
    assert report.sections[4].key == "findings" and "Deals: 5" in page
    # a workbook-only column: not printed, but in its sheet
    assert "<td>leak</td>" in page and "Check this" not in page and "read the lost reasons" not in page
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert sheet_rows(book, "Findings") == [["What", "Check this"], ["leak", "read the lost reasons"]]


def test_counts_data_say_what_they_cannot_show(mem_store):
    path = SAMPLE_DIR / "web_counts_by_source.csv"
    info, _built, _draft = import_file(mem_store, path, path.name, stages=["impression", "click", "lead", "sale"])
    report = report_of(mem_store, info, lang="en")
    assert "no individual deals" in report.section("managers").note
    kpis = report.section("kpis").tables[0]
    notes = dict(zip(kpis.column("kpi"), kpis.column("note"), strict=True))
    assert "do not say which deals were won" in notes["Won"] and notes["Revenue"]
    # the first row counts impressions (12,943 + 11,278 + 6,954 + 3,099 + 5,726 = 40,000), not deals
    values = dict(zip(kpis.column("kpi"), kpis.column("value"), strict=True))
    assert "Deals" not in values and values["At the first step"] == 40000
    assert report.section("caveats").bullets[0].startswith("The data are aggregate counts")


def test_chinese_report_words(hostile):
    store, info = hostile
    report = report_of(store, info, lang="zh")
    assert report.title == "销售漏斗审计" and report.section("kpis").title == "关键指标"


def test_report_catalogs_have_the_same_keys_and_placeholders():
    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    catalogs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in CATALOG_DIR.glob("report.*.json")}
    assert set(catalogs) >= {"report.en.json", "report.ru.json", "report.zh.json"}
    en = catalogs["report.en.json"]
    for name, words in catalogs.items():
        assert words.keys() == en.keys(), name
        assert all(fields(text) == fields(en[key]) for key, text in words.items()), name


@pytest.mark.parametrize("args, words", [
    (["--format", "doc"], "Unknown report format “doc”"),
    (["--lang", "fr"], "Unknown report language “fr”"),
    (["--from", "2025-13-01"], "Cannot read the date"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, args, words):
    path = tmp_path / "d.csv"
    path.write_text(CSV, encoding="utf-8")
    out = cli("report", str(path), "--out", str(tmp_path / "r.html"), *args)
    assert out.returncode == 2 and words in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()


def test_pinned_ab_comparison(hostile):
    store, info = hostile
    pin = {"ds": info.id, "by": "manager", "control": "Ann", "step": None, "alpha": 0.05, "sequential": False}
    report = report_of(store, info, extras={"ab_pins": [pin]})
    section = report.section("ab")
    keys = [s.key for s in report.sections]
    assert keys.index("ab") == keys.index("pipeline_forecast") + 1  # after the managers, velocity and pipeline
    # whole funnel, Lead -> Closed Won, per manager: Ann deals 1 (open) and 3 (won); the formula-named
    # manager deals 2 (open) and 5 (won); the script-named one deal 4 (lost)
    table = section.tables[0]
    assert dict(zip(table.column("group"), zip(table.column("n"), table.column("conversions"), strict=True),
                    strict=True)) == {"Ann": (2, 1), FORMULA: (2, 1), SCRIPT: (1, 0)}
    assert "Control group: Ann." in section.paragraphs[0]
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert "AB 1 · Owner" in book.sheetnames  # the column as the file names it
    rows = sheet_rows(book, "AB 1 · Owner")
    assert rows[0][:3] == ["Group", "Entered", "Converted"] and rows[1][:4] == ["Ann", 2, 1, 0.5]
    assert report_of(store, info, extras={"ab_pins": []}).section("ab") is None  # nothing pinned: no section


def test_cli_logo_and_consultant_on_the_cover(tmp_path):
    from PIL import Image

    data = tmp_path / "d.csv"
    data.write_text(CSV, encoding="utf-8")
    logo = tmp_path / "logo.png"
    Image.new("RGB", (4, 4), "red").save(logo)
    out = tmp_path / "r.html"
    done = cli("report", str(data), "--stages", ",".join(STAGES), "--out", str(out), "--lang", "ru",
               "--consultant", "Анна Петрова", "--logo", str(logo))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page and "Подготовил(а): <b>Анна Петрова</b>" in page
    fake = tmp_path / "logo.jpg"
    fake.write_text("<svg onload=alert(1)>", encoding="utf-8")  # not an image: refused by its bytes
    refused = cli("report", str(data), "--out", str(out), "--logo", str(fake))
    assert refused.returncode == 2 and "is not a PNG or JPEG" in refused.stderr


def test_web_funnel_shows_no_win_rate_money_or_cycle(mem_store):
    entry = manifest()[1]  # the web funnel: visitors and steps
    path = SAMPLE_DIR / entry["file"]
    info, _built, _draft = import_file(mem_store, path, path.name, stages=entry["stages"])
    kpis = report_of(mem_store, info).section("kpis").tables[0]
    rows = {row[0]: row for row in kpis.rows}
    for label in ("Win rate (won / closed)", "Revenue", "Sales cycle, median (days)"):
        assert rows[label][1].value is None and rows[label][4], label  # no number, and why
    assert rows["Visitors"][1].value == 40_000  # the sample's visitors, labelled as on the Overview
