"""CLI pieces (run_* called directly; `python -m funnel abtest` is wired by the lead)."""

import argparse
import json

import pytest

from funnel.ab_input import parse_counts, parse_means, parse_split
from funnel.stats_cli import (
    add_abtest_args,
    add_samplesize_parser,
    run_abtest_counts,
    run_abtest_means,
    run_samplesize,
)


def _abtest(*argv):
    parser = argparse.ArgumentParser()
    add_abtest_args(parser)
    return parser.parse_args(list(argv))


def _samplesize(*argv):
    parser = argparse.ArgumentParser()
    add_samplesize_parser(parser.add_subparsers(dest="cmd"))
    return parser.parse_args(["samplesize", *argv])


def test_parse_counts_order_is_conversions_over_leads():
    assert parse_counts("A=120/1000, B=150/1000") == {"A": (1000, 120), "B": (1000, 150)}
    assert parse_means("A=3:6:14") == {"A": (3, 6.0, 14.0)}
    assert parse_split("50,50") == [50.0, 50.0]
    assert parse_split("A=1,B=3") == {"A": 1.0, "B": 3.0}


@pytest.mark.parametrize("bad", ["A=120", "A=x/1000", "=1/2", "A=1/2,A=2/3", "A=-1/10", "A=1.5/10"])
def test_unparsable_counts_exit_2_with_one_line(bad, capsys):
    assert run_abtest_counts(_abtest("--counts", bad)) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "A=120/1000" in err


def test_counts_json(capsys):
    assert run_abtest_counts(_abtest("--counts", "A=100/1000,B=150/1000", "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["control"] == "A" and out["verdict"]["code"] == "winner" and out["verdict"]["group"] == "B"


def test_counts_control_split_and_sequential(capsys):
    args = _abtest("--counts", "A=100/1000,B=150/1000", "--control", "B", "--expected-split", "50,50",
                   "--sequential", "--alpha", "0.01", "--json")
    assert run_abtest_counts(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["control"] == "B" and out["alpha"] == 0.01 and out["sequential"] is True
    assert out["srm"]["chi2"] == 0 and out["comparisons"]["A"]["test"] == "sequential"


def test_counts_human_output_has_table_and_verdict(capsys):
    assert run_abtest_counts(_abtest("--counts", "A=100/1000,B=150/1000")) == 0
    text = capsys.readouterr().out
    assert "15.00 %" in text and "B converts better than A" in text


def test_bad_split_exit_2(capsys):
    assert run_abtest_counts(_abtest("--counts", "A=1/10,B=2/10", "--expected-split", "half")) == 2
    assert "half" in capsys.readouterr().err


def test_means_json_and_errors(capsys):
    assert run_abtest_means(_abtest("--means", "A=5:15:55,B=5:30:220", "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    # A = 1..5 (sum 15, sumsq 55), B = 2,4,..,10 (sum 30, sumsq 220): t = 3 / sqrt(2.5) = 1.8974
    assert out["comparisons"]["B"]["statistic"] == pytest.approx(1.897367, abs=1e-6)
    assert run_abtest_means(_abtest("--means", "A=5:15")) == 2
    assert run_abtest_means(_abtest("--counts", "A=1/2")) == 2


def test_samplesize_json(capsys):
    assert run_samplesize(_samplesize("--baseline", "0.5", "--mde", "0.25", "--power", "0.9", "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_per_group"] == 77  # R power.prop.test: n = 76.7


def test_samplesize_power_and_text(capsys):
    assert run_samplesize(_samplesize("--baseline", "0.5", "--mde", "0.25", "--n", "50", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["power"] == pytest.approx(0.7401659, abs=1e-7)
    assert run_samplesize(_samplesize("--baseline", "0.5", "--mde", "0.5", "--relative", "--power", "0.9")) == 0
    assert "77" in capsys.readouterr().out


def test_samplesize_bad_input_exit_2(capsys):
    assert run_samplesize(_samplesize("--baseline", "0.1", "--mde", "0")) == 2
    assert capsys.readouterr().err.strip()
