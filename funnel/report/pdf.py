"""The PDF: Debian's Chromium prints the report's HTML (A4, vector charts, page numbers, contents).

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; override with ``FUNNEL_CHROMIUM``), the
Python package ``playwright`` (never ``playwright install``: the system browser is used), and fonts
for Cyrillic and Chinese (``fonts-dejavu-core``, ``fonts-noto-cjk``). With ``pdftotext``
(``poppler-utils``) the contents list gets page numbers: a first print tells on which page each
section starts, a second print fills them in.

Playwright's sync API refuses to run where an asyncio loop is running (e.g. a Streamlit server
thread), so printing always happens on a fresh worker thread.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..errors import FunnelError
from .html import esc, render_html, section_id
from .model import Report

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT: Any = {"width": 760, "height": 1080}  # about the printed A4 column, so charts are laid out for it
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}


def chromium_path() -> str:
    return os.environ.get("FUNNEL_CHROMIUM", "/usr/bin/chromium")


def pdf_available() -> bool:
    if not Path(chromium_path()).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _footer(report: Report) -> str:
    page, of = esc(report.labels.get("page", "Page")), esc(report.labels.get("of", "of"))
    title = esc(report.cover[0][1] if report.cover else "")
    return ('<div style="font-size:8px;width:100%;padding:0 14mm;color:#64748b;'
            'font-family:\'DejaVu Sans\',\'Noto Sans CJK SC\',sans-serif;display:flex;">'
            f'<span style="flex:1">{title}</span>'
            f'<span>{page} <span class="pageNumber"></span> {of} <span class="totalPages"></span></span></div>')


def section_pages(pdf: bytes, report: Report) -> dict[str, int]:
    """Page (1-based) where each section's heading is printed, read back with ``pdftotext``."""
    tool = shutil.which("pdftotext")
    if not tool:
        return {}
    text = subprocess.run([tool, "-layout", "-", "-"], input=pdf, capture_output=True, check=False).stdout
    pages = text.decode("utf-8", "replace").split("\f")
    found: dict[str, int] = {}
    start = 1  # page 1 holds the cover and the contents, which repeat every heading
    for number, section in enumerate(report.sections, 1):
        heading = " ".join(f"{number}. {section.title}".split())
        for i in range(start, len(pages)):
            if any(" ".join(line.split()).startswith(heading) for line in pages[i].splitlines()):
                found[section_id(section)] = i + 1
                start = i
                break
    return found


FILL_PAGES = """(pages) => { for (const [id, n] of Object.entries(pages)) {
  const el = document.querySelector('.toc-page[data-for="' + id + '"]'); if (el) el.textContent = n; } }"""


def _print(report: Report, html_text: str) -> bytes:
    from playwright.sync_api import sync_playwright

    options: dict[str, Any] = {"format": "A4", "margin": MARGIN, "print_background": True, "display_header_footer": True,
               "header_template": "<span></span>", "footer_template": _footer(report), "outline": True}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            # the report is self-contained: any request beyond its own file is refused (and would
            # leave a chart blank, which the tests see)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            with tempfile.TemporaryDirectory(prefix="funnel_report_") as folder:
                path = Path(folder) / "report.html"  # a file loads far faster than set_content
                path.write_text(html_text, encoding="utf-8")
                page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("window.__plotsDone === true", timeout=60_000)
            page.emulate_media(media="print")
            first = page.pdf(**options)
            pages = section_pages(first, report)
            if not pages:
                return first
            page.evaluate(FILL_PAGES, pages)
            return page.pdf(**options)
        finally:
            browser.close()


def render_pdf(report: Report) -> bytes:
    if not pdf_available():
        raise FunnelError("report.pdf_unavailable", chromium=chromium_path())
    html_text = render_html(report)
    from playwright.sync_api import Error as PlaywrightError

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_print, report, html_text).result()
        except PlaywrightError as exc:  # the browser failed to start or to print: one line, not a traceback
            raise FunnelError("report.pdf_failed", reason=str(exc).splitlines()[0][:200]) from exc
