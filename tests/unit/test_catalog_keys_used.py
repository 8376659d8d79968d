"""Every catalog key is used by some code (issue 15, point 8: no dead translations).

A key is used when its full text appears in the code (``t("pages.title")``), or when it is built
from one of the prefixes below, which the code completes at run time (``t(f"audit.code.{code}")``,
``FunnelError("ab.bad_alpha")`` -> ``error.ab.bad_alpha``). For such a key, the rest after the
prefix (or its first dotted parts: ``audit.<code>.<variant>.title``) must appear in the code as a
quoted name, so a translation whose code is gone still counts as unused. The list is explicit; a
test below checks every prefix is still built somewhere, so it cannot go stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from funnel.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]

DYNAMIC_PREFIXES = (
    "ab.calc.mode_", "ab.col.", "abpolish.web.", "ab.column.", "ab.headline.", "ab.mode.", "ab.typed.", "audit.",
    "audit.benchmark.", "audit.code.", "audit.column.", "audit.segments.spend_by_",
    "audit.segments.spend_col.", "audit.severity.", "audit.spend.", "audit.test.", "auth.audit.",
    "auth.role.", "cli.", "cli.help.", "error.", "mapping.field.", "mapping.preset.",
    "metrics.cohort.", "metrics.column.", "metrics.kpi.", "metrics.label.", "pages.date_field.",
    "pages.drill.title_", "pages.funnel.win_rate_line_", "pages.overlay.", "pages.period.",
    "pages.scope.period_", "pages.status.", "pages.table.", "pages.tile.", "pages.view.opt_", "pages.view.opt_wr_",
    "quality.",
    "quality.col.", "quality.severity.", "report.", "report.col.", "report.col.ab_", "report.col.finding_",
    "report.col.prob_", "report.col.tis_", "report.column.", "report.deal.", "report.def.", "report.kpi.",
    "report.period.", "report.render.", "report.section.", "report.severity.", "report.status.",
    "report.term.", "stats.caveat.", "stats.cli.col.", "stats.reason.", "stats.test.", "stats.verdict.",
    "ui.data.role.", "ui.shape.", "velocity.bar.", "velocity.chart.", "velocity.col.", "velocity.drill.",
    "velocity.export.", "velocity.help.", "velocity.kpi.", "velocity.ui.cycle_median_",
    "velocity.ui.cycle_p90_", "velocity.ui.measure_",
)


def _code() -> str:
    files = [p for d in ("funnel", "ui", "pages") for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".sql")]
    return "\n".join(p.read_text(encoding="utf-8") for p in [*files, ROOT / "app.py"])


CODE = _code()
QUOTED = set(re.findall(r"""["']([A-Za-z0-9_.\-]+)["']""", CODE))


def is_used(key: str) -> bool:
    if key in CODE:
        return True
    for prefix in DYNAMIC_PREFIXES:
        if key.startswith(prefix):
            parts = key[len(prefix):].split(".")
            if any(".".join(parts[:i]) in QUOTED for i in range(1, len(parts) + 1)):
                return True
    return False


def test_every_catalog_key_is_used_by_some_code():
    unused = sorted(k for k in catalog("en") if not is_used(k))
    assert unused == []


def test_every_dynamic_prefix_is_still_built_by_the_code():
    built = set(re.findall(r"""f["']([a-z_]+\.[a-z_0-9.]*)\{""", CODE))
    built |= set(re.findall(r"""["']([a-z_]+(?:\.[a-z_]+)*[._])["'] *\+""", CODE))
    assert sorted(set(DYNAMIC_PREFIXES) - built) == []


def test_a_key_no_code_uses_is_found():
    assert not is_used("mapping.confidence.low")  # the translation of the removed Mapping.confidence
    assert not is_used("audit.no_such_check.title")
    assert is_used("audit.funnel_shape.nail.title")  # built as f"audit.{code}.{variant}" + ".title"
