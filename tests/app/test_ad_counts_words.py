"""A wide counts table of ad data (Facebook's KAG shape: Impressions, Clicks, conversions per ad) counts impressions and
clicks, people on a site, not leads or deals: the A/B page's sample-size line said «each group needs about 28,953 more
leads», the CLI's column «leads» held 67,993,019 impressions, and the Data page read the file as «stage counts (deals
that reached each stage)». Now the visitor wording is used (``Capabilities.of_visitors``), as for a table whose first
step is «Users» or «Visitors»; a CRM's table of stage counts keeps the deals' wording.

ADS8 (tests/unit/test_chosen_roles.py) by ``gender``, step Impressions → Clicks, counted by hand: M = rows 1, 3, 5, 7:
27400 impressions, 51 clicks (0.186 %); F = rows 2, 4, 6, 8: 35100 impressions, 44 clicks (0.125 %). Two-proportion
z-test: pooled 95 / 62500 = 0.00152, se = sqrt(0.00152 × 0.99848 × (1/27400 + 1/35100)) = 0.000314, z = 0.000607 /
0.000314 = 1.93, p ≈ 0.053 > 0.05: no verdict, so the line on how many more each group needs is said.
"""

from __future__ import annotations

import pytest

from funnel.cli import main
from funnel.importer import import_file
from funnel.importer.counts import of_visitors
from funnel.store import Store
from tests.app.conftest import open_page, uploaded
from tests.unit.test_chosen_roles import ADS8

CRM_COUNTS = "Stage,Count\nNew lead,120\nQualified,60\nProposal,25\nWon,9\n"


def test_impressions_and_clicks_are_counts_of_visitors():
    assert of_visitors("Impressions") and of_visitors(["Clicks", "Approved_Conversion"])
    assert of_visitors("Показы") and of_visitors("Клики") and of_visitors("展示次数") and of_visitors("点击")
    assert not of_visitors("Count") and not of_visitors("Показатель") and not of_visitors(["Лиды", "Встречи"])


def test_the_cli_speaks_of_visitors_for_ad_counts(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")
    path = tmp_path / "ads.csv"
    path.write_text(ADS8, encoding="utf-8")
    store = ["--data-dir", str(tmp_path / "store")]
    assert main([*store, "import", str(path), "--map", "group=gender", "--map", "steps=Impressions,Clicks"]) == 0
    capsys.readouterr()
    assert main([*store, "abtest", "1", "--by", "gender"]) == 0
    out = capsys.readouterr().out
    assert "more visitor" in out and "more lead" not in out, out
    assert "visitors" in out.splitlines()[1] and "leads" not in out.splitlines()[1]  # the table's header


def _import(data_dir, text: str, name: str, pairs: list[str] | None = None) -> int:
    store = Store(data_dir / "funnel.duckdb")
    try:
        info, _b, _d = import_file(store, text.encode(), name, mapping_pairs=pairs, force=True)
    finally:
        store.close()
    return info.id


@pytest.mark.parametrize(("lang", "said", "not_said"), [
    ("en", "more visitors", ("lead", "deal")),
    ("ru", "посетител", ("лид", "сдел")),
    ("zh", "访客", ("线索", "交易")),
])
def test_the_ab_page_speaks_of_visitors_for_ad_counts(data_dir, lang, said, not_said):
    """The sample-size line, the calculator and «Not shown: … no individual deals to list» (under the table) all
    named leads or deals."""
    ds = _import(data_dir, ADS8, "ads_words.csv", ["group=gender", "steps=Impressions,Clicks"])
    at = open_page("pages/ab.py", lang=lang, ds=str(ds), by="gender")
    text = " ".join(str(m.value) for m in [*at.markdown, *at.caption, *at.info, *at.warning])
    assert said in text and not any(w in text.lower() for w in not_said), text


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "step counts (visitors who reached each step)"),
    ("ru", "количества по шагам (посетители, дошедшие до шага)"),
    ("zh", "步骤数量（到达各步骤的访客）"),
])
def test_the_data_page_reads_ad_counts_as_visitors(data_dir, lang, said):
    at = uploaded("ads.csv", ADS8.encode(), lang=lang)
    assert any(said in s.value for s in at.success), [s.value for s in at.success]


def test_a_crm_table_of_stage_counts_still_counts_deals(data_dir):
    at = uploaded("crm_counts.csv", CRM_COUNTS.encode())
    assert any("stage counts (deals that reached each stage)" in s.value for s in at.success), [
        s.value for s in at.success]
