"""Pinned A/B verdicts: every comparison the user pinned on the A/B page, recomputed by the same
``analyze_dataset`` the page calls, under the report's filters."""

from __future__ import annotations

from ..ab_dataset import analyze_dataset, column_headers
from ..errors import FunnelError
from ..stats.results import StepResult
from ..stats.wording import caveat_sentences, verdict_sentence
from .inputs import Inputs
from .model import Cell, Column, Section, Table

GROUP_COLUMNS = (("group", "text"), ("n", "int"), ("conversions", "int"), ("rate", "pct"), ("ci_low", "pct"),
                 ("ci_high", "pct"), ("diff", "pp"), ("p_value_adjusted", "p"), ("prob_beat_control", "pct"))


def _label(inp: Inputs, column: str) -> str:
    header = {stored: original for original, stored in column_headers(inp.info).items()}.get(column)
    return header or inp.w(f"report.column.{column}")


def _table(inp: Inputs, result: StepResult, title: str, key: str) -> Table:
    w = inp.w
    rows = []
    for name, g in result.groups.items():
        c = result.comparisons.get(name)
        diff = c.diff if c else None
        rows.append([str(name), g.n, g.conversions, g.rate, g.ci_low, g.ci_high,
                     None if diff is None else Cell(diff * 100, "pp"), c.p_value_adjusted if c else None,
                     c.prob_beat_control if c else None])
    return Table(key, title, [Column(k, w(f"report.col.ab_{k}"), kind) for k, kind in GROUP_COLUMNS], rows)


def ab_verdicts(inp: Inputs) -> Section | None:
    pins = [p for p in inp.extras.get("ab_pins") or [] if p.get("ds", inp.info.id) == inp.info.id]
    if not pins:
        return None
    w = inp.w
    sec = Section("ab", w("report.section.ab"))
    for i, pin in enumerate(pins, 1):
        step = tuple(pin["step"]) if pin.get("step") else None
        alpha = float(pin.get("alpha") or 0.05)
        try:
            result = analyze_dataset(inp.con, inp.info, inp.spec, pin["by"], pin.get("control"), step, alpha,
                                     sequential=bool(pin.get("sequential")))
        except FunnelError as exc:
            sec.bullets.append(exc.message(w.lang))
            continue
        column = _label(inp, pin["by"])
        title = w("report.ab.title", column=column, stage_from=result.stage_from or "—",
                  stage_to=result.stage_to or "—")
        web = inp.info.capabilities.of_visitors
        verdict = verdict_sentence(result.verdict, alpha, w.lang, web)
        sec.paragraphs.append(f"{i}. {title}. {w('report.ab.control', control=result.control or '—')} "
                              f"{verdict}")
        sec.bullets += caveat_sentences(result.verdict, alpha, w.lang, web)
        if result.groups:
            sec.tables.append(_table(inp, result, f"AB {i} · {column}", f"ab_{i}"))
        for skipped in result.skipped:  # the compared step holds visitors who skipped it: said, and compared without
            if skipped.stage == result.stage_to:
                sec.paragraphs.append(f"{skipped.note(w.lang)} {verdict_sentence(skipped.recorded.verdict, alpha, w.lang, web)}")
                sec.tables.append(_table(inp, skipped.recorded, f"AB {i} · {column} · {skipped.stage}", f"ab_{i}_recorded"))
    return sec
