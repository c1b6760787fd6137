"""Exercise 05_retail: the solution passes every check, typical mistakes get their specific feedback,
and the parameters drive the expected answers."""

from __future__ import annotations

import warnings
from functools import partial

import pandas as pd
import pytest

import coursekit as ck
from coursekit.grading.core import Exercise, exercise_set, run_checks
from coursekit.strategy import campaign_outcomes, uplift

from _exercise_helpers import message

PARAMS = {"data_dir": None, "size": 200, "seed": 3}
EX = exercise_set("05_retail")


@pytest.fixture(scope="module")
def ctx():
    return EX.load(EX.parameters(PARAMS))


def _tiered(tx, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ck.CoursekitWarning)
        return ck.assign_tiers(ck.rfm_table(tx, **kwargs), "value4")


@pytest.fixture(scope="module")
def work(ctx):
    tx, campaign = ctx["data"]["transactions"], ctx["data"]["campaign"]
    tiered = _tiered(tx, order_col="order_id")
    lines = tx.join(tiered["tier"], on="customer_id")
    outcomes = campaign_outcomes(tx, campaign, window_days=EX.defaults["window_days"])
    return {"tx": tx, "campaign": campaign, "tiered": tiered, "lines": lines, "outcomes": outcomes}


@pytest.fixture(scope="module")
def solution(work):
    tiered, lines, outcomes = work["tiered"], work["lines"], work["outcomes"]
    summary = ck.tier_summary(tiered, "value4")
    mix = pd.crosstab(lines["tier"], lines["channel"], values=lines["amount"], aggfunc="sum", normalize="index")
    sales = uplift(outcomes["sales_after"], outcomes["group"])
    low, high = sales["relative_ci_low"], sales["relative_ci_high"]
    claim = EX.defaults["claimed_uplift"]
    return {
        "q5_1": tiered["tier"].value_counts(),
        "q5_2": float(summary.loc["high-value", "value_share"]),
        "q5_3": mix.loc["high-value"],
        "q5_4": outcomes,
        "q5_5": {"uplift": sales["relative_uplift"], "ci_low": low, "ci_high": high,
                 "supported": bool(low > 0 and low <= claim <= high)},
    }


class TestSolutionPasses:
    @pytest.mark.parametrize("question", ["q5_1", "q5_2", "q5_3", "q5_4", "q5_5"])
    def test_every_check_passes(self, question, solution, ctx):
        result = run_checks(EX, question, solution[question], ctx, hidden=True)
        assert result.ok, repr(result)

    def test_transported_forms_pass(self, work, solution, ctx):
        assert run_checks(EX, "q5_4", solution["q5_4"].reset_index(), ctx).ok
        assert run_checks(EX, "q5_5", pd.Series(solution["q5_5"], dtype=object), ctx).ok
        whole = uplift(work["outcomes"]["sales_after"], work["outcomes"]["group"])
        assert run_checks(EX, "q5_5", {**whole, "supported": solution["q5_5"]["supported"]}, ctx).ok
        assert run_checks(EX, "q5_1", ck.tier_summary(work["tiered"], "value4"), ctx).ok


_failing = partial(message, EX)


class TestTypicalMistakes:
    def test_q5_1_lines_as_orders(self, work, ctx):
        sizes = _tiered(work["tx"])["tier"].value_counts()
        assert "not order lines" in _failing("q5_1", sizes, ctx)

    def test_q5_1_counting_lines(self, work, ctx):
        assert "counts order lines" in _failing("q5_1", work["lines"]["tier"].value_counts(), ctx)

    def test_q5_1_shares(self, work, ctx):
        assert "not shares" in _failing("q5_1", work["tiered"]["tier"].value_counts(normalize=True), ctx)

    def test_q5_2_percentage(self, solution, ctx):
        assert "not a percentage" in _failing("q5_2", solution["q5_2"] * 100, ctx)

    def test_q5_2_customer_share(self, work, ctx):
        share = float((work["tiered"]["tier"] == "high-value").mean())
        assert "share of customers" in _failing("q5_2", share, ctx)

    def test_q5_2_gross(self, work, ctx):
        tx, tiered = work["tx"], work["tiered"]
        gross = tx[tx["amount"] > 0].groupby("customer_id")["amount"].sum()
        share = gross[tiered.index[tiered["tier"] == "high-value"]].sum() / gross.sum()
        message = _failing("q5_2", float(share), ctx)
        assert "net sales" in message
        assert f"{ctx['high_share']:.4f}" not in message

    def test_q5_3_normalised_by_channel(self, work, ctx):
        lines = work["lines"]
        mix = pd.crosstab(lines["tier"], lines["channel"], values=lines["amount"], aggfunc="sum",
                          normalize="columns")
        assert "each channel's total" in _failing("q5_3", mix.loc["high-value"], ctx)

    def test_q5_3_line_counts(self, work, ctx):
        lines = work["lines"]
        mix = pd.crosstab(lines["tier"], lines["channel"], normalize="index")
        assert "counted order lines" in _failing("q5_3", mix.loc["high-value"], ctx)

    def test_q5_3_percentages(self, solution, ctx):
        assert "not percentages" in _failing("q5_3", solution["q5_3"] * 100, ctx)

    def test_q5_4_buyers_only(self, work, ctx):
        out = work["outcomes"]
        assert "bought nothing in the window" in _failing("q5_4", out[out["orders_after"] > 0], ctx)

    def test_q5_4_lines_not_orders(self, work, ctx):
        out = work["outcomes"].copy()
        out["orders_after"] = ctx["line_count_after"]
        assert "counts orders, not lines" in _failing("q5_4", out, ctx)

    def test_q5_4_gross_sales(self, work, ctx):
        tx = work["tx"]
        gross = campaign_outcomes(tx[tx["amount"] > 0], work["campaign"], window_days=60)
        out = work["outcomes"].assign(sales_after=gross["sales_after"])
        if out["sales_after"].equals(work["outcomes"]["sales_after"]):
            pytest.skip("no return in the window on this data")
        assert "net of returns" in _failing("q5_4", out, ctx)

    def test_q5_4_window_one_day_long(self, work, ctx):
        wider = campaign_outcomes(work["tx"], work["campaign"], window_days=61)
        if wider["orders_after"].equals(work["outcomes"]["orders_after"]):
            pytest.skip("no order on the extra day on this data")
        assert "one day too long" in _failing("q5_4", wider, ctx)

    def test_q5_4_non_campaign_customers(self, work, ctx):
        extra = work["outcomes"].iloc[:1].rename(index=lambda _: "C9999")
        assert "was not in the campaign" in _failing("q5_4", pd.concat([work["outcomes"], extra]), ctx)

    def test_q5_5_no_control_group(self, work, solution, ctx):
        out = work["outcomes"]
        treat = out[out["group"] == "treatment"]
        naive = float(treat["sales_after"].mean() / treat["sales_before"].mean() - 1)
        answer = dict(solution["q5_5"], uplift=naive)
        message = _failing("q5_5", answer, ctx)
        assert "without the control group" in message

    def test_q5_5_swapped_groups(self, work, solution, ctx):
        out = work["outcomes"]
        swapped = uplift(out["sales_after"], out["group"], treatment="control", control="treatment")
        answer = dict(solution["q5_5"], uplift=swapped["relative_uplift"])
        assert "wrong way round" in _failing("q5_5", answer, ctx)

    def test_q5_5_difference_in_yuan(self, work, solution, ctx):
        out = work["outcomes"]
        plain = uplift(out["sales_after"], out["group"])
        answer = {"uplift": plain["difference"], "ci_low": plain["ci_low"], "ci_high": plain["ci_high"],
                  "supported": False}
        assert "difference in yuan" in _failing("q5_5", answer, ctx)

    def test_q5_5_percent(self, solution, ctx):
        answer = dict(solution["q5_5"], uplift=solution["q5_5"]["uplift"] * 100)
        assert "not a percentage" in _failing("q5_5", answer, ctx)

    def test_q5_5_cuped(self, work, ctx):
        out = work["outcomes"]
        cuped = uplift(out["sales_after"], out["group"], covariate=out["sales_before"])
        answer = {"uplift": cuped["relative_uplift"], "ci_low": cuped["relative_ci_low"],
                  "ci_high": cuped["relative_ci_high"], "supported": False}
        assert "CUPED" in _failing("q5_5", answer, ctx)

    def test_q5_5_claim_inside_interval_is_not_enough(self, solution, ctx):
        s = solution["q5_5"]
        assert s["ci_low"] < 0 < s["ci_high"], "the test data should leave the effect unproven"
        message = _failing("q5_5", dict(s, supported=True), ctx)
        assert "includes 0" in message

    def test_q5_5_absolute_interval(self, work, solution, ctx):
        plain = uplift(work["outcomes"]["sales_after"], work["outcomes"]["group"])
        answer = dict(solution["q5_5"], ci_low=plain["ci_low"], ci_high=plain["ci_high"])
        assert "in yuan" in _failing("q5_5", answer, ctx)


class TestParametersDriveTheChecks:
    def test_two_seeds_two_answers(self):
        one = Exercise("05_retail", **{**PARAMS, "seed": 3}).ctx
        two = Exercise("05_retail", **{**PARAMS, "seed": 4}).ctx
        assert one["high_share"] != two["high_share"]
        assert one["uplift"]["relative_uplift"] != two["uplift"]["relative_uplift"]
        assert not one["tier_sizes"].equals(two["tier_sizes"])

    def test_claim_and_window_parameters(self):
        base = Exercise("05_retail", **PARAMS).ctx
        assert Exercise("05_retail", **PARAMS, window_days=30).ctx["outcomes"]["orders_after"].sum() \
            < base["outcomes"]["orders_after"].sum()
        assert Exercise("05_retail", **PARAMS, claimed_uplift=0.3).ctx["claimed_uplift"] == 0.3

    def test_campaign_effect_reaches_generated_data(self):
        big = {"data_dir": None, "size": 3000, "seed": 5}
        strong = Exercise("05_retail", **big, campaign_effect=1.0).ctx["uplift"]["relative_uplift"]
        none = Exercise("05_retail", **big, campaign_effect=0.0).ctx["uplift"]["relative_uplift"]
        assert strong > none
