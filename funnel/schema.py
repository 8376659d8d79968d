"""The canonical data model (../shared/DOMAIN.md) as stored in DuckDB.

Every dataset lives in its own schema ``ds_<id>`` of the one store file, with these tables:

``deals``   one row per deal: the canonical fields, any extra attribute columns the user kept
            (always VARCHAR, named ``x_<slug>``), and facts derived once at import so that page
            queries group one table instead of rescanning the history:

            - ``stage_pos``     position of the current stage in its pipeline (NULL for a lost stage);
            - ``furthest_pos``  the furthest funnel position the deal reached. A deal *reached*
                                stage k when ``furthest_pos >= k``. Taken from the history when there
                                is one, else from the current stage (input shape A: a deal at stage k
                                passed stages 1..k); a won deal reached every stage;
            - ``lost_pos``      for a lost deal, the position it was lost at (= furthest_pos);
            - ``lost_stage_known`` FALSE for a lost deal whose file keeps no record of where it died
                                (it is then counted as lost at the first stage, and the page says so);
            - ``cycle_days``    closed_at - created_at in days, for closed deals (calendar days when the
                                close is known only to its day and the creation has its time);
            - ``row_no``        the row of the source file the deal came from.

``events``  one row per stage entry: ``deal_id, pipeline, stage, position, entered_at``.
``stages``  per pipeline the ordered stages: ``pipeline, stage, position, kind`` with kind in
            open/won/lost. Funnel positions are 1..n over the open and won stages (won last);
            lost stages have ``position`` NULL: they are outcomes, not steps.
``counts``  input shape E (aggregate counts): ``pipeline, stage, position, grp, n``; ``grp`` is ''
            for the overall row or the value of the grouping column (``group_column`` in the
            dataset's meta says which canonical field it is).
``quality`` the data-quality report of the import: ``code, severity, row_no, column_name, value,
            detail, n``.

The catalog table ``datasets`` (in the main schema) describes each dataset.
"""

from __future__ import annotations

DEAL_FIELDS: tuple[str, ...] = (
    "deal_id",
    "deal_name",
    "created_at",
    "closed_at",
    "stage",
    "status",
    "amount",
    "currency",
    "manager",
    "source",
    "variant",
    "pipeline",
    "lost_reason",
)

# Canonical fields an importer can fill from a file column, with their value kind.
FIELD_KINDS: dict[str, str] = {
    "deal_id": "text",
    "deal_name": "text",
    "created_at": "date",
    "closed_at": "date",
    "stage": "text",
    "status": "status",
    "amount": "number",
    "currency": "text",
    "manager": "text",
    "source": "text",
    "variant": "text",
    "pipeline": "text",
    "lost_reason": "text",
    # helpers that feed status/closed_at but are not columns of their own
    "closed_flag": "bool",
    "won_flag": "bool",
    "lost_flag": "bool",
    "won_at": "date",
    "lost_at": "date",
    "expected_close": "date",
    "stage_changed_at": "date",
    # the open stage a lost deal was lost at, when the file keeps it beside a «Closed Lost» stage
    "lost_stage": "text",
}

STATUSES = ("open", "won", "lost")
STAGE_KINDS = ("open", "won", "lost")

# Attributes the shared filters and the A/B page can group by, besides extra ``x_`` columns.
GROUPABLE_FIELDS = ("manager", "source", "variant", "pipeline", "currency", "lost_reason")

DEALS_DDL = """
CREATE TABLE {deals} (
    deal_id VARCHAR NOT NULL,
    deal_name VARCHAR,
    created_at TIMESTAMP,
    closed_at TIMESTAMP,
    stage VARCHAR,
    status VARCHAR NOT NULL,
    amount DOUBLE,
    currency VARCHAR,
    manager VARCHAR,
    source VARCHAR,
    variant VARCHAR,
    pipeline VARCHAR NOT NULL,
    lost_reason VARCHAR,
    stage_pos INTEGER,
    furthest_pos INTEGER,
    lost_pos INTEGER,
    lost_stage_known BOOLEAN,
    cycle_days DOUBLE,
    row_no INTEGER{extra_columns}
)
"""

EVENTS_DDL = """
CREATE TABLE {events} (
    deal_id VARCHAR NOT NULL,
    pipeline VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    position INTEGER,
    entered_at TIMESTAMP
)
"""

STAGES_DDL = """
CREATE TABLE {stages} (
    pipeline VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    position INTEGER,
    kind VARCHAR NOT NULL
)
"""

COUNTS_DDL = """
CREATE TABLE {counts} (
    pipeline VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    grp VARCHAR NOT NULL,
    n BIGINT NOT NULL
)
"""

QUALITY_DDL = """
CREATE TABLE {quality} (
    code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    row_no INTEGER,
    column_name VARCHAR,
    value VARCHAR,
    detail VARCHAR,
    n BIGINT
)
"""

CATALOG_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    source_file VARCHAR,
    source_hash VARCHAR,
    history_file VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    shape VARCHAR NOT NULL,
    rows_read BIGINT,
    rows_rejected BIGINT,
    n_deals BIGINT,
    n_events BIGINT,
    version INTEGER NOT NULL,
    meta JSON
)
"""

MAPPINGS_DDL = """
CREATE TABLE IF NOT EXISTS remembered_mappings (
    header_key VARCHAR PRIMARY KEY,
    mapping JSON NOT NULL,
    saved_at TIMESTAMP NOT NULL
)
"""

TABLES = ("deals", "events", "stages", "counts", "quality")


def extra_column_name(header: str) -> str:
    """The stored name of an extra attribute column: ``x_`` + a lower-case slug of the header."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", header).strip().lower()
    slug = re.sub(r"[^\w]+", "_", text, flags=re.UNICODE).strip("_")
    return "x_" + (slug or "column")
