"""Sources and segments on a lead list with no stage (Meta Lead Ads' download, survey 21b): the leads per
campaign, and no empty funnel per segment or step drivers where there are no steps."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page

META = ("id,created_time,ad_id,campaign_id,campaign_name,form_id,is_organic,platform,full_name\n"
        + "".join(f"l:105407458094402{k},2026-08-2{k}T11:18:23+05:30,ag:12025648,c:1202564,{c},f:22955767,FALSE,fb,N{k}\n"
                  for k, c in enumerate(["ABROAD REGULAR", "INDIA WEEKEND", "ABROAD REGULAR", "ABROAD REGULAR"])))


@pytest.fixture(scope="module")
def ds(data_dir) -> str:
    from funnel.importer import import_file
    from funnel.store import Store

    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), META.encode(), "leads.csv")
    return str(info.id)


def test_a_lead_list_shows_its_leads_per_campaign_and_no_empty_funnels(ds):
    at = open_page("pages/segments.py", lang="en", ds=ds)
    headers = [h.value for h in at.subheader]
    assert "Outcomes per segment" in headers
    assert not any("funnel" in h.lower() or "driver" in h.lower() for h in headers), headers
    # ABROAD REGULAR 3 leads, INDIA WEEKEND 1
    table = at.dataframe[0].value
    assert dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True)) == {"ABROAD REGULAR": "3", "INDIA WEEKEND": "1"}
    assert len(at.get("plotly_chart")) == 0
