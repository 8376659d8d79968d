"""``python -m funnel abtest`` (dataset mode and typed-in counts) and ``samplesize`` as a user runs them.

The commands the brief names run as real processes, all started at once (one module fixture); the
text output and the other bad inputs run in-process through ``funnel.cli.main`` (same code path,
without paying for Python's start-up again).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from scipy.stats import norm

from funnel.cli import main
from tests.conftest import ROOT

WEB = "sample_data/web_events.csv"
STAGES = ["--stages", "impression,click,lead,sale"]
COMMANDS = {
    "whole": ["abtest", WEB, "--by", "landing", *STAGES, "--json"],
    "step": ["abtest", WEB, "--by", "landing", *STAGES, "--step", "click:lead", "--json"],
    "counts": ["abtest", "--counts", "A=120/1000,B=150/1000", "--json"],
    "samplesize": ["samplesize", "--baseline", "0.10", "--mde", "0.02", "--json"],
    "bad_column": ["abtest", WEB, "--by", "colour", *STAGES],
}


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    procs = {}
    for name, args in COMMANDS.items():
        env = dict(os.environ, FUNNEL_LANG="en")
        procs[name] = subprocess.Popen([sys.executable, "-m", "funnel", *args], cwd=ROOT, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return out


def _z_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided pooled two-proportion z-test, from the definition (Agresti 2013, 3.1.1)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(x2 / n2 - x1 / n1) / se)


def test_whole_funnel_json(runs):
    r = runs["whole"]
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    for key in ("control", "alpha", "groups", "comparisons", "omnibus", "srm", "verdict", "steps", "by", "stages"):
        assert key in doc
    assert doc["by"] == "variant" and doc["stages"] == ["impression", "click", "lead", "sale"]
    assert [(s["from"], s["to"]) for s in doc["steps"]] == [("impression", "click"), ("click", "lead"), ("lead", "sale")]
    click_lead = doc["steps"][1]
    assert click_lead["verdict"]["code"] == "winner" and click_lead["verdict"]["group"] == "B"
    assert doc["comparisons_total"] == 4  # overall + 3 steps, one Holm family


def test_one_step_json_matches_z_test_by_hand(runs):
    doc = json.loads(runs["step"].stdout)
    a, b = doc["groups"]["A"], doc["groups"]["B"]
    assert (doc["from"], doc["to"], doc["control"]) == ("click", "lead", "A")
    assert b["conversions"] / b["n"] > a["conversions"] / a["n"]
    expected = _z_p(a["conversions"], a["n"], b["conversions"], b["n"])
    assert doc["comparisons"]["B"]["p_value"] == pytest.approx(expected, rel=1e-6)
    assert doc["verdict"]["code"] == "winner" and doc["verdict"]["group"] == "B"


def test_text_output_names_the_winner(capsys, monkeypatch):
    monkeypatch.setenv("FUNNEL_LANG", "en")
    assert main(["abtest", WEB, "--by", "landing", *STAGES, "--step", "click:lead"]) == 0
    assert "B converts better than A" in capsys.readouterr().out
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert main(["abtest", WEB, "--by", "headline", *STAGES]) == 0
    out = capsys.readouterr().out
    assert "Явной разницы" in out and "Шаг click → lead" in out


def test_typed_in_counts(runs):
    doc = json.loads(runs["counts"].stdout)
    # pooled 270/2000 = .135, se = sqrt(.135*.865*.002) = 0.015282, z = .03/.015282 = 1.9631, p = 0.04963
    assert doc["comparisons"]["B"]["p_value"] == pytest.approx(0.04963, abs=5e-5)
    assert doc["verdict"]["code"] == "winner"


def test_samplesize(runs):
    doc = json.loads(runs["samplesize"].stdout)
    # n = (z.975*sqrt(2*.11*.89) + z.8*sqrt(.1*.9 + .12*.88))^2 / .02^2
    #   = (1.959964*0.442493 + 0.841621*0.442267)^2 / 0.0004 = 3840.85 -> 3841 per group
    # (R: power.prop.test(p1 = .1, p2 = .12, power = .8) solves the same equation)
    assert doc["n_per_group"] == 3841
    assert doc["n_per_group_exact"] == pytest.approx(3840.85, abs=0.05)


def test_bad_column_exits_2(runs):
    r = runs["bad_column"]
    assert r.returncode == 2 and r.stdout == ""
    assert "colour" in r.stderr and "Traceback" not in r.stderr


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("visitor_id,step,timestamp,landing\n1,visit,2024-01-01,A\n2,visit,2024-01-01,B\n"
                    "2,buy,2024-01-02,B\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("args", "words"), [
    (["--counts", "A=12/x"], "A=12/x"),
    (["{tiny}", "--by", "landing", "--stages", "visit,buy", "--step", "visit:nowhere"], "nowhere"),
    (["{tiny}", "--by", "landing", "--stages", "visit,buy", "--step", "buy:visit"], "buy"),
    (["{tiny}", "--by", "landing", "--stages", "visit,buy", "--expected-split", "fifty"], "fifty"),
    (["{tiny}", "--by", "landing", "--stages", "visit,buy", "--control", "Z"], "Z"),
    (["{tiny}"], ""),
])
def test_bad_input_exits_2(capsys, monkeypatch, tiny, args, words):
    monkeypatch.setenv("FUNNEL_LANG", "en")
    assert main(["abtest", *(a.replace("{tiny}", tiny) for a in args)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and words in out.err
