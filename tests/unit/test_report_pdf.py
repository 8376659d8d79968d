"""The PDF (Chromium printing the report's HTML): its text, its contents page, its chart pixels.

Two prints only (Chromium's start costs seconds). Skipped where Debian's chromium or poppler's
pdftotext/pdftoppm are missing (apt-get install chromium poppler-utils fonts-noto-cjk).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime

import pytest
from PIL import Image

from funnel.formats import fmt_int, fmt_pct
from funnel.importer import import_file
from funnel.report import build_report, render
from funnel.report.pdf import pdf_available
from funnel.sample_datasets import SAMPLE_DIR, manifest
from funnel.spec import FunnelSpec
from tests.sample_truth import b2b_reached
from tests.unit.test_report import CSV, FORMULA, SCRIPT, STAGES

pytestmark = pytest.mark.skipif(not (pdf_available() and shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                reason="needs /usr/bin/chromium and poppler-utils")


def pdf_pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [" ".join(page.replace("\u00a0", " ").split()) for page in text.decode("utf-8").split("\f")]


def page_image(pdf: bytes, page: int, tmp_path) -> Image.Image:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), str(path),
                    str(tmp_path / "page")], check=True)
    return Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")


def test_b2b_pdf_in_russian(mem_store, tmp_path):
    entry = manifest()[0]
    info, _built, _draft = import_file(mem_store, SAMPLE_DIR / entry["file"], entry["file"],
                                       history=SAMPLE_DIR / entry["history"], stages=entry["stages"])
    with mem_store.connect() as con:
        report = build_report(con, info, mem_store.row(info.id), FunnelSpec(), "ru", now=datetime(2026, 1, 2))
    pdf = render(report, "pdf")
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    text = " ".join(pages)
    titles = ["Главное", "Ключевые показатели", "Воронка", "Где теряются сделки", "Менеджеры", "Качество данных",
              "Определения", "Оговорки", "Воспроизводимость"]
    numbered = [s.title for s in report.sections]  # with the findings, velocity and pipeline sections between
    assert [t for t in numbered if t in titles] == titles
    for i, title in enumerate(numbered, 1):
        assert f"{i}. {title}" in text
    # KPIs and the stage table, from the CSV files by pandas: every deal reached stage 1
    assert f"Сделки {fmt_int(b2b_reached(1), 'ru')}".replace("\u00a0", " ") in text
    reached, before = b2b_reached(4), b2b_reached(3)  # "Встреча проведена" and the stage before
    assert f"{fmt_int(reached, 'ru')} {fmt_pct(reached / before, 'ru')}".replace("\u00a0", " ") in text
    # page numbers in the footer, and the contents say on which page each section starts
    assert f"Стр. 1 из {len([p for p in pages if p])}" in pages[0]
    funnel_page = int(re.search(r"3\. Воронка (\d+)", pages[0]).group(1))
    assert pages[funnel_page - 1].startswith("3. Воронка")
    # the chart is drawn: the funnel's blue bars cover a good part of the page
    image = page_image(pdf, funnel_page, tmp_path)
    blue = sum(1 for r, g, b in image.getdata() if b > 180 and r < 90 and 70 < g < 130)
    assert blue > 0.04 * image.width * image.height


def test_hostile_names_print_as_text(mem_store, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(CSV, encoding="utf-8")
    info, _built, _draft = import_file(mem_store, path, path.name, stages=STAGES)
    with mem_store.connect() as con:
        report = build_report(con, info, mem_store.row(info.id), FunnelSpec(), "en", consultant=SCRIPT)
    text = " ".join(pdf_pages(render(report, "pdf")))
    assert f"Prepared by: {SCRIPT}" in text and FORMULA in text
    assert "Deals 5" in text and "Win rate (won / closed) 66.7%" in text  # 2 won of 3 closed
