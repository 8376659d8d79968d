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
    # no creation date in the file: that is the reason, not "no cycle in the window"
    assert Velocity(14, 2, 1, 2 / 3, 1000.0, None, no_created=True).unknown_reason == "velocity.reason.no_created"


def _velocity(store, csv: str):
    from funnel.importer import import_file
    from funnel.spec import FunnelSpec
    from funnel.velocity.sales_velocity import sales_velocity

    info, _built, _ = import_file(store, csv.encode(), "deals.csv")
    with store.connect() as con:
        return sales_velocity(con, info, FunnelSpec())


def test_no_change_against_a_previous_window_before_the_data(mem_store):
    # data from 6 Feb 2024 to 12 Feb 2024: the windows end on 12 Feb; the previous 90-day window
    # (16 Aug – 14 Nov 2023) lies before the first day, so no change is shown, and why
    vel = _velocity(mem_store, "ID,Stage,Amount,Created,Closed\n1,Won,100,2024-02-06,2024-02-08\n"
                               "2,New,50,2024-02-07,\n3,Lost,70,2024-02-08,2024-02-12\n")
    assert vel.previous_reason == "capabilities.previous_not_covered"
    assert vel.change("open_deals") is None and vel.change("win_rate") is None
    # the current window is whole: 1 open, 1 won of 2 closed
    assert (vel.current.open_deals, vel.current.won, vel.current.lost) == (1, 1, 1)


def test_a_previous_window_inside_the_data_gives_the_change(mem_store):
    # data from 2 Jan to 1 Dec 2023; windows end 1 Dec: current 2 Sep – 1 Dec, previous 4 Jun – 2 Sep
    # (from 2 Jan: covered). Open at 1 Dec: deals 2 (created 1 Dec) and 3 (created 1 Jul) = 2; open at
    # 2 Sep: deal 3 = 1; change +1
    vel = _velocity(mem_store, "ID,Stage,Amount,Created,Closed\n1,Won,100,2023-01-02,2023-01-20\n"
                               "2,New,50,2023-12-01,\n3,New,70,2023-07-01,\n")
    assert vel.previous_reason is None
    assert (vel.current.open_deals, vel.previous.open_deals, vel.change("open_deals")) == (2, 1, 1)
