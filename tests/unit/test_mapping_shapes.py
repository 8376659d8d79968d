"""Input-shape detection (DOMAIN.md shapes B, D, E) and the history / event / counts mappings."""

from __future__ import annotations

from funnel.mapping import (
    CountsMapping,
    EventMapping,
    HistoryMapping,
    detect_shape,
    propose_counts_mapping,
    propose_event_mapping,
    propose_history_mapping,
    propose_outcome_mapping,
)


def test_event_log():
    h = ["user_id", "step", "timestamp", "variant"]
    rows = [["u1", "visit", "2024-01-01 10:00", "A"], ["u1", "signup", "2024-01-01 10:05", "A"]]
    assert detect_shape(h, rows) == "events"
    assert propose_event_mapping(h, rows) == EventMapping(entity=0, step=1, timestamp=2, extras={}, variant=3,
                                                          source=None)
    assert propose_counts_mapping(h, rows) is None


def test_a_b_export_with_outcome_flags_reads_as_an_event_log():
    # Udacity's ab_data.csv layout: one row per visitor, converted 0/1
    h = ["user_id", "timestamp", "group", "landing_page", "converted"]
    rows = [["851104", "2017-01-21 22:11:48.556739", "control", "old_page", "0"],
            ["804228", "2017-01-12 08:01:45.159739", "treatment", "new_page", "1"]]
    assert detect_shape(h, rows) == "events"
    m = propose_outcome_mapping(h, rows)
    assert (m.entity, m.step, m.timestamp, m.flags) == (0, None, 1, [4])
    assert {m.variant, *m.extras} == {2, 3}  # landing page and group: one is the variant, one an extra
    # Cookie Cats: two TRUE/FALSE outcomes in file order; the numeric rounds column is an attribute
    h = ["userid", "version", "sum_gamerounds", "retention_1", "retention_7"]
    rows = [["116", "gate_30", "3", "FALSE", "FALSE"], ["337", "gate_30", "38", "TRUE", "FALSE"],
            ["377", "gate_40", "165", "TRUE", "FALSE"], ["483", "gate_40", "1", "FALSE", "FALSE"]]
    assert detect_shape(h, rows) == "events"
    m = propose_outcome_mapping(h, rows)
    assert (m.entity, m.variant, m.flags, m.extras) == (0, 1, [3, 4], {2: "sum_gamerounds"})


def test_outcome_flags_need_a_visitor_id_and_no_stage_column():
    rows = [["1", "Lead", "1"], ["2", "Won", "0"]]
    assert propose_outcome_mapping(["user_id", "stage", "paid"], rows) is None  # a deal list
    assert propose_outcome_mapping(["name", "city", "paid"], rows) is None  # no visitor id
    assert propose_outcome_mapping(["user_id", "plan", "seats"], [["1", "pro", "12"]]) is None  # no yes/no column


def test_event_log_keeps_other_columns_as_extras():
    h = ["session_id", "event", "time", "utm_source", "country"]
    m = propose_event_mapping(h)
    assert (m.entity, m.step, m.timestamp, m.source, m.variant) == (0, 1, 2, 3, None)
    assert m.extras == {4: "country"}


def test_long_counts_table():
    h = ["stage", "count", "variant"]
    rows = [["requests", "1000", "A"], ["reached", "900", "A"], ["proposals", "30", "A"]]
    assert detect_shape(h, rows) == "counts"
    assert propose_counts_mapping(h, rows) == CountsMapping(stage=0, count=1, group=2, wide_stages=[])


def test_long_counts_in_russian():
    h = ["Этап", "Количество"]
    assert detect_shape(h, [["Заявки", "1000"]]) == "counts"
    assert propose_counts_mapping(h) == CountsMapping(stage=0, count=1, group=None, wide_stages=[])


def test_wide_counts_table():
    # the shape of udacity_free_trial_screener_experiment/control.csv
    h = ["Date", "Pageviews", "Clicks", "Enrollments", "Payments"]
    rows = [["Sat, Oct 11", "7723", "687", "134", "70"], ["Sun, Oct 12", "9102", "779", "147", "70"],
            ["Sun, Nov 2", "8836", "693", "", ""]]
    assert detect_shape(h, rows) == "counts"
    assert propose_counts_mapping(h, rows) == CountsMapping(stage=None, count=None, group=None,
                                                            wide_stages=[1, 2, 3, 4])
    assert detect_shape(h) == "counts"  # from the step words alone


def test_wide_counts_skips_ids_and_spend_and_finds_a_group():
    # the shape of facebook_ad_campaign_conversions: ids and "Spent" are not funnel steps
    h = ["ad_id", "xyz_campaign_id", "age", "gender", "interest", "Impressions", "Clicks", "Spent",
         "Total_Conversion", "Approved_Conversion"]
    rows = [["708746", "916", "30-34", "M", "15", "7350", "1", "1.43", "2", "1"]]
    m = propose_counts_mapping(h, rows)
    assert m.wide_stages == [5, 6, 8, 9]
    assert m.group == 2  # "age": the first text column


def test_salesforce_opportunity_history():
    h = ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue",
         "CloseDate", "Probability", "ForecastCategory", "IsDeleted", "SystemModstamp"]
    assert detect_shape(h) == "history"
    assert propose_history_mapping(h) == HistoryMapping(deal_id=1, stage=4, entered_at=3)


def test_salesforce_field_history_filters_stage_rows():
    h = ["Id", "OpportunityId", "CreatedDate", "Field", "OldValue", "NewValue"]
    assert detect_shape(h) == "history"
    assert propose_history_mapping(h) == HistoryMapping(deal_id=1, stage=5, entered_at=2,
                                                        field_filter=(3, "StageName"), stage_before=4)


def test_salesforce_history_report():
    h = ["Opportunity Name", "From Stage", "To Stage", "Amount", "Edit Date"]
    assert propose_history_mapping(h) == HistoryMapping(deal_id=0, stage=2, entered_at=4, stage_before=1)


def test_bitrix_rest_history():
    h = ["ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "CATEGORY_ID", "STAGE_SEMANTIC_ID", "STAGE_ID"]
    assert detect_shape(h) == "history"
    assert propose_history_mapping(h) == HistoryMapping(deal_id=2, stage=6, entered_at=3, pipeline=4)


def test_amocrm_events_dump():
    h = ["id", "type", "entity_id", "entity_type", "created_at", "value_after", "value_before"]
    assert propose_history_mapping(h) == HistoryMapping(deal_id=2, stage=5, entered_at=4,
                                                        field_filter=(1, "lead_status_changed"), stage_before=6)


def test_generic_history_en_ru_zh():
    assert propose_history_mapping(["deal_id", "stage", "entered_at"]) == HistoryMapping(0, 1, 2)
    assert propose_history_mapping(["ID сделки", "Воронка", "Этап", "Дата перехода"]) == HistoryMapping(0, 2, 3, 1)
    assert propose_history_mapping(["商机编号", "阶段", "进入时间"]) == HistoryMapping(0, 1, 2)
    assert detect_shape(["deal_id", "stage", "entered_at"]) == "history"


def test_deals_file_is_not_history_unless_ids_repeat():
    h = ["Deal ID", "Stage", "Date", "Amount", "Owner"]
    assert detect_shape(h, [["1", "New", "2024-01-01", "5", "A"], ["2", "Won", "2024-01-02", "7", "B"]]) == "deals"
    assert detect_shape(h, [["1", "New", "2024-01-01", "5", "A"], ["1", "Won", "2024-01-09", "5", "A"]]) == "history"


def test_crm_exports_are_deals():
    assert detect_shape(["ID", "Название сделки", "Бюджет", "Этап сделки", "Воронка"]) == "deals"
    assert detect_shape(["Record ID", "Deal Stage", "Deal owner", "Create Date"]) == "deals"


def test_nothing_recognisable():
    assert detect_shape([]) == "deals"
    assert propose_history_mapping([]) is None
    assert propose_event_mapping(["a", "b"]) is None
    assert propose_counts_mapping(["a", "b"]) is None


def test_a_few_named_and_dated_deals_each_at_its_own_stage_are_deals_not_counts():
    # four deals, each at another stage, with a number column «Value»: one row per deal (a name and a
    # creation date per row), not a table of counts per stage
    headers = ["Name", "Stage", "Value", "Created", "Owner"]
    samples = [["Acme", "Lead", "1200", "2024-01-05", "Ann"], ["Beta", "Contacted", "3000", "2024-01-08", "Bob"],
               ["Gamma", "Won", "2500", "2024-01-10", "Ann"], ["Delta", "Lost", "800", "2024-01-12", "Bob"]]
    assert detect_shape(headers, samples) == "deals"
    # a table of counts per stage keeps its shape: no name beside the stage, no creation date
    assert detect_shape(["Stage", "Value"], [["Lead", "1200"], ["Won", "30"]]) == "counts"
    assert detect_shape(["Name", "Value"], [["Lead", "1200"], ["Won", "30"]]) == "counts"


def test_views_after_a_count_of_users_are_averages_in_every_language():
    """GA4 / Metrica reports in Russian and Chinese: page views after the users are no step of the funnel (users
    «Пользователи» / 用户 were not read as a visits count before: only «Посетители» / 访客 were)."""
    for users, views, leads in (("Пользователи", "Просмотры страниц", "Заявки"), ("用户", "浏览量", "线索"),
                                ("Users", "Views", "Leads")):
        h = ["Источник", users, views, leads]
        rows = [["google", "1000", "3500", "40"], ["yandex", "800", "2600", "30"]]
        m = propose_counts_mapping(h, rows)
        assert m.wide_stages == [1, 3] and (2, "average") in m.left_out
