"""Every header sample of ../shared/reference/crm-headers maps with no manual fix.

Expected column indexes were counted by hand from each file's header row (0-based, by position).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from funnel.mapping import detect_shape, propose_history_mapping, propose_mapping

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
HEADERS_DIR = SHARED / "reference" / "crm-headers"

pytestmark = pytest.mark.shared


def read_sample(name: str, delimiter: str = ",", n_rows: int = 3) -> tuple[list[str], list[list[str]]]:
    path = HEADERS_DIR / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter))
    return rows[0], rows[1 : 1 + n_rows]


def assert_fields(mapping, expected: dict[str, int | None]) -> None:
    for name, idx in expected.items():
        assert mapping.fields.get(name) == idx, (name, mapping.fields.get(name), idx)


def test_amocrm_ru():
    headers, rows = read_sample("amocrm_ru.csv")
    m = propose_mapping(headers, rows)
    assert m.preset == "amocrm_ru"
    assert m.date_order == "dmy"
    # ID=0, Название сделки=1, Бюджет=2, Ответственный=3 (not 16 "Ответственный за контакт"),
    # Дата создания сделки=4, Дата закрытия=8, Этап сделки=12, Воронка=13, Источник=21 (the first of
    # two), Причина отказа=22; no currency column (one account currency).
    assert_fields(m, {"deal_id": 0, "deal_name": 1, "amount": 2, "manager": 3, "created_at": 4,
                      "closed_at": 8, "stage": 12, "pipeline": 13, "source": 21, "lost_reason": 22,
                      "currency": None, "status": None})
    # the second Источник (30) and utm_source (23, not used as source) stay as attributes
    assert m.extras[30] == "Источник" and m.extras[23] == "utm_source" and m.extras[20] == "Город"
    # notes (10, 11), contact name (14), responsible-for-contact (16), phones/e-mail (17-19), roistat (29)
    assert not {10, 11, 14, 16, 17, 18, 19, 29} & set(m.extras)
    assert "Успешно реализовано" in m.won_stages and "Закрыто и не реализовано" in m.lost_stages
    assert detect_shape(headers, rows) == "deals"


@pytest.mark.parametrize("name,preset,order", [("bitrix24_ru.csv", "bitrix24_ru", "dmy"),
                                               ("bitrix24_en.csv", "bitrix24_en", "mdy")])
def test_bitrix24(name, preset, order):
    headers, rows = read_sample(name, delimiter=";")
    assert headers[-1] == ""  # the trailing ';' makes an unnamed last column
    m = propose_mapping(headers, rows)
    assert m.preset == preset and m.date_order == order
    # ID=0, name=1, Воронка/Pipeline=2, Стадия сделки/Stage=3, Сумма/Income=4, Валюта/Currency=5,
    # Ответственный/Responsible=6, Дата создания/Created=7, Предполагаемая дата закрытия/Assumed close
    # date=9, Сделка закрыта/Closed=10, Источник/Source=11, Дата изменения стадии/Stage change date=18
    assert_fields(m, {"deal_id": 0, "deal_name": 1, "pipeline": 2, "stage": 3, "amount": 4, "currency": 5,
                      "manager": 6, "created_at": 7, "expected_close": 9, "closed_flag": 10, "source": 11,
                      "stage_changed_at": 18, "closed_at": None})
    # the Russian file carries a custom "Причина отказа" at 25; the English one has none
    assert m.fields.get("lost_reason") == (25 if preset == "bitrix24_ru" else None)
    assert 20 in m.extras and m.extras[20] == "UTM Source"  # utm not used: the CRM's own source exists
    assert not {17, 19, 26} & set(m.extras)  # modified date, comment, the unnamed trailing column


def test_hubspot():
    headers, rows = read_sample("hubspot_en.csv")
    m = propose_mapping(headers, rows)
    assert m.preset == "hubspot"
    # Record ID=0, Deal Name=1, Pipeline=2, Deal Stage=3, Amount=4, Currency=5, Close Date=6 (expected,
    # not closed_at), Create Date=7, Deal owner=8, Original Source Type=10, Closed Lost Reason=11
    assert_fields(m, {"deal_id": 0, "deal_name": 1, "pipeline": 2, "stage": 3, "amount": 4, "currency": 5,
                      "expected_close": 6, "created_at": 7, "manager": 8, "source": 10, "lost_reason": 11,
                      "closed_at": None})
    # Date entered columns 14, 16, 18, 19, 20; Date exited 15 and 17 are ignored
    assert m.stage_entered == {14: ("Appointment Scheduled", "Sales Pipeline"),
                               16: ("Qualified To Buy", "Sales Pipeline"),
                               18: ("Contract Sent", "Sales Pipeline"),
                               19: ("Closed Won", "Sales Pipeline"),
                               20: ("Closed Lost", "Sales Pipeline")}
    assert not set(range(14, 21)) & set(m.extras)
    assert m.stage_order[0] == "Appointment Scheduled" and m.won_stages == ["Closed Won"]


def test_pipedrive():
    headers, rows = read_sample("pipedrive_en.csv")
    m = propose_mapping(headers, rows)
    assert m.preset == "pipedrive"
    # Deal - ID=0, Title=1, Owner=3 (not Creator=2), Value=4, Currency of Value=5, Pipeline=10, Stage=12,
    # Status=14, Deal created=15, Won time=18, Lost time=19, Deal closed on=20, Lost reason=21,
    # Expected close date=22, Landing page=28
    assert_fields(m, {"deal_id": 0, "deal_name": 1, "manager": 3, "amount": 4, "currency": 5,
                      "pipeline": 10, "stage": 12, "status": 14, "created_at": 15, "won_at": 18,
                      "lost_at": 19, "closed_at": 20, "lost_reason": 21, "expected_close": 22, "variant": 28})
    # source: "Source channel" (24) is preferred but empty in all three rows, so "Source origin" (23)
    assert m.fields["source"] == 23
    assert m.extras[25] == "Deal - utm_source"


def test_pipedrive_source_without_samples_prefers_channel():
    headers, _rows = read_sample("pipedrive_en.csv")
    assert propose_mapping(headers).fields["source"] == 24  # Deal - Source channel


def test_salesforce_report():
    headers, rows = read_sample("salesforce_en.csv")
    m = propose_mapping(headers, rows)
    assert m.preset == "salesforce_report" and m.date_order == "mdy"
    # Opportunity Owner=0, Opportunity Name=2, Stage=3, Amount Currency=5, Amount=6, Close Date=9
    # (expected), Created Date=10, Lead Source=12, Opportunity ID=15; no Closed/Won columns here
    assert_fields(m, {"manager": 0, "deal_name": 2, "stage": 3, "currency": 5, "amount": 6,
                      "expected_close": 9, "created_at": 10, "source": 12, "deal_id": 15,
                      "closed_flag": None, "won_flag": None, "closed_at": None, "pipeline": None})
    assert m.stage_order[-2:] == ["Closed Won", "Closed Lost"]


def test_zoho():
    headers, rows = read_sample("zoho_en.csv")
    m = propose_mapping(headers, rows)
    assert m.preset == "zoho"
    # Record Id=0, Deal Owner=1, Deal Name=3, Amount=4, Closing Date=5 (expected), Stage=8, Pipeline=9,
    # Lead Source=13, Created Time=18, Reason For Loss=20, Currency=21
    assert_fields(m, {"deal_id": 0, "manager": 1, "deal_name": 3, "amount": 4, "expected_close": 5,
                      "stage": 8, "pipeline": 9, "source": 13, "created_at": 18, "lost_reason": 20,
                      "currency": 21, "closed_at": None})
    # .id siblings (2, 7, 16), contact name (15), created/modified by/time (17, 19), description (23)
    assert not {2, 7, 15, 16, 17, 19, 23} & set(m.extras)
    assert m.extras[14] == "Campaign Source"
    assert "Closed-Lost to Competition" in m.lost_stages


def test_bitrix_rest_history():
    headers, rows = read_sample("bitrix24_stagehistory_rest.csv")
    assert detect_shape(headers, rows) == "history"
    h = propose_history_mapping(headers, rows)
    # ID,TYPE_ID,OWNER_ID,CREATED_TIME,CATEGORY_ID,STAGE_SEMANTIC_ID,STAGE_ID
    assert (h.deal_id, h.stage, h.entered_at, h.pipeline, h.field_filter) == (2, 6, 3, 4, None)


def test_salesforce_opportunity_history():
    headers, rows = read_sample("salesforce_opportunityhistory_dataexport.csv")
    assert detect_shape(headers, rows) == "history"
    h = propose_history_mapping(headers, rows)
    # "Id","OpportunityId","CreatedById","CreatedDate","StageName",...
    assert (h.deal_id, h.stage, h.entered_at, h.pipeline, h.field_filter) == (1, 4, 3, None, None)


def test_bitrix_rest_select_of_a_few_fields_reads_opportunity_as_the_sum():
    """crm.deal.list with ``select: [ID, TITLE, STAGE_ID, OPPORTUNITY, DATE_CREATE]``: too few of the
    preset's fields to recognise it, but OPPORTUNITY holds the deal's sum (b24restdocs crm-deal-fields);
    a Salesforce report's «Opportunity» column of names stays the deal's name."""
    m = propose_mapping(["ID", "TITLE", "STAGE_ID", "OPPORTUNITY", "DATE_CREATE"],
                        [["1", "Окна", "NEW", "100.00", "2024-01-05"], ["2", "Двери", "WON", "2500", "2024-01-06"]])
    assert m.fields["amount"] == 3 and m.fields["deal_name"] == 1
    m = propose_mapping(["ID", "STAGE_ID", "OPPORTUNITY"], [["1", "NEW", "100.00"]])
    assert m.fields["amount"] == 2 and "deal_name" not in m.fields
    m = propose_mapping(["Opportunity", "Stage", "Created Date"], [["Acme renewal", "Prospecting", "2024-01-05"]])
    assert m.fields["deal_name"] == 0 and "amount" not in m.fields
