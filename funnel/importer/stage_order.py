"""Which stages a pipeline has, in which order, and which are won or lost.

The order is data the user can edit; this module only proposes it, in this precedence:
1. an explicit order (``--stages``, the Data page's editor, a sample manifest, or the file's own
   order such as Salesforce ``StageSortOrder``), one list for all pipelines or one per pipeline;
2. the stage history: stages sorted by the average rank at which deals first enter them (the
   order deals really moved in beats any default);
3. the numbers (or letters) the open stages' names start with (``1-Qualify``, ``2-Develop``: Dynamics
   365's pipeline phases, a company's «01. Новый лид», a board's «A. Lead Generated»); a guess when a
   stage without one is put after them;
4. the preset's default order (HubSpot's default pipeline, Salesforce's picklist, ...), matched to
   the file's names ignoring case and punctuation (``mapping.stage_names``); stages the preset does
   not know make the order a guess;
5. otherwise a guess, flagged ``stages.order_guessed``: from the deals' win probability when the file
   has one for every open stage (``mapping.stage_probability``); else from the stage names when every
   open stage is on a rung of the usual sales ladder (``mapping.stage_ladder``: new lead, contact,
   qualification, meeting, proposal, negotiation, contract); else from the snapshot (most populated
   first).

Kinds: a stage is ``won``/``lost`` when its name says so (``Closed Won``, ``Сделка провалена``...)
or the user listed it as such; in a guessed order (5.) also when every deal of the pipeline at it (two or
more) is won / lost by the status column and its name is no rung of the sales ladder (a Renewals pipeline's
«Renewed», «Churned»; not Pipedrive's «Negotiation», where a deal stays when it is won). When an explicit
order has no won stage, its last stage is the won one (a funnel's last step is the sale), unless a status
or flag column says who won. When deals are won by their status column but no stage is won (Pipedrive
keeps the stage a deal was won at), a final stage ``Won`` is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mapping import classify_stage_name
from ..mapping.stage_ladder import ladder_order, new_lead_first, rung
from ..mapping.stage_names import align_order, numbered_order, stage_key
from ..mapping.stage_probability import probability_order

SYNTHETIC_WON = "Won"  # the added won stage's name when the file spells its won status by a flag only
# ... in the language of the file's own stages (survey 35: «Новый лид → КП отправлено → Переговоры → Won»)
_WON_IN = (("\u0400", "\u04ff", "Выиграна"), ("\u4e00", "\u9fff", "赢单"))


def _won_name(names: list[str], taken) -> str:
    """The added won stage's name: «Выиграна» beside Russian stages, «赢单» beside Chinese ones, else «Won»."""
    for low, high, word in _WON_IN:
        if word not in taken and any(low <= ch <= high for name in names for ch in name):
            return word
    return SYNTHETIC_WON


@dataclass
class PipelineStages:
    pipeline: str
    funnel: list[str]  # open stages then the won stage(s), in order: positions 1..n
    won: list[str]
    lost: list[str]
    guessed: bool = False
    won_assumed: bool = False  # the won stage is the given order's last: nothing else said it

    def rows(self) -> list[tuple[str, str, int | None, str]]:
        out = []
        for pos, stage in enumerate(self.funnel, start=1):
            out.append((self.pipeline, stage, pos, "won" if stage in self.won else "open"))
        for stage in self.lost:
            out.append((self.pipeline, stage, None, "lost"))
        return out


def explicit_for(pipeline: str, explicit) -> list[str] | None:
    if not explicit:
        return None
    if isinstance(explicit, dict):
        return list(explicit.get(pipeline) or []) or None
    return list(explicit)


def _by_words_within(aligned: list[str], open_by_count: list[str]) -> list[str] | None:
    """The open stages ordered by the sales ladder's words (``ladder_order``) when that order keeps the
    preset's own stages in the preset's order, the closing stages after; else None. A Zoho file's own
    «Prospect» and «Initial Offer» then go before «Qualification» and beside «Proposal/Price Quote»
    instead of after «Negotiation/Review»."""
    by_words = ladder_order(open_by_count)
    if not by_words:
        return None
    # within a rung (Qualification and Needs Analysis are both "qualification") the preset decides
    by_words = sorted(by_words, key=lambda s: (rung(s), aligned.index(s) if s in aligned else len(aligned)))
    known = set(aligned)
    if [s for s in by_words if s in known] != [s for s in aligned if s in set(by_words)]:
        return None
    return by_words + [s for s in aligned if s not in set(by_words)]


def _new_leads_before(aligned: list[str], open_by_count: list[str]) -> list[str]:
    """``aligned`` after the file's own new-lead stages the preset does not know (EnvyCRM's «Новая заявка»
    beside amoCRM's «Переговоры»), when the ladder's words cannot place every stage: a new lead is first
    even so (``new_lead_first``), not appended after the preset's stages by its count."""
    return [s for s in open_by_count if s not in aligned and rung(s) == 0] + aligned


_NEGATIONS = ("not", "non", "un", "dis", "не", "未", "不", "非")  # stage_key drops spaces and punctuation


def negates(negative: str, positive: str) -> bool:
    """Whether ``negative`` is ``positive`` denied: «not_qualified» / «Qualified», «Unqualified»,
    «Disqualified», «Не квалифицирован» / «Квалифицирован», 不合格 / 合格."""
    neg, pos = stage_key(negative), stage_key(positive)
    return bool(pos) and any(neg == prefix + pos for prefix in _NEGATIONS)


def resolve(pipeline: str, names_by_count: list[str], *, explicit=None, preset_order=None,
            history_order=None, won_names=(), lost_names=(), has_won_status=False, status_told=False,
            probabilities=None, won_word: str | None = None, listed=None, won_by_status=(),
            lost_by_status=()) -> PipelineStages:
    """Build one pipeline's stage list. ``names_by_count``: stage names of its deals, most populated first.
    ``probabilities``: stage -> median win probability of its open deals, when the file has them.
    ``won_word``: the file's own spelling of a won status («Успешно реализовано», 赢单), the name of the
    won stage added when a status says who won and no stage is won (else :data:`SYNTHETIC_WON`).
    ``status_told``: a status or flag tells this pipeline's outcomes (if only that all are open).
    ``listed``: the CRM's own stage list of this pipeline (``Mapping.listed_stages``): its order, every
    stage of it drawn, those no deal is at too (a preset's stages the file lacks are left out).
    ``won_by_status`` / ``lost_by_status``: this pipeline's stages whose every deal its status says won / lost;
    its won / lost stages when the order is guessed from the snapshot (nothing else places them), else steps."""
    won_names, lost_names = set(won_names), set(lost_names)

    def kind(name: str) -> str | None:
        if name in won_names:
            return "won"
        if name in lost_names:
            return "lost"
        return classify_stage_name(name)

    given = explicit_for(pipeline, explicit)
    guessed = won_assumed = False
    present = list(dict.fromkeys(list(names_by_count) + list(history_order or [])))
    aligned, unknown = align_order(preset_order, present)
    if given:
        order = given
    elif history_order:
        order = list(history_order)
    elif listed and any(kind(s) is None for s in listed):
        order = list(listed)
    elif numbered := numbered_order([s for s in present if kind(s) is None]):
        order, complete = numbered  # the company's own order, written into the names: «1-Qualify», «2-Develop»
        guessed = not complete
    elif any(kind(s) is None for s in aligned):  # the preset knows an open stage (not only Closed Won/Lost)
        order = aligned
        guessed = any(kind(s) is None for s in unknown)  # the file's own stages: where they go is a guess
        if guessed:  # placed among the preset's by the words of their names, when those keep the preset's order
            own = [s for s in names_by_count if kind(s) is None]
            order = _by_words_within(aligned, own) or _new_leads_before(aligned, own)
    else:
        # nothing orders the stages: one that only won (lost) deals are at is the sale (the loss), not a step
        # after every open one followed by an added «Won» (a Renewals pipeline's «Renewed», «Churned»). Not
        # a stage named as a rung of the sales ladder: Pipedrive keeps a deal at the step it was won at
        # («Negociação», every deal there won, is still the step before the sale)
        won_names.update(s for s in won_by_status if kind(s) is None and rung(s) is None)
        lost_names.update(s for s in lost_by_status if kind(s) is None and rung(s) is None)
        closing = [s for s in names_by_count if kind(s) in ("won", "lost")]
        rest = [s for s in names_by_count if s not in closing]
        by_words = probability_order(probabilities or {}, rest) or ladder_order(rest) or new_lead_first(rest)
        order = by_words + closing if by_words else list(names_by_count)
        guessed = True
    seen_all = list(dict.fromkeys(order + list(names_by_count) + (history_order or [])))
    lost = [s for s in seen_all if kind(s) == "lost"]
    funnel = [s for s in dict.fromkeys(order) if kind(s) != "lost"]
    if not given:
        # stages present in the data but not in the proposed order go before the won stages
        funnel += [s for s in names_by_count if s not in funnel and kind(s) != "lost"]
    else:
        # an order that lists only the steps (`edit --stages` of the open stages): the file's won stages
        # follow it; its last step is not taken for the sale while the deals' own won stage is there
        funnel += [s for s in names_by_count if s not in funnel and kind(s) == "won"]
    won = [s for s in funnel if kind(s) == "won"]
    open_ = [s for s in funnel if s not in won]
    if given and not won and open_ and not has_won_status and not status_told:
        # the last stage is the sale, unless a status or flag says who won: then every given stage is
        # a step (a file's «furthest stage» with its own «outcome» column)
        won = [open_.pop()]
        won_assumed = True
    if not given and not won and len(open_) == 1 and not has_won_status and not status_told \
            and any(negates(s, open_[0]) for s in lost):
        # a lead list's two outcomes, «qualified» beside «not_qualified»: the one that is not lost is the
        # sale of that list (a guess, said as the last stage taken for the sale)
        won = [open_.pop()]
        won_assumed = True
    if not won and has_won_status and open_:  # no stage at all: outcomes only, no funnel to invent
        word = won_word[:1].upper() + won_word[1:] if won_word and won_word.islower() else won_word  # API's «won»
        won = [word if word and word not in seen_all else _won_name(open_, seen_all)]
    return PipelineStages(pipeline, open_ + won, won, lost, guessed, won_assumed)
