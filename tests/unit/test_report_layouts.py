"""Issue 16, what survey 25 left: two report layouts a deal table is downloaded in.

- **A stage written once per group** (a crosstab or a pivot sorted by stage, «repeated values shown once»): every
  blank row was "a deal without a stage", counted at the first stage: won 1 of 4, revenue 12,000 of 36,700.50.
- **Looker's totals row** (``,,,"$73,700.50",,,``: every cell empty but the summed measure) was a deal with no id,
  reported as a rejected row.

The 12 deals are survey 25's, worked by hand: won Acme 12,000, Beta 8,500.50, Gamma 1,200, Kappa 15,000 (36,700.50);
lost Delta, Epsilon, Zeta; open Eta (Negotiation), Theta and Mu (Proposal), Iota and Lambda (Qualification); reached
12 (the lost at the first stage), 2 + 1 + 4 = 7, 1 + 4 = 5, 4. All amounts add up to 73,700.50.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

DEALS = [("Closed Lost", "Delta", "5,000"), ("Closed Lost", "Epsilon", "3,000"), ("Closed Lost", "Zeta", "7,000"),
         ("Closed Won", "Acme", "12,000"), ("Closed Won", "Beta", "8,500.5"), ("Closed Won", "Gamma", "1,200"),
         ("Closed Won", "Kappa", "15,000"), ("Negotiation", "Eta", "9,000"), ("Proposal", "Theta", "4,000"),
         ("Proposal", "Mu", "6,000"), ("Qualification", "Iota", "2,000"), ("Qualification", "Lambda", "1,000")]
HAND = (12, 4, 3, 5, 36700.5)
REACHED = [("Qualification", 12), ("Proposal", 7), ("Negotiation", 5), ("Closed Won", 4)]


def _crosstab(blank_repeats: bool) -> str:
    rows, before = ["Stage\tDeal Name\tAmount"], None
    for stage, name, amount in DEALS:
        rows.append(f"{'' if blank_repeats and stage == before else stage}\t{name}\t\"{amount}\"")
        before = stage
    return "\n".join(rows) + "\n"


def test_a_stage_written_once_per_group_is_every_rows_stage(mem_store):
    info, _built, _ = import_file(mem_store, _crosstab(True).encode(), "crosstab.tsv")
    assert outcome(mem_store, info)[:5] == HAND
    assert reached(mem_store, info) == REACHED
    severity, n, detail = findings(mem_store, info)["stage.filled_down"]
    assert (severity, n, detail["column"]) == ("warning", 7, "Stage")  # 12 rows, 5 stages named once


def test_a_deal_list_with_a_missing_stage_is_not_filled(mem_store):
    """Stages repeat (a plain list sorted by stage): the blank is a deal without a stage, counted at the first."""
    text = "Stage,Deal Name\nProposal,A\nProposal,B\n,C\nWon,D\nWon,E\n"
    info, _built, _ = import_file(mem_store, text.encode(), "list.csv")
    assert "stage.filled_down" not in findings(mem_store, info)
    assert "stages.missing" in findings(mem_store, info)
    assert outcome(mem_store, info)[:2] == (5, 2)


def test_few_deals_at_distinct_stages_are_not_filled(mem_store):
    """One stage each and one blank: no more blanks than names, so no group layout to read."""
    text = "Stage,Deal Name\nLead,A\n,B\nWon,C\n"
    info, _built, _ = import_file(mem_store, text.encode(), "three.csv")
    assert "stage.filled_down" not in findings(mem_store, info)


LOOKER = "Deals ID,Deals Name,Deals Stage,Deals Amount\n" + "".join(
    f'{i},{name},{stage},"${float(amount.replace(",", "")):,.2f}"\n'
    for i, (stage, name, amount) in enumerate(DEALS, start=1))


def test_lookers_unlabelled_totals_row_is_no_deal(mem_store):
    info, built, _ = import_file(mem_store, (LOOKER + ',,,"$73,700.50"\n').encode(), "looker.csv")
    assert outcome(mem_store, info)[:5] == HAND
    assert built["rows_rejected"] == 0 and "reject.missing_id" not in findings(mem_store, info)
    assert "readers.skipped_rows" in findings(mem_store, info)


def test_a_last_row_that_is_no_sum_stays(mem_store):
    """73,000.50 is not the amounts' sum: the row is not taken for a total (it stays a row, rejected for its id)."""
    info, built, _ = import_file(mem_store, (LOOKER + ',,,"$73,000.50"\n').encode(), "looker.csv")
    assert built["rows_rejected"] == 1
