"""Issue 16, what survey 26 left: Google Ads' conversions under data-driven attribution (its default since 2021) are
fractional (45.00, 12.50, 3.33): they were left out as "a rate, money", so an ad report had no conversion step.

The report as the UI downloads it (a title row, the date range, then the table, its «Total:» rows; `Impr.` before or
after `Clicks`). By hand, each campaign's conversions rounded half up: Brand 45, Generic 12.5 → 13, Display 3.33 → 3;
in all 60.83 read as 61. Impressions 50,000 + 30,000 + 8,000 = 88,000, clicks 1,500 + 600 + 100 = 2,200.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings

ROWS = [("Brand", "1,500", "50,000", "45.00"), ("Generic", "600", "30,000", "12.50"),
        ("Display remarketing", "100", "8,000", "3.33")]


def _report(impressions_first: bool) -> str:
    head = "Campaign,Impr.,Clicks,CTR,Cost,Conversions,Conv. rate" if impressions_first else \
        "Campaign,Clicks,Impr.,CTR,Cost,Conversions,Conv. rate"
    lines = ["Campaign report", '"March 1, 2024 - March 31, 2024"', head]
    for name, clicks, impr, conv in ROWS:
        pair = f'"{impr}","{clicks}"' if impressions_first else f'"{clicks}","{impr}"'
        lines.append(f"{name},{pair},2.00%,100.00,{conv},3.00%")
    total = '"88,000","2,200"' if impressions_first else '"2,200","88,000"'
    lines.append(f"Total: Account,{total},2.50%,300.00,60.83,2.77%")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("impressions_first", [True, False])
def test_fractional_conversions_are_the_last_step_rounded_and_said(mem_store, impressions_first):
    info, _built, _ = import_file(mem_store, _report(impressions_first).encode(), "google_ads.csv")
    with mem_store.connect() as con:
        overall = con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = '' ORDER BY position").fetchall()
        by_campaign = con.execute(f"SELECT grp, n FROM ds_{info.id}.counts WHERE stage = 'Conversions' AND grp <> '' "
                                  "ORDER BY grp").fetchall()
    assert overall == [("Impr.", 88000), ("Clicks", 2200), ("Conversions", 61)]
    assert by_campaign == [("Brand", 45), ("Display remarketing", 3), ("Generic", 13)]
    _sev, _n, detail = findings(mem_store, info)["counts.rounded"]
    assert (detail["column"], detail["exact"], detail["whole"]) == ("Conversions", "60.83", "61")
