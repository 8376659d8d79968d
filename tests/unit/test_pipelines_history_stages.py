"""A history row of one pipeline's deal at ANOTHER pipeline's lost stage is an unknown stage of its own pipeline,
said like any other (session 49): the check read «a lost stage» of any pipeline, so a Renewals deal's history
through Sales' «Dropped» went unsaid while its «Ghost stage» beside it was said."""

from __future__ import annotations

from funnel.importer import import_file

# Sales: «Dropped» is its lost stage by the CRM's two flags (closed, not won: S5, S6); Renewals is told by the same
# flags that all its deals are open. Each pipeline's order is given, so a history stage out of it has no position.
DEALS = ("Deal,Pipeline,Stage,Amount,Created,Is Closed,Is Won\n"
         "S1,Sales,Lead,100,2024-01-01,FALSE,FALSE\n"
         "S2,Sales,Talks,200,2024-01-02,FALSE,FALSE\n"
         "S3,Sales,Signed,300,2024-01-03,TRUE,TRUE\n"
         "S4,Sales,Signed,500,2024-01-04,TRUE,TRUE\n"
         "S5,Sales,Dropped,400,2024-01-05,TRUE,FALSE\n"
         "S6,Sales,Dropped,600,2024-01-06,TRUE,FALSE\n"
         "R1,Renewals,Reminder,1000,2024-02-01,FALSE,FALSE\n"
         "R2,Renewals,Reminder,2000,2024-02-02,FALSE,FALSE\n"
         "R3,Renewals,Terms,3000,2024-02-03,FALSE,FALSE\n"
         "R4,Renewals,Awaiting payment,4000,2024-02-04,FALSE,FALSE\n")
# S5 and S6 enter «Dropped», Sales' own lost stage: known. R3 enters «Dropped» (a stage of Sales, no stage of
# Renewals): 1 unknown row; R4 enters «Ghost stage», no stage of any pipeline: 1 unknown row.
HISTORY = ("Deal,Stage,Entered\n"
           "S1,Lead,2024-01-01\nS2,Lead,2024-01-02\nS2,Talks,2024-01-03\n"
           "S3,Lead,2024-01-03\nS3,Talks,2024-01-04\nS3,Signed,2024-01-10\n"
           "S4,Lead,2024-01-04\nS4,Signed,2024-01-12\n"
           "S5,Lead,2024-01-05\nS5,Dropped,2024-01-08\n"
           "S6,Lead,2024-01-06\nS6,Talks,2024-01-07\nS6,Dropped,2024-01-09\n"
           "R1,Reminder,2024-02-01\nR2,Reminder,2024-02-02\n"
           "R3,Reminder,2024-02-03\nR3,Dropped,2024-02-04\nR3,Terms,2024-02-05\n"
           "R4,Reminder,2024-02-04\nR4,Terms,2024-02-05\nR4,Awaiting payment,2024-02-06\nR4,Ghost stage,2024-02-07\n")
ORDER = {"Sales": ["Lead", "Talks", "Signed"], "Renewals": ["Reminder", "Terms", "Awaiting payment"]}


def _unknown_stages(store, info) -> dict[str, int]:
    with store.connect() as con:
        return {r[0]: r[1] for r in con.execute(
            f"SELECT value, n FROM ds_{info.id}.quality WHERE code = 'history.unknown_stage'").fetchall()}


def test_another_pipelines_lost_stage_in_a_history_is_an_unknown_stage(mem_store, tmp_path):
    deals, history = tmp_path / "deals.csv", tmp_path / "history.csv"
    deals.write_text(DEALS, encoding="utf-8")
    history.write_text(HISTORY, encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals, history=history, stages=ORDER)
    with mem_store.connect() as con:
        kinds = set(con.execute(f"SELECT pipeline, stage, kind FROM ds_{info.id}.stages").fetchall())
    assert ("Sales", "Dropped", "lost") in kinds and not any(p == "Renewals" and s == "Dropped" for p, s, _k in kinds)
    assert _unknown_stages(mem_store, info) == {"Dropped": 1, "Ghost stage": 1}
