"""Issue 16, what survey 27 left: a table of counts per stage the app cannot read alone, and the CRMs' matrices.

- **Either reading is possible**: HubSpot's «Deal Stage, Count of Deals, Sum of Amount» filtered to open and won deals
  falls like a funnel (read as one, silently: 10 deals for 34); HubSpot's funnel of deals that went through "any"
  stage lists «Closed lost» beside falling counts, as a pipeline report does (read as 133 deals, said as a fact). The
  reading is now said to be a guess (import, Data page, analysis pages) and the user chooses: ``--shape counts``
  (the deals that reached each stage) or ``--shape stage_counts`` (the deals at each stage now).
- **The user's own ``--map stage= --map count=``** (the app's advice when it found no stage) skipped the rule that
  reads a report with closed stages as the deals it counts: «Closed won» 4 after «Contract sent» 1, a 400 % step.
- **Matrices** of deals per owner and stage (ERPNext's «Opportunity Summary by Sales Stage», HubSpot's pivoted
  report, a Salesforce matrix): each owner's row read as a funnel of reached counts, refused with a «Total» column,
  or one deal per row (5 deals for 27); the owners lost.
- **A refresh of such a report** (next week's export into the same dataset) read it as a deal list: 9 deals for 27.

Every number below is worked out by hand from the file in the test: a deal at stage k reached stages 1..k, a lost
deal whose stage is unknown counts at the first stage (DOMAIN.md).
"""

from __future__ import annotations

import pytest

from funnel.dataset_edit import counts_guess, refresh
from funnel.errors import FunnelError
from funnel.importer import Source, import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

PIPELINE_OPEN_AND_WON = """Deal Stage,Count of Deals,Sum of Amount
Appointment Scheduled,10,10000
Qualified To Buy,8,16000
Presentation Scheduled,6,18000
Decision Maker Bought-In,5,20000
Contract Sent,3,15000
Closed Won,2,12000
"""

ANY_STAGE_FUNNEL = """Deal stage,Count of deals
Appointment scheduled,40
Qualified to buy,30
Presentation scheduled,20
Decision maker bought-in,15
Contract sent,10
Closed won,6
Closed lost,12
"""

# owner rows × stage columns with a «Total» column and row (HubSpot's pivoted custom report)
OWNER_BY_STAGE = """Deal owner,Appointment scheduled,Qualified to buy,Contract sent,Closed won,Closed lost,Total
Anna Smith,4,3,1,3,2,13
Boris Ivanov,6,2,0,1,5,14
Total,10,5,1,4,7,27
"""


def _counts(store, info):
    with store.connect() as con:
        return con.execute(f"SELECT stage, n FROM ds_{info.id}.counts WHERE grp = '' ORDER BY position").fetchall()


def _managers(store, info):
    """manager -> (deals, won, lost)"""
    with store.connect() as con:
        rows = con.execute(f"""SELECT manager, count(*), count(*) FILTER (WHERE status = 'won'),
                                      count(*) FILTER (WHERE status = 'lost')
                               FROM ds_{info.id}.deals GROUP BY 1""").fetchall()
    return {m: (n, w, lost) for m, n, w, lost in rows}


def test_a_pipeline_report_without_lost_deals_is_read_as_a_funnel_said_as_a_guess(mem_store):
    info, _built, _ = import_file(mem_store, PIPELINE_OPEN_AND_WON.encode(), "hubspot.csv")
    assert info.shape == "counts"
    assert _counts(mem_store, info)[0] == ("Appointment Scheduled", 10)
    severity, _n, _detail = findings(mem_store, info)["counts.reached_guess"]
    assert severity == "warning"
    assert counts_guess(mem_store.resolve(str(info.id))) == "reached"


def test_the_user_reads_it_as_the_deals_at_each_stage_now(mem_store):
    """10 + 8 + 6 + 5 + 3 open and 2 won = 34 deals; reached 34, 24, 16, 10, 5, 2; won revenue 12,000."""
    info, _built, _ = import_file(mem_store, PIPELINE_OPEN_AND_WON.encode(), "hubspot.csv", shape="stage_counts")
    assert info.shape == "deals"
    deals, won, lost, open_, revenue, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, revenue) == (34, 2, 0, 32, 12000)
    assert [n for _s, n in reached(mem_store, info)] == [34, 24, 16, 10, 5, 2]
    assert "counts.reached_guess" not in findings(mem_store, info)
    assert counts_guess(mem_store.resolve(str(info.id))) is None  # the user said so: no guess left


def test_lost_deals_beside_falling_counts_are_a_guess_either_way(mem_store):
    """Read alone: the deals at each stage now, 40 + 30 + 20 + 15 + 10 + 6 + 12 = 133, said as a guess. Read as the
    deals that went through each stage (HubSpot's "any stages" funnel): 40 → 30 → 20 → 15 → 10 → 6, «Closed lost» no
    step after the won one (it was a 200 % step), said with its 12."""
    info, _built, _ = import_file(mem_store, ANY_STAGE_FUNNEL.encode(), "funnel.csv")
    assert outcome(mem_store, info)[:4] == (133, 6, 12, 115)
    severity, n, _detail = findings(mem_store, info)["counts.current_stage_guess"]
    assert (severity, n) == ("warning", 133)
    assert counts_guess(mem_store.resolve(str(info.id))) == "current"

    info, _built, _ = import_file(mem_store, ANY_STAGE_FUNNEL.encode(), "funnel.csv", shape="counts", force=True)
    assert _counts(mem_store, info) == [("Appointment scheduled", 40), ("Qualified to buy", 30),
                                        ("Presentation scheduled", 20), ("Decision maker bought-in", 15),
                                        ("Contract sent", 10), ("Closed won", 6)]
    _severity, n, detail = findings(mem_store, info)["counts.left_out_lost"]
    assert (n, detail["stage"]) == (12, "Closed lost")
    assert counts_guess(mem_store.resolve(str(info.id))) is None


def test_the_users_map_of_a_stage_and_a_count_keeps_the_closed_stages_rule(mem_store):
    """An Excel pivot («Row Labels», «Count of Deal Name», «Grand Total») mapped by hand: 10 + 5 + 1 open, 4 won, 7
    lost = 27 deals; reached 27 (the lost at the first stage), 5 + 1 + 4 = 10, 1 + 4 = 5, 4 (was «Closed won» a 400 %
    step); HubSpot's stages in HubSpot's order."""
    text = ("Row Labels,Count of Deal Name\nAppointment scheduled,10\nQualified to buy,5\nContract sent,1\n"
            "Closed won,4\nClosed lost,7\nGrand Total,27\n")
    info, _built, _ = import_file(mem_store, text.encode(), "pivot.csv",
                                  mapping_pairs=["stage=Row Labels", "count=Count of Deal Name"])
    assert outcome(mem_store, info)[:4] == (27, 4, 7, 16)
    assert reached(mem_store, info) == [("Appointment scheduled", 27), ("Qualified to buy", 10),
                                        ("Contract sent", 5), ("Closed won", 4)]


def test_the_user_cannot_read_shares_as_deals(mem_store):
    text = "Stage,Share\nLead,1.5\nProposal,0.5\nWon,0.25\n"
    with pytest.raises(FunnelError) as error:
        import_file(mem_store, text.encode(), "shares.csv", shape="stage_counts",
                    mapping_pairs=["stage=Stage", "count=Share"])
    assert error.value.code == "import.stage_counts_not_whole"
    assert error.value.params["stage"] == "Lead" and error.value.params["value"] == "1.5"
    assert mem_store.datasets() == []


@pytest.mark.parametrize("text", [OWNER_BY_STAGE, OWNER_BY_STAGE.replace(",Total\n", "\n").replace(",13\n", "\n")
                                  .replace(",14\n", "\n").replace("Total,10,5,1,4,7,27\n", "")])
def test_an_owner_by_stage_matrix_is_its_owners_deals(mem_store, text):
    """Anna 4 + 3 + 1 open, 3 won, 2 lost = 13; Boris 6 + 2 + 0 open, 1 won, 5 lost = 14: 27 deals, won 4, lost 7;
    reached 27, 5 + 1 + 4 = 10, 1 + 4 = 5, 4. With its «Total» column and row (refused before) and without."""
    info, _built, _ = import_file(mem_store, text.encode(), "pivot.csv")
    assert outcome(mem_store, info)[:4] == (27, 4, 7, 16)
    assert [n for _s, n in reached(mem_store, info)] == [27, 10, 5, 4]
    assert _managers(mem_store, info) == {"Anna Smith": (13, 3, 2), "Boris Ivanov": (14, 1, 5)}
    assert "readers.stage_matrix_columns" in findings(mem_store, info)


def test_a_stage_by_owner_matrix_is_its_owners_deals(mem_store):
    """A Salesforce matrix report, stages as rows and owners as columns, no total: the same 27 deals (was 5)."""
    text = ("Stage,Anna Smith,Boris Ivanov\nProspecting,4,6\nQualification,3,2\nProposal/Price Quote,1,0\n"
            "Closed Won,3,1\nClosed Lost,2,5\n")
    info, _built, _ = import_file(mem_store, text.encode(), "matrix.csv")
    assert outcome(mem_store, info)[:4] == (27, 4, 7, 16)
    assert reached(mem_store, info) == [("Prospecting", 27), ("Qualification", 10), ("Proposal/Price Quote", 5),
                                        ("Closed Won", 4)]
    assert _managers(mem_store, info) == {"Anna Smith": (13, 3, 2), "Boris Ivanov": (14, 1, 5)}


def test_erpnexts_summary_by_sales_stage_counts_the_deals_at_each_stage(mem_store):
    """ERPNext (frappe/erpnext opportunity_summary_by_sales_stage: count(name) per sales stage and owner, empty cells
    none). Anna 6 + 4 + 3 + 2 + 1 = 16, Boris 10 + 5 + 2 + 2 + 1 + 1 = 21, Not Assigned 1: 38 opportunities; reached
    38, 38 − 17 = 21, 21 − 9 = 12, 12 − 5 = 7, 7 − 2 = 5, 5 − 2 = 3, 3 − 1 = 2, 2 − 1 = 1, in the columns' order.
    Its sales stages end at «Negotiation/Review»: no deal is won (not the last column taken for the sale)."""
    text = ("Opportunity Owner,Prospecting,Qualification,Needs Analysis,Value Proposition,"
            "Identifying Decision Makers,Perception Analysis,Proposal/Price Quote,Negotiation/Review\n"
            "anna@example.com,6,4,3,,2,,1,\nboris@example.com,10,5,2,2,,1,,1\nNot Assigned,1,,,,,,,\n")
    info, _built, _ = import_file(mem_store, text.encode(), "erpnext.csv")
    assert outcome(mem_store, info)[:4] == (38, 0, 0, 38)
    assert [n for _s, n in reached(mem_store, info)] == [38, 21, 12, 7, 5, 3, 2, 1]
    assert [s for s, _n in reached(mem_store, info)][3:5] == ["Value Proposition", "Identifying Decision Makers"]
    assert {m: n for m, (n, _w, _l) in _managers(mem_store, info).items()} == {
        "anna@example.com": 16, "boris@example.com": 21, "Not Assigned": 1}


def test_owners_funnels_of_reached_counts_stay_funnels(mem_store):
    """Each manager's counts fall along steps that name no closing stage: each row a funnel (wide counts), as before."""
    text = "Manager,Contacted,Qualified,Proposal\nAnna,100,40,10\nBoris,80,30,12\n"
    info, _built, _ = import_file(mem_store, text.encode(), "managers.csv")
    assert info.shape == "counts"
    assert _counts(mem_store, info) == [("Contacted", 180), ("Qualified", 70), ("Proposal", 22)]


def test_a_refresh_reads_next_weeks_report_as_the_dataset_was_read(mem_store):
    """Deal owner × stage as rows, with closed stages: 27 deals, won 4, lost 7, before and after a refresh (a refresh
    read the report as a deal list: 9 deals, one per row)."""
    text = ("Deal owner,Deal stage,Count of deals,Sum of Amount\nAnna Smith,Appointment scheduled,4,4000\n"
            "Anna Smith,Qualified to buy,3,6000\nAnna Smith,Contract sent,1,5000\nAnna Smith,Closed won,3,15000\n"
            "Anna Smith,Closed lost,2,0\nBoris Ivanov,Appointment scheduled,6,6000\nBoris Ivanov,Qualified to buy,2,4000\n"
            "Boris Ivanov,Closed won,1,4000\nBoris Ivanov,Closed lost,5,0\n")
    info, _built, _ = import_file(mem_store, text.encode(), "owners.csv")
    assert outcome(mem_store, info)[:5] == (27, 4, 7, 16, 19000)
    refresh(mem_store, info.id, Source(text.replace("Boris Ivanov,Closed won,1", "Boris Ivanov,Closed won,2").encode(),
                                       "owners.csv"))
    info = mem_store.resolve(str(info.id))
    assert outcome(mem_store, info)[:5] == (28, 5, 7, 16, 19000)


def test_the_rows_read_of_a_report_read_as_its_deals_are_the_reports_rows(mem_store):
    """The file has 6 rows (one per stage) for 34 deals: "rows read" was 34, the deals made of the counts, on the
    Data page, in the CLI and in the report; it stays 6 after an edit rebuilds the dataset from its kept rows."""
    from funnel.dataset_edit import rederive
    info, built, _ = import_file(mem_store, PIPELINE_OPEN_AND_WON.encode(), "hubspot.csv", shape="stage_counts")
    assert (built["rows_read"], built["n_deals"]) == (6, 34)
    row = next(r for r in mem_store.datasets() if r["id"] == info.id)
    assert (row["rows_read"], row["n_deals"]) == (6, 34)
    rederive(mem_store, info.id, lost=["Contract Sent"])
    row = next(r for r in mem_store.datasets() if r["id"] == info.id)
    assert (row["rows_read"], row["n_deals"]) == (6, 34)
    assert outcome(mem_store, mem_store.resolve(str(info.id)))[:3] == (34, 2, 3)


def test_the_rows_read_of_a_matrix_are_its_own_rows(mem_store):
    """Anna's and Boris's rows: 2 rows read (was 10, one per owner and stage unfolded), 27 deals; the «Total» row is
    skipped as a total, as in any file."""
    info, built, _ = import_file(mem_store, OWNER_BY_STAGE.encode(), "pivot.csv")
    assert (built["rows_read"], built["n_deals"]) == (2, 27)


def test_a_report_read_as_its_deals_is_read_as_a_funnel_after_the_import_and_back(mem_store):
    """Survey 29: the dataset of the 34 deals could not be read as the report's reached counts after the import (the
    edit panel called it a «deal list»; the switch was refused, quoting the CLI). Read as counts: reached 10, 8, 6, 5,
    3, 2 (the report's own numbers), the kept rows the report's 6; read back as its deals: 34, won 2."""
    from funnel.dataset_edit import edit_view, rederive
    info, _built, _ = import_file(mem_store, PIPELINE_OPEN_AND_WON.encode(), "hubspot.csv", shape="stage_counts")
    view = edit_view(mem_store, info)
    assert (view["shape"], view["shapes"], view["mapping"]) == ("stage_counts", ["stage_counts", "counts"], None)
    rederive(mem_store, info.id, shape="counts")
    info = mem_store.resolve(str(info.id))
    assert info.shape == "counts" and [n for _s, n in _counts(mem_store, info)] == [10, 8, 6, 5, 3, 2]
    assert mem_store.row(info.id)["meta"]["raw"]["main"]["n_rows"] == 6
    rederive(mem_store, info.id, shape="stage_counts")
    info = mem_store.resolve(str(info.id))
    assert outcome(mem_store, info)[:3] == (34, 2, 0)
    assert [n for _s, n in reached(mem_store, info)] == [34, 24, 16, 10, 5, 2]
