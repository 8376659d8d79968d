"""YetiForce's picklist keys read as the labels its users see.

YetiForce (a vtiger fork) stores a picklist's value as a translation key, ``PLL_QUOTE_ENQUIRY``, and its export
writes the key: a sales process's status, its source and its type came into every page as «PLL_QUOTE_ENQUIRY»
(survey 50). A column made **wholly** of such keys (every non-empty cell ``PLL_`` then capitals, digits and
underscores) is written as YetiForce's English labels, before anything reads it, so the mapping, the outcome words
(«Sale completed» won), the stage ladder («Quote enquiry» a proposal's word, before «Negotiations») and every page
see the label. The labels are those of YetiForce's ``languages/en-US`` files (``SSalesProcesses.json``,
``Leads.json``); a key they do not list is its words in sentence case (``PLL_SITE_VISIT`` «Site visit»), as
YetiForce's own labels mostly are. A column that mixes keys with other values (a value a company added by hand is
stored as typed) is left as it is: which of its cells are keys is then a guess. Said in the quality report.
"""

from __future__ import annotations

from ..sql import ident, render, run
from .staging import RawTable

KEY_PATTERN = "PLL_[A-Z0-9]+(_[A-Z0-9]+)*"
SAMPLE_ROWS = 2000
MAX_KEYS = 500  # a picklist's values; more distinct keys than this is no picklist

# YetiForceCompany/YetiForceCRM languages/en-US/SSalesProcesses.json (sources, types, statuses of a sales process)
# and Leads.json (a lead's statuses and kinds): only where the label is not the key's words in sentence case
LABELS = {
    "PLL_REQUIREMENTS_CARD": "Requirements Card",
    "PLL_TO_REALIZE": "For processing",
    "PLL_CONTACTS_IN_THE_FUTURE": "Contact in the future",
    "PLL_LEAD_UNTAPPED": "Unobtained",
    "PLL_LEAD_ACQUIRED": "For conversion",
    "PLL_B2C": "B2C",
    "PLL_B2B": "B2B",
    "PLL_NATURAL_PERSON": "Private individual",
    "PLL_BUSINESS_ACTIVITY": "Sole proprietorship",
}


def picklist_label(key: str) -> str:
    """The English label of YetiForce's picklist key ``key`` (module docstring)."""
    return LABELS.get(key) or key[len("PLL_"):].replace("_", " ").capitalize()


def label_picklist_keys(con, raw: RawTable) -> None:
    """Rewrite the columns of ``raw`` made wholly of picklist keys as their labels (module docstring)."""
    cols = [f"c{i}" for i in range(len(raw.headers))]
    if not cols:
        return
    # a column's first rows decide whether it is looked at (one pass); the whole column decides it
    flags = [render("count({c}) > 0 AND bool_and({c} IS NULL OR regexp_full_match({c}, $p))", c=ident(c)) for c in cols]
    sample = render("SELECT " + ", ".join(flags) + " FROM (SELECT * FROM {t} LIMIT $n)", t=ident(raw.table))
    candidates = [k for k, flag in enumerate(run(con, sample, {"p": KEY_PATTERN, "n": SAMPLE_ROWS}).fetchall()[0])
                  if flag]
    if not candidates or not run(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t",
                                 {"t": raw.table}).fetchall()[0][0]:
        return  # (a view over another table, never one of the readers' own: left as it reads)
    labelled: list[int] = []
    examples: list[str] = []
    for k in candidates:
        column = ident(cols[k])
        keys = [r[0] for r in run(con, render("SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT $m",
                                              c=column, t=ident(raw.table)), {"m": MAX_KEYS + 1}).fetchall()]
        if len(keys) > MAX_KEYS or run(con, render(
                "SELECT count(*) FROM {t} WHERE {c} IS NOT NULL AND NOT regexp_full_match({c}, $p)",
                c=column, t=ident(raw.table)), {"p": KEY_PATTERN}).fetchall()[0][0]:
            continue
        run(con, "CREATE OR REPLACE TEMP TABLE imp_picklist_labels (key VARCHAR, label VARCHAR)")
        con.executemany("INSERT INTO imp_picklist_labels VALUES (?, ?)", [(key, picklist_label(key)) for key in keys])
        run(con, render("UPDATE {t} SET {c} = l.label FROM imp_picklist_labels l WHERE {t}.{c} = l.key",
                        t=ident(raw.table), c=column))
        labelled.append(k)
        key = min(keys)
        examples.append(f"{key} → «{picklist_label(key)}»")
    run(con, "DROP TABLE IF EXISTS imp_picklist_labels")
    if labelled:
        raw.notes.append(("readers.picklist_labels", {
            "file": raw.file_name, "n": len(labelled), "columns": ", ".join(f"«{raw.headers[k]}»" for k in labelled),
            "examples": ", ".join(examples[:3])}))
