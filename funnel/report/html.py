"""The report as ONE self-contained HTML file: opens offline, Plotly's JS embedded once, printable.

Every piece of user data (dataset, stage, manager and file names, filter values) goes through
:func:`html.escape`; figure data is JSON inside the single rendering script with ``<``, ``>`` and
``&`` written as ``\\u`` escapes, so no name can close the script or open a tag. The same page is
what Chromium prints to PDF (A4, page breaks before the big sections; see :mod:`.pdf`).
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache

from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from .cells import display, is_number
from .model import Report, Section, Table, kind_of
from .words import Words

BREAK_BEFORE = {"summary", "funnel", "definitions"}  # start a new printed page
KEEP_ROWS = 25  # a section without figures and with at most this many table rows is not split across pages
LOGO_MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_type(data: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` by the file's first bytes (never by its name), else ``None``."""
    return next((mime for magic, mime in LOGO_MAGIC.items() if data.startswith(magic)), None)

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --accent: #1d4ed8; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", Arial, sans-serif;
       color: var(--ink); font-size: 10.5pt; line-height: 1.45; margin: 0 auto; max-width: 190mm; padding: 8mm; }
/* Cyrillic in a Chinese report (a stage «Встреча назначена») in a Cyrillic font: the CJK font's own is spaced wide */
@font-face { font-family: "Report Cyrillic"; src: local("DejaVu Sans"); unicode-range: U+0400-052F; }
:lang(zh) body, body:lang(zh) { font-family: "Report Cyrillic", "Noto Sans CJK SC", "Noto Sans SC", "DejaVu Sans", sans-serif; }
h1 { font-size: 24pt; margin: 0 0 4mm; color: var(--accent); }
h2 { font-size: 15pt; margin: 8mm 0 3mm; padding-bottom: 1.5mm; border-bottom: 2px solid var(--accent); }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
.cover { padding-top: 20mm; }
.cover .logo { max-height: 22mm; max-width: 70mm; margin-bottom: 8mm; }
.cover table.meta td { padding: 1.2mm 4mm 1.2mm 0; border: none; vertical-align: top; }
.cover table.meta td:first-child { color: var(--muted); white-space: nowrap; }
.consultant { margin-top: 8mm; font-size: 11pt; }
nav.toc { margin-top: 12mm; }
nav.toc ol { padding-left: 0; list-style: none; }
nav.toc li { display: flex; border-bottom: 1px dotted var(--line); padding: 1mm 0; }
nav.toc li a { flex: 1; color: var(--ink); text-decoration: none; }
nav.toc .toc-page { min-width: 10mm; text-align: right; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9pt; }
th, td { border-bottom: 1px solid var(--line); padding: 1.3mm 2mm; text-align: left; vertical-align: top; }
td.long, td.code { overflow-wrap: anywhere; font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; }
td.code span { white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
/* a key figure's name keeps room beside a long note (Maven, no creation dates: «Sales cycle, 90th percentile
   (days)» was squeezed to four lines of one word each by the reason beside it) */
table[data-table="kpis"] td:first-child { min-width: 42mm; }
.caption { color: var(--muted); font-size: 9pt; margin: 0 0 1mm; }
.note { background: #fff7ed; border-left: 3px solid #f59e0b; padding: 2mm 3mm; }
.figure { width: 100%; margin: 2mm 0 4mm; }
code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
@media print {
  body { padding: 0; max-width: none; }
  .break { break-before: page; }
  thead { display: table-header-group; }
  tr, .figure, .note, li, .keep { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@cache
def plotly_js() -> str:
    return get_plotlyjs()


def script_json(value) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, no ``<!--``, no entity surprises."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def section_id(section: Section) -> str:
    return "s-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in section.key)


# where a line may break: a space, or beside a Chinese character or a full-width mark (Chinese writes no spaces)
_BREAKS = re.compile(r"[\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def _unbreakable(text: str) -> bool:
    """A hash or a command: long runs without spaces that would push the table off the page (a Chinese sentence
    breaks between its characters: survey 51's finding titles were set in the monospace of a hash)."""
    return any(len(part) > 28 for part in _BREAKS.split(text))


def _table(table: Table, w: Words) -> str:
    shown = [i for i, c in enumerate(table.columns) if c.printed]
    head = "".join(f"<th>{esc(table.columns[i].label)}</th>" for i in shown)
    body = []
    for row in table.rows:
        cells = []
        for column, cell in ((table.columns[i], row[i]) for i in shown):
            text = display(column, cell, w)
            if kind_of(column, cell) == "code":  # a command: lines break between words, never at a hyphen
                cells.append('<td class="code">' + " ".join(f"<span>{esc(p)}</span>" for p in text.split()) + "</td>")
                continue
            cls = ' class="num"' if is_number(column, cell) else ' class="long"' if _unbreakable(text) else ""
            cells.append(f"<td{cls}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<h3>{esc(table.title)}</h3><table data-table="{esc(table.key)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _section(section: Section, number: int, w: Words, figures: list) -> str:
    rows = sum(len(t.rows) for t in section.tables if not t.appendix)
    cls = "section" + (" break" if section.key in BREAK_BEFORE else "") + (
        " keep" if not section.figures and rows <= KEEP_ROWS else "")
    parts = [f'<section id="{section_id(section)}" class="{cls}"><h2>{number}. {esc(section.title)}</h2>']
    if section.note:
        parts.append(f'<p class="note">{esc(section.note)}</p>')
    parts += [f"<p>{esc(p)}</p>" for p in section.paragraphs]
    if section.bullets:
        parts.append("<ul>" + "".join(f"<li>{esc(b)}</li>" for b in section.bullets) + "</ul>")
    for fig in section.figures:
        height = int((fig.get("layout") or {}).get("height") or 400)
        parts.append(f'<div class="figure plot" id="fig-{len(figures)}" style="height:{height}px"></div>')
        figures.append(fig)
    parts += [_table(t, w) for t in section.tables if not t.appendix]
    parts.append("</section>")
    return "".join(parts)


def _cover(report: Report) -> str:
    labels = report.labels
    logo = ""
    if report.logo and logo_type(report.logo[0]) == report.logo[1]:
        data = base64.b64encode(report.logo[0]).decode("ascii")
        logo = f'<img class="logo" alt="" src="data:{report.logo[1]};base64,{data}">'
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in report.cover)
    consultant = (f'<p class="consultant">{esc(labels.get("prepared_by"))}: <b>{esc(report.consultant)}</b></p>'
                  if report.consultant else "")
    return (f'<section class="cover">{logo}<h1>{esc(report.title)}</h1>'
            f'<table class="meta"><tbody>{rows}</tbody></table>{consultant}</section>')


def _toc(report: Report) -> str:
    items = "".join(f'<li><a href="#{section_id(s)}">{i}. {esc(s.title)}</a>'
                    f'<span class="toc-page" data-for="{section_id(s)}"></span></li>'
                    for i, s in enumerate(report.sections, 1))
    return f'<nav class="toc"><h2>{esc(report.labels.get("contents"))}</h2><ol>{items}</ol></nav>'


RENDER_SCRIPT = """
(function () {
  var figures = %s;
  var jobs = figures.map(function (f, i) {
    return Plotly.newPlot("fig-" + i, f.data, f.layout, {displayModeBar: false, responsive: true});
  });
  Promise.all(jobs).then(function () { window.__plotsDone = true; });
})();
"""


def render_html(report: Report) -> str:
    w = Words(report.lang)
    figures: list = []
    body = "".join(_section(s, i, w, figures) for i, s in enumerate(report.sections, 1))
    plotly = f"<script>{plotly_js()}</script>" if figures else ""
    return (f'<!DOCTYPE html><html lang="{esc(report.lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(report.title)} — {esc(report.cover[0][1] if report.cover else '')}</title>"
            f"<style>{CSS}</style>{plotly}</head><body>{_cover(report)}{_toc(report)}{body}"
            f"<script>{RENDER_SCRIPT % script_json(figures) if figures else 'window.__plotsDone = true;'}</script>"
            "</body></html>")
