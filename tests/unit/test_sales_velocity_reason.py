"""Why a sales velocity is unknown: the first factor missing, said as such."""

from funnel.velocity.sales_velocity import Velocity


def test_the_reason_names_the_missing_factor():
    # 14 open, 3 won and 3 lost in the window, 8-day cycle, but won deals without amounts (HubSpot contacts):
    # the page had said "not enough won deals with a cycle"
    assert Velocity(14, 3, 3, 0.5, None, 8.0).unknown_reason == "velocity.ui.unknown.no_amount"
    assert Velocity(14, 0, 0, None, None, None).unknown_reason == "velocity.ui.unknown.no_closed"
    assert Velocity(14, 0, 2, 0.0, None, None).unknown_reason == "velocity.ui.unknown.no_won"
    assert Velocity(14, 2, 1, 2 / 3, 1000.0, None).unknown_reason == "velocity.ui.unknown.no_cycle"
    assert Velocity(14, 2, 1, 2 / 3, 1000.0, 0.0).unknown_reason == "velocity.ui.unknown.no_cycle"
    # known: 14 × 2/3 × 1000 / 10 = 933.33 a day, no reason
    known = Velocity(14, 2, 1, 2 / 3, 1000.0, 10.0)
    assert round(known.per_day, 2) == 933.33 and known.unknown_reason is None
