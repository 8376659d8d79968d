"""Pages ask what a dataset can answer, not which input shape it came in (issue 15 polish, point 1)."""

from __future__ import annotations

import re
from pathlib import Path

from funnel.capabilities import Capabilities, expected

ROOT = Path(__file__).resolve().parents[2]
# the import draft's detected shape and the Data page's shape override are about the shape itself
ALLOWED = {"ui/import_flow.py", "ui/dataset_editor.py"}


def test_no_page_branches_on_the_shape_string():
    offenders = []
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]:
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"""\[["']shape["']\]|\.shape\s*[!=]=|["'](counts|events)["']\s*[!=]=|==\s*["'](deals|counts|events)["']""", line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, offenders


def test_only_crm_deals_can_be_matched_with_a_later_snapshot():
    assert Capabilities(shape="deals", n_deals=40, has_deals=True).crm_deals
    assert not Capabilities(shape="events", n_deals=40, has_deals=True, is_web_funnel=True).crm_deals
    assert not Capabilities(shape="counts").crm_deals
    assert not Capabilities(shape="deals").crm_deals  # an empty file: nothing to match


def test_an_import_draft_says_what_its_shape_will_answer():
    """The Data page asks the draft, not its shape string: a deals file gets the mapping editor and
    the previous-snapshot picker, an event log the web funnel's roles, counts neither."""
    assert expected("deals").crm_deals and not expected("deals").is_web_funnel
    assert expected("events").is_web_funnel and not expected("events").crm_deals
    assert not expected("counts").crm_deals and not expected("counts").has_deals
