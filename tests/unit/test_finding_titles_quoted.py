"""The titles of the findings about a step quote its stage names in the language's quotes («…» EN/RU, “…” ZH), escaped
for Markdown on the pages and for HTML in the report like every other name. Before, «Leak: Встреча назначена →
Встреча проведена converts 45.1%» ran the names into the sentence (and a name with `→` or `,` could not be told from
the words around it), while the stuck-deal and process titles beside them quoted theirs.

Hand values (``walk`` of tests/unit/test_audit_findings.py: 200 deals enter, 180, 162, 48, 42 pass the four steps):
step rates New → Qualified 180/200 = 90.0 %, Qualified → IMG 162/180 = 90.0 %, IMG → MEET 48/162 = 29.6 %,
MEET → Won 42/48 = 87.5 %. The leak is IMG → MEET: 29.6 % against the median of the other steps, median(90.0, 90.0,
87.5) = 90.0 % (more than 10 points below; no other step is: 90.0 against median(90.0, 29.6, 87.5) = 87.5, 87.5
against 90.0). The shape: the weakest step 29.6 % < 60 % × 90.0 % = 54 %, the third step (not one of the first two),
into no price stage: a waist at IMG → MEET.
"""

from __future__ import annotations

from funnel.audit.diagnose import diagnose_json
from funnel.audit.wording import title
from funnel.report.assemble import build_report
from funnel.report.html import render_html
from funnel.report.sections_audit import findings
from funnel.spec import FunnelSpec
from tests.unit.test_audit_findings import of, run_audit, walk

IMG = "<img src=x onerror=alert(1)>"
MEET = "*Meeting* held_1"
STAGES = [("New", "open"), ("Qualified", "open"), (IMG, "open"), (MEET, "open"), ("Won", "won"), ("Lost", "lost")]
IMG_MD = r"\<img src=x onerror=alert\(1\)\>"
MEET_MD = r"\*Meeting\* held\_1"


def _audit():
    return run_audit(walk("d", 200, [180, 162, 48, 42]), stages=STAGES)


def test_the_leak_title_quotes_its_stages_in_each_language():
    _con, info, d = _audit()
    (leak,) = of(d, "leak")
    assert title(leak, info, "en") == f"Leak: «{IMG}» → «{MEET}» converts 29.6% against 90.0%"
    assert title(leak, info, "ru") == f"Утечка: «{IMG}» → «{MEET}» конвертирует 29,6\xa0% при ориентире 90,0\xa0%"
    assert title(leak, info, "zh") == f"漏损：“{IMG}” → “{MEET}” 转化率 29.6%，基准 90.0%"
    # the pages' Markdown: the names escaped inside the quotes (no emphasis, no HTML)
    assert title(leak, info, "en", markdown=True) == f"Leak: «{IMG_MD}» → «{MEET_MD}» converts 29.6% against 90.0%"
    assert title(leak, info, "zh", markdown=True).startswith(f"漏损：“{IMG_MD}” → “{MEET_MD}”")


def test_the_waist_title_quotes_its_step():
    _con, info, d = _audit()
    (shape,) = of(d, "funnel_shape")
    assert shape.variant == "waist"
    assert title(shape, info, "en") == f"Funnel shape: a waist (narrowing in the middle at «{IMG}» → «{MEET}»)"
    assert title(shape, info, "ru") == f"Форма воронки: «талия» (сужение в середине на шаге «{IMG}» → «{MEET}»)"
    assert title(shape, info, "zh") == f"漏斗形状：腰型（中部 “{IMG}” → “{MEET}” 收窄）"
    assert title(shape, info, "ru", markdown=True).endswith(f"«{IMG_MD}» → «{MEET_MD}»)")


def test_the_cli_json_and_the_html_report_carry_the_quoted_names_as_text():
    con, info, d = _audit()
    doc = diagnose_json(d, info, "ru")  # what `diagnose --json` prints: plain text, no Markdown escapes
    leak = next(f for f in doc["findings"] if f["code"] == "leak")
    assert leak["title"].startswith(f"Утечка: «{IMG}» → «{MEET}»")
    html = render_html(build_report(con, info, {}, FunnelSpec(), "zh", builders=[findings]))
    assert "漏损：“&lt;img src=x onerror=alert(1)&gt;” → “*Meeting* held_1”" in html
    assert IMG not in html  # never a tag
