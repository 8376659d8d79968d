"""The close rate's and fit rate's stages before the user picks them (funnel/metrics/rate_stages.py)."""

from funnel.metrics.rate_stages import default_rate_stages


def test_stages_named_for_mql_and_sql_are_the_fit_rates():
    lifecycle = ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
                 "Customer", "Evangelist"]
    picks = default_rate_stages(lifecycle)
    # the HubSpot contacts funnel: fit rate = SQL 8 / MQL 12, not Lead 17 / Subscriber 20
    assert picks["fit_from"] == "Marketing Qualified Lead" and picks["fit_to"] == "Sales Qualified Lead"
    # no proposal stage among them: the third from the end
    assert picks["close"] == "Opportunity"
    assert default_rate_stages(["Лид", "MQL", "SQL", "КП", "Договор"]) == {
        "close": "КП", "fit_from": "MQL", "fit_to": "SQL"}
    assert default_rate_stages(["线索", "市场合格线索", "销售合格线索", "报价", "赢单"])["fit_to"] == "销售合格线索"


def test_without_such_names_the_first_two_steps_and_the_third_from_the_end():
    assert default_rate_stages(["A", "B", "C", "D", "E"]) == {"close": "C", "fit_from": "A", "fit_to": "B"}
    assert default_rate_stages(["Only"]) == {"close": "Only", "fit_from": "Only", "fit_to": "Only"}
    # «Proposal» found by its word even when it is not third from the end
    assert default_rate_stages(["Lead", "Proposal", "Negotiation", "Contract", "Won"])["close"] == "Proposal"
    # a word merely containing the letters is no SQL: «MySQL migration» is not the sales-qualified stage
    assert default_rate_stages(["Lead", "MySQL migration", "Demo", "SQL"])["fit_to"] == "SQL"
