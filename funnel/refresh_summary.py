"""What a refresh did, on one screen: ``import FILE --into DATASET`` on the command line.

The Data page says a refresh as «Data replaced with «file»: version, deals, rejected» and the refresh's findings; the
CLI printed the counts after the refresh and its warnings only, so a user could not see what the new export changed:
how many deals there were before, which columns are still read the same, which are new in the file, which chosen
column is awaited. :func:`summarize` compares the dataset's stored row before the refresh with the row after (the
store's ``meta``: the mapping by column title, the file's headers when its rows were kept, the refresh's findings);
:func:`summary_lines` says it in the reader's language. ``--json`` prints the same dict under ``"refresh"``.

Nothing here reads data: the new and gone deals are the refresh's own ``refresh.changes`` finding (a deal list's,
compared by deal id; an event log or a counts table has none), so the two never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from .i18n import names_in_quotes, normalize_language, t

# the parts of ``refresh.changes`` (dataset_edit._week_changes) kept as numbers: catalog key -> summary key
_PARTS = {"quality.refresh.part.new": "new", "quality.refresh.part.gone": "gone", "quality.refresh.part.won": "won",
          "quality.refresh.part.lost": "lost", "quality.refresh.part.back": "back"}
COUNT_KEYS = {"deals": "import50.refresh.count_deals", "visitors": "import50.refresh.count_visitors",
              "rows": "import50.refresh.count_rows"}
_STEP_KEYS = ("outcomes", "wide_stages")  # a visitor file's yes/no steps, a wide counts table's step columns


def _mapping(meta: dict[str, Any]) -> dict[str, Any]:
    return meta.get("mapping") or {}


def _headers(meta: dict[str, Any]) -> list[str] | None:
    """The stored file's column titles; None when its rows were not kept (a large file): then no column can be
    told new or gone."""
    main = (meta.get("raw") or {}).get("main") or {}
    return list(main["headers"]) if main.get("headers") is not None else None


def _steps(mapping: dict[str, Any]) -> list[str]:
    return [s for key in _STEP_KEYS for s in mapping.get(key) or []]


def _changes(meta: dict[str, Any]) -> dict[str, Any]:
    """The new, gone, won, lost and moved-back deals of the refresh's ``refresh.changes`` finding (zero each when it
    said nothing: nothing changed), the gone deals' ids as the finding lists them."""
    out: dict[str, Any] = dict.fromkeys(_PARTS.values(), 0)
    for code, *_rest, detail, _n in ((meta.get("refreshed") or {}).get("findings") or []):
        if code != "refresh.changes" or not detail:
            continue
        for key, params in json.loads(detail).get("parts", []):
            if key in _PARTS:
                out[_PARTS[key]] = params.get("n", 0)
                if key == "quality.refresh.part.gone":
                    out["gone_ids"] = params.get("ids", "")
    return out


def unit(caps) -> str:
    """What a dataset counts: a counts table its rows (it stores no deals), a web funnel its visitors, else deals."""
    return "rows" if caps.aggregate else "visitors" if caps.is_web_funnel else "deals"


def summarize(before: dict[str, Any], after: dict[str, Any], file_name: str, headers: list[str], caps) -> dict[str, Any]:
    """The refresh of the stored row ``before`` into ``after`` (store rows, ``meta`` included) from ``file_name``,
    whose column titles are ``headers``; ``caps``: the refreshed dataset's capabilities."""
    old, new = _mapping(before["meta"]), _mapping(after["meta"])
    was, now = old.get("fields") or {}, new.get("fields") or {}
    counted = unit(caps)
    column = "rows_read" if counted == "rows" else "n_deals"
    count: dict[str, Any] = {"unit": counted, "before": before[column], "after": after[column]}
    if counted == "deals" and before["shape"] == after["shape"] == "deals":
        count.update(_changes(after["meta"]))
    old_headers = _headers(before["meta"])
    awaited = after["meta"].get("refresh_awaited") or {}
    read = {*now.values(), *_steps(new), *(new.get("extras") or []), *(new.get("stage_entered") or [])}
    return {
        "file": file_name,
        "rows_read": after["rows_read"],
        "rejected_rows": after["rows_rejected"],
        "count": count,
        "mapping": {
            "kept": {f: c for f, c in now.items() if was.get(f) == c},
            "changed": {f: {"was": was[f], "now": c} for f, c in now.items() if f in was and was[f] != c},
            "added": {f: c for f, c in now.items() if f not in was},
            "dropped": {f: c for f, c in was.items() if f not in now},
            "steps_before": _steps(old), "steps_after": _steps(new),
        },
        # None: the stored file's titles are unknown (its rows were not kept), nothing can be told new or gone
        "columns_new": None if old_headers is None else [
            {"column": h, "read": h in read} for h in headers if h and h not in old_headers],
        "columns_gone": None if old_headers is None else [h for h in old_headers if h and h not in headers],
        "awaited": {"fields": dict(awaited.get("fields") or {}), "steps": list(awaited.get("steps") or [])},
    }


def _role(field: str) -> str:
    from .cli import ROLE_LABELS  # (the CLI's one table of role names)

    return ROLE_LABELS.get(field, f"ui.data.role.{field}")


def _pairs(fields: dict[str, str], lang: str) -> str:
    """«role ← column» pairs in the canonical order of the roles (the id, the dates, the stage, …)."""
    from .cli import ROLE_LABELS

    order = list(ROLE_LABELS)
    ranked = sorted(fields.items(), key=lambda fc: order.index(fc[0]) if fc[0] in order else len(order))
    return ("；" if normalize_language(lang) == "zh" else "; ").join(f"{t(_role(f), lang)} ← {names_in_quotes([c], lang)}" for f, c in ranked)


def summary_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """The summary ``doc`` (:func:`summarize`) as the CLI's lines, in ``lang``."""
    def quoted(names) -> str:
        return names_in_quotes(names, lang)

    def line(key: str, **params) -> str:
        return "  " + t(key, lang, **params)

    count, mapping = doc["count"], doc["mapping"]
    lines = [line("import50.refresh.file", file=quoted([doc["file"]])),
             line("import50.refresh.rows", rows=doc["rows_read"], rejected=doc["rejected_rows"]),
             line(COUNT_KEYS[count["unit"]], before=count["before"], after=count["after"])]
    if "new" in count:
        lines.append(line("import50.refresh.deals_changed_ids" if count["gone"] else "import50.refresh.deals_changed",
                          new=count["new"], gone=count["gone"], ids=count.get("gone_ids", "")))
    if mapping["kept"]:
        lines.append(line("import50.refresh.kept", pairs=_pairs(mapping["kept"], lang)))
    for f, change in mapping["changed"].items():
        lines.append(line("import50.refresh.changed", field=t(_role(f), lang), was=quoted([change["was"]]),
                          now=quoted([change["now"]])))
    for key, part in (("import50.refresh.added", "added"), ("import50.refresh.dropped", "dropped")):
        if mapping[part]:
            lines.append(line(key, pairs=_pairs(mapping[part], lang)))
    if mapping["steps_after"]:
        key = "import50.refresh.steps_kept" if mapping["steps_after"] == mapping["steps_before"] \
            else "import50.refresh.steps_changed"
        lines.append(line(key, before=" → ".join(quoted([s]) for s in mapping["steps_before"]) or "—",
                          after=" → ".join(quoted([s]) for s in mapping["steps_after"])))
    if doc["columns_new"] is None:
        lines.append(line("import50.refresh.columns_unknown"))
    else:
        read = [c["column"] for c in doc["columns_new"] if c["read"]]
        left = [c["column"] for c in doc["columns_new"] if not c["read"]]
        if read:
            lines.append(line("import50.refresh.columns_new_read", columns=quoted(read)))
        if left:
            lines.append(line("import50.refresh.columns_new_left", columns=quoted(left)))
        if doc["columns_gone"]:
            lines.append(line("import50.refresh.columns_gone", columns=quoted(doc["columns_gone"])))
        if not doc["columns_new"] and not doc["columns_gone"]:
            lines.append(line("import50.refresh.columns_same"))
    awaited = doc["awaited"]
    if awaited["fields"]:
        lines.append(line("import50.refresh.awaited", pairs=_pairs(awaited["fields"], lang)))
    if awaited["steps"]:
        lines.append(line("import50.refresh.awaited_steps", columns=quoted(awaited["steps"])))
    return lines
