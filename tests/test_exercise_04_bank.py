"""Exercise 04_bank: the solution passes every check, typical mistakes get their specific feedback,
and the parameters drive the expected answers."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest

import coursekit as ck
from coursekit import strategy
from coursekit.grading.core import Exercise, exercise_set, run_checks
from coursekit.grading.sets.bank import aum_scheme, chase_tiers

from _exercise_helpers import message

PARAMS = {"data_dir": None, "size": 200, "seed": 3}
EX = exercise_set("04_bank")


@pytest.fixture(scope="module")
def ctx():
    return EX.load(EX.parameters(PARAMS))


@pytest.fixture(scope="module")
def work(ctx):
    """What a trainee computes on the way, as in the solution notebook."""
    p = EX.parameters(PARAMS)
    customers = ctx["data"]["customers"].set_index("customer_id")
    monthly = ctx["data"]["monthly"]
    last = monthly[monthly["month"] == monthly["month"].max()].set_index("customer_id")
    first = monthly[monthly["month"] == monthly["month"].min()].set_index("customer_id")
    scheme = aum_scheme(p["aum_wealth"], p["aum_private"])
    return {"customers": customers, "monthly": monthly, "last": last, "first": first, "scheme": scheme,
            "after": ck.assign_tiers(last, scheme), "before": ck.assign_tiers(first, scheme)}


def _rates(monthly, customers):
    band = monthly.groupby("customer_id")[["counter_txns", "digital_txns"]].sum().join(
        customers["age_band"]).groupby("age_band")[["counter_txns", "digital_txns"]].sum()
    return band["digital_txns"] / (band["counter_txns"] + band["digital_txns"])


def _care(customers, satisfaction):
    group = customers["care_plan"].map({True: "care plan", False: "no plan"})
    keep = satisfaction.notna()
    return strategy.uplift(satisfaction[keep], group[keep], treatment="care plan", control="no plan",
                           relative=False)


@pytest.fixture(scope="module")
def solution(work):
    monthly, customers = work["monthly"], work["customers"]
    avg = monthly.groupby("customer_id")["profit"].mean()
    sat = _care(customers, customers["satisfaction"])
    return {
        "q4_1": work["after"]["tier"].value_counts(),
        "q4_2": _rates(monthly, customers).round(3),
        "q4_3": chase_tiers(avg),
        "q4_4": {"difference": sat["difference"], "ci_low": sat["ci_low"], "ci_high": sat["ci_high"],
                 "plan_works": sat["ci_low"] > 0},
        "q4_5": list(ck.fallen_from(work["before"], work["after"], high=["private banking", "wealth"]).index),
    }


class TestSolutionPasses:
    @pytest.mark.parametrize("question", ["q4_1", "q4_2", "q4_3", "q4_4", "q4_5"])
    def test_every_check_passes(self, question, solution, ctx):
        result = run_checks(EX, question, solution[question], ctx, hidden=True)
        assert result.ok, repr(result)

    def test_answers_in_their_transported_forms_pass(self, solution, ctx):
        # a Series arrives with an object index; a dict as a Series or with plain floats; a list stays a list
        sizes = solution["q4_1"].copy()
        sizes.index = sizes.index.astype(object)
        assert run_checks(EX, "q4_1", sizes.astype(float), ctx).ok
        assert run_checks(EX, "q4_4", pd.Series(solution["q4_4"], dtype=object), ctx).ok
        assert run_checks(EX, "q4_3", solution["q4_3"].to_frame("tier").reset_index(), ctx).ok


_failing = partial(message, EX)


class TestTypicalMistakes:
    def test_q4_1_customer_months(self, work, ctx):
        rows = ck.assign_tiers(work["monthly"], work["scheme"])["tier"].value_counts()
        assert "customer-months" in _failing("q4_1", rows, ctx)

    def test_q4_1_first_month(self, work, ctx):
        assert "first month-end" in _failing("q4_1", work["before"]["tier"].value_counts(), ctx)

    def test_q4_1_shares(self, work, ctx):
        assert "not shares" in _failing("q4_1", work["after"]["tier"].value_counts(normalize=True), ctx)

    def test_q4_1_deposits(self, work, ctx):
        scheme = {**work["scheme"], "column": "deposits"}
        sizes = ck.assign_tiers(work["last"], scheme)["tier"].value_counts()
        assert "deposits only" in _failing("q4_1", sizes, ctx)

    def test_q4_1_wrong_threshold_names_no_count(self, work, ctx):
        p = EX.parameters(PARAMS)
        scheme = aum_scheme(p["aum_wealth"] * 2, p["aum_private"])
        sizes = ck.assign_tiers(work["last"], scheme)["tier"].value_counts()
        message = _failing("q4_1", sizes, ctx)
        assert "top tiers" in message and "too low" in message
        assert str(int(ctx["aum_sizes"][["private banking", "wealth"]].sum())) not in message.split("(you have")[0]

    def test_q4_2_percent_and_counter_share(self, work, ctx):
        rates = _rates(work["monthly"], work["customers"])
        assert "not percentages" in _failing("q4_2", rates * 100, ctx)
        assert "counter share" in _failing("q4_2", 1 - rates, ctx)

    def test_q4_2_mean_of_customer_rates(self, work, ctx):
        per = work["monthly"].groupby("customer_id")[["counter_txns", "digital_txns"]].sum()
        rate = (per["digital_txns"] / per.sum(axis=1)).rename("r").to_frame().join(work["customers"]["age_band"])
        message = _failing("q4_2", rate.groupby("age_band")["r"].mean(), ctx)
        assert "averaged the customers' own rates" in message

    def test_q4_2_last_month_only(self, work, ctx):
        monthly = work["monthly"]
        message = _failing("q4_2", _rates(monthly[monthly["month"] == monthly["month"].max()], work["customers"]), ctx)
        assert "last month only" in message

    def test_q4_3_last_month_profit(self, work, ctx):
        assert "last month's profit" in _failing("q4_3", chase_tiers(work["last"]["profit"]), ctx)

    def test_q4_3_assets_not_profit(self, work, ctx):
        aum = work["monthly"].groupby("customer_id")["aum"].mean()
        assert "tiered by assets" in _failing("q4_3", chase_tiers(aum), ctx)

    def test_q4_3_one_row_per_month(self, work, ctx):
        monthly = work["monthly"].set_index("customer_id")
        tiers = pd.Series("red", index=monthly.index)
        assert "one row per customer and month" in _failing("q4_3", tiers, ctx)

    def test_q4_4_non_respondents_as_zero(self, work, ctx):
        sat = _care(work["customers"], work["customers"]["satisfaction"].fillna(0))
        answer = {k: sat[k] for k in ("difference", "ci_low", "ci_high")} | {"plan_works": True}
        message = _failing("q4_4", answer, ctx)
        assert "did not answer as 0" in message
        assert f"{ctx['care']['difference']:.3f}" not in message

    def test_q4_4_wrong_sign(self, solution, ctx):
        s = solution["q4_4"]
        answer = {"difference": -s["difference"], "ci_low": -s["ci_high"], "ci_high": -s["ci_low"],
                  "plan_works": False}
        assert "wrong sign" in _failing("q4_4", answer, ctx)

    def test_q4_4_standard_deviation_interval(self, work, solution, ctx):
        resp = work["customers"].dropna(subset=["satisfaction"])
        sd = resp.loc[resp["care_plan"], "satisfaction"].std()
        d = solution["q4_4"]["difference"]
        answer = {"difference": d, "ci_low": d - 1.96 * sd, "ci_high": d + 1.96 * sd, "plan_works": False}
        assert "standard deviation" in _failing("q4_4", answer, ctx)

    def test_q4_4_verdict_against_own_interval(self, solution, ctx):
        answer = dict(solution["q4_4"], plan_works=not solution["q4_4"]["plan_works"])
        assert "your own interval" in _failing("q4_4", answer, ctx)

    def test_q4_4_missing_key(self, solution, ctx):
        answer = {k: v for k, v in solution["q4_4"].items() if k != "plan_works"}
        assert "no key 'plan_works'" in _failing("q4_4", answer, ctx)

    def test_q4_5_risers_listed(self, work, solution, ctx):
        before, after = work["before"]["tier"], work["after"]["tier"]
        risers = list(before.index[(before == "mass") & (after.reindex(before.index) != "mass")])
        assert risers, "the test data should have customers who rose"
        assert "rose into a top tier" in _failing("q4_5", solution["q4_5"] + risers, ctx)

    def test_q4_5_last_two_months(self, work, ctx):
        monthly = work["monthly"]
        months = sorted(monthly["month"].unique())
        prev = ck.assign_tiers(monthly[monthly["month"] == months[-2]].set_index("customer_id"), work["scheme"])
        fell = list(ck.fallen_from(prev, work["after"], high=["private banking", "wealth"]).index)
        if set(fell) == set(ctx["fallen"]):
            pytest.skip("no difference on this data")
        assert "last two month-ends" in _failing("q4_5", fell, ctx)

    def test_q4_5_count_without_revealing(self, solution, ctx):
        message = _failing("q4_5", solution["q4_5"][:-1], ctx)
        assert "too low" in message

    def test_q4_5_not_an_id(self, ctx):
        assert "not a customer id" in _failing("q4_5", ["nobody"], ctx)


class TestParametersDriveTheChecks:
    def test_two_seeds_two_answers(self):
        one = Exercise("04_bank", **{**PARAMS, "seed": 3}).ctx
        two = Exercise("04_bank", **{**PARAMS, "seed": 4}).ctx
        assert not one["off_counter"].equals(two["off_counter"])
        assert one["care"]["difference"] != two["care"]["difference"]
        assert one["fallen"] != two["fallen"] or not one["aum_sizes"].equals(two["aum_sizes"])

    def test_threshold_parameter_moves_tiers(self):
        low = Exercise("04_bank", **PARAMS, aum_wealth=200000).ctx["aum_sizes"]
        default = Exercise("04_bank", **PARAMS).ctx["aum_sizes"]
        assert low["wealth"] > default["wealth"]
