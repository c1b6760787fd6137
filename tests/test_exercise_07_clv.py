"""Exercise 07_clv: the solution passes every check, typical mistakes get their specific feedback,
and the parameters drive the expected answers."""

from __future__ import annotations

import warnings
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import clv
from coursekit.grading.core import Exercise, exercise_set, run_checks

from _exercise_helpers import failing, message

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {"data_dir": None, "size": 300, "seed": 7}
EX = exercise_set("07_clv")
pytestmark = pytest.mark.filterwarnings("ignore::coursekit.CoursekitWarning")  # returns left out of BTYD purchases
QUESTIONS = ["q7_1", "q7_2", "q7_3", "q7_4", "q7_5"]


@pytest.fixture(scope="module")
def ctx():
    return EX.load(EX.parameters(PARAMS))


@pytest.fixture(scope="module")
def tx(ctx):
    return ctx["data"]["transactions"]


@pytest.fixture(scope="module")
def solution(ctx, tx):
    """The answers as the solution notebook computes them."""
    cal, hold = ctx["calibration_end"], ctx["holdout_end"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ck.CoursekitWarning)
        summary = clv.summary_from_transactions(tx, observation_end=cal, time_unit="W")
        bg = clv.fit_bg_nbd(summary)
        data = clv.calibration_holdout(tx, calibration_end=cal, holdout_end=hold)
        future = clv.predicted_value(tx, as_of=hold, horizon_months=12, monthly_discount_rate=0.01)
        now = ck.rfm_table(tx[tx["order_date"] <= hold], as_of=hold, duplicates="keep")[["monetary"]]
    now = now.join(future, how="inner")
    at_risk = (now["monetary"] >= now["monetary"].median()) & (now["p_alive"] < 0.5)
    return {
        "q7_1": summary,
        "q7_2": bg.params,
        "q7_3": bg.p_alive(summary),
        "q7_4": {"predicted": float(bg.expected_purchases(data, data["holdout_length"].iloc[0]).sum()),
                 "actual": int(data["holdout_purchases"].sum())},
        "q7_5": {"top_customer": now["predicted_clv"].idxmax(), "top_clv": float(now["predicted_clv"].max()),
                 "call_list": sorted(now.index[at_risk])},
        "bg": bg, "data": data, "now": now,
    }


_failing = partial(failing, EX)
_message = partial(message, EX, hidden=False)


class TestSolutionPasses:
    @pytest.mark.parametrize("question", QUESTIONS)
    def test_every_check_passes(self, question, solution, ctx):
        result = run_checks(EX, question, solution[question], ctx, hidden=True)
        assert result.ok, repr(result)

    def test_transported_forms_pass(self, solution, ctx):
        # what JSON / Parquet give back: a reset index, a Series for a dict, lists for tuples, str ids
        assert run_checks(EX, "q7_1", solution["q7_1"].reset_index(), ctx).ok
        assert run_checks(EX, "q7_1", solution["q7_1"][["frequency", "recency", "T"]], ctx).ok
        assert run_checks(EX, "q7_2", pd.Series(solution["q7_2"]), ctx).ok
        alive = solution["q7_3"]
        assert run_checks(EX, "q7_3", alive.set_axis(alive.index.astype(object)), ctx).ok
        assert run_checks(EX, "q7_3", alive.to_frame("p_alive").reset_index(), ctx).ok
        assert run_checks(EX, "q7_4", {"predicted": solution["q7_4"]["predicted"],
                                       "actual": float(solution["q7_4"]["actual"])}, ctx).ok
        plan = dict(solution["q7_5"], call_list=pd.Series(solution["q7_5"]["call_list"]))
        assert run_checks(EX, "q7_5", plan, ctx).ok

    def test_rounded_answers_pass_the_public_checks_only(self, solution, ctx):
        rounded = {"q7_1": solution["q7_1"].round(2), "q7_2": {k: round(v, 3) for k, v in solution["q7_2"].items()},
                   "q7_3": solution["q7_3"].round(3),
                   "q7_4": dict(solution["q7_4"], predicted=round(solution["q7_4"]["predicted"], 1))}
        for question, answer in rounded.items():
            assert run_checks(EX, question, answer, ctx, hidden=False).ok, question
            assert _failing(question, answer, ctx).hidden_failed, question


class TestQ7_1Summary:
    def test_rfm_frequency(self, solution, ctx):
        answer = solution["q7_1"].assign(frequency=ctx["orders"])
        assert "that is RFM frequency" in _message("q7_1", answer, ctx)

    def test_orders_minus_one_ignores_same_day_orders(self, solution, ctx):
        answer = solution["q7_1"].assign(frequency=ctx["orders"] - 1)
        assert "two orders on one day count once" in _message("q7_1", answer, ctx)

    def test_order_lines(self, solution, ctx):
        answer = solution["q7_1"].assign(frequency=ctx["cal_lines"] - 1)
        assert "not order lines" in _message("q7_1", answer, ctx)

    def test_returns_as_purchases(self, solution, ctx, tx):
        wrong = clv.summary_from_transactions(tx, observation_end=ctx["calibration_end"], amount_col=None)
        assert "a return (negative amount) is not a purchase" in _message("q7_1", wrong, ctx)

    def test_days_instead_of_weeks(self, solution, ctx, tx):
        days = clv.summary_from_transactions(tx, observation_end=ctx["calibration_end"], time_unit="D")
        assert "recency is in days" in _message("q7_1", days, ctx)
        t_only = solution["q7_1"].assign(T=days["T"])
        assert "T is in days" in _message("q7_1", t_only, ctx)

    def test_recency_from_the_end(self, solution, ctx):
        s = solution["q7_1"]
        answer = s.assign(recency=s["T"] - s["recency"])
        message = _message("q7_1", answer, ctx)
        assert "time since the last purchase (RFM recency)" in message
        assert "*first* purchase" in message

    def test_T_to_another_date(self, solution, ctx):
        answer = solution["q7_1"].assign(T=solution["q7_1"]["T"] + 1)
        assert "T is off by the same +1 weeks" in _message("q7_1", answer, ctx)

    def test_customers_after_calibration(self, ctx, tx):
        everyone = clv.summary_from_transactions(tx, observation_end=ctx["holdout_end"])
        assert "customers too many" in _message("q7_1", everyone, ctx)

    def test_repeat_buyers_only(self, solution, ctx):
        s = solution["q7_1"]
        assert "one-time buyers too" in _message("q7_1", s[s["frequency"] > 0], ctx)

    def test_transpose_is_not_T(self, solution, ctx):
        assert "needs ['frequency', 'recency', 'T']" in _message("q7_1", solution["q7_1"].drop(columns="T"), ctx)


class TestQ7_2Parameters:
    def test_days(self, solution, ctx):
        answer = dict(solution["q7_2"], alpha=solution["q7_2"]["alpha"] * 7)
        assert "alpha is about 7 times too large" in _message("q7_2", answer, ctx)

    def test_fitted_on_all_the_data(self, ctx):
        assert "all the data up to holdout_end" in _message("q7_2", ctx["params_all"], ctx)

    def test_a_wrong_value_is_named_not_revealed(self, solution, ctx):
        answer = dict(solution["q7_2"], b=solution["q7_2"]["b"] * 1.1)
        message = _message("q7_2", answer, ctx)
        assert "b is too high" in message
        assert f"{ctx['params']['b']:.4g}" not in message and f"{ctx['params']['b']:.3f}" not in message

    def test_keys(self, solution, ctx):
        answer = {k: v for k, v in solution["q7_2"].items() if k != "b"}
        assert "exactly the keys" in _message("q7_2", answer, ctx)
        assert "should be a dict" in _message("q7_2", list(solution["q7_2"].values()), ctx)


class TestQ7_3PAlive:
    def test_probability_of_having_left(self, solution, ctx):
        assert "dropped out (1 − P(alive))" in _message("q7_3", 1 - solution["q7_3"], ctx)

    def test_percentage(self, solution, ctx):
        assert "not a percentage" in _message("q7_3", solution["q7_3"] * 100, ctx)

    def test_one_time_buyer(self, solution, ctx):
        once = ctx["summary"].index[ctx["summary"]["frequency"] == 0]
        answer = solution["q7_3"].copy()
        answer[once] = 0.8
        assert "bought only once: BG/NBD gives a one-time buyer P(alive) = 1" in _message("q7_3", answer, ctx)

    def test_missing_customers(self, solution, ctx):
        answer = solution["q7_3"].iloc[5:]
        assert "lacks 5 of the" in _message("q7_3", answer, ctx)

    def test_other_values(self, solution, ctx):
        answer = solution["q7_3"] ** 2
        message = _message("q7_3", answer, ctx)
        assert "P(alive) differs for" in message


class TestQ7_4Holdout:
    def test_lines(self, solution, ctx):
        answer = dict(solution["q7_4"], actual=ctx["actual_lines"])
        assert "transaction lines" in _message("q7_4", answer, ctx)

    def test_orders(self, solution, ctx):
        assert ctx["actual_orders"] != ctx["actual"]
        assert "you counted orders" in _message("q7_4", dict(solution["q7_4"], actual=ctx["actual_orders"]), ctx)

    def test_new_customers(self, solution, ctx):
        answer = dict(solution["q7_4"], actual=ctx["actual_everyone"])
        assert "first bought in the holdout period" in _message("q7_4", answer, ctx)

    def test_horizon_in_days(self, solution, ctx):
        bg, data = solution["bg"], solution["data"]
        wrong = float(bg.expected_purchases(data, data["holdout_length"].iloc[0] * 7).sum())
        assert "in days" in _message("q7_4", dict(solution["q7_4"], predicted=wrong), ctx)

    def test_a_year_instead_of_the_holdout(self, solution, ctx):
        wrong = float(solution["bg"].expected_purchases(solution["data"], 52).sum())
        assert "you predicted a year" in _message("q7_4", dict(solution["q7_4"], predicted=wrong), ctx)

    def test_message_does_not_reveal_the_total(self, solution, ctx):
        message = _message("q7_4", dict(solution["q7_4"], actual=ctx["actual"] + 7), ctx)
        assert "too high" in message and str(ctx["actual"]) not in message


class TestQ7_5Plan:
    def test_top_by_past_spend(self, solution, ctx):
        assert ctx["top_by_spend"] != ctx["top_customer"]
        answer = dict(solution["q7_5"], top_customer=ctx["top_by_spend"])
        message = _message("q7_5", answer, ctx)
        assert "spent the most so far" in message and ctx["top_customer"] not in message

    def test_not_discounted(self, solution, ctx):
        now, top = solution["now"], solution["q7_5"]["top_customer"]
        undiscounted = float(now.at[top, "expected_spend"] * now.at[top, "expected_purchases"])
        assert "did you forget to discount?" in _message("q7_5", dict(solution["q7_5"], top_clv=undiscounted), ctx)

    def test_past_spend_added(self, solution, ctx):
        now, top = solution["now"], solution["q7_5"]["top_customer"]
        answer = dict(solution["q7_5"], top_clv=float(now.at[top, "predicted_clv"] + now.at[top, "monetary"]))
        assert "future value only" in _message("q7_5", answer, ctx)

    def test_active_customer_on_the_call_list(self, solution, ctx):
        now = solution["now"]
        active = now.index[(now["monetary"] >= now["monetary"].median()) & (now["p_alive"] >= 0.5)][0]
        answer = dict(solution["q7_5"], call_list=solution["q7_5"]["call_list"] + [active])
        assert "probably still active" in _message("q7_5", answer, ctx)

    def test_low_value_customer_on_the_call_list(self, solution, ctx):
        now = solution["now"]
        at_risk = now.index[now["p_alive"] < 0.5]
        cheap = [c for c in at_risk if c not in solution["q7_5"]["call_list"]]
        assert cheap, "the test data should have at-risk customers below the median"
        answer = dict(solution["q7_5"], call_list=sorted(at_risk))
        assert "at risk but not valuable" in _message("q7_5", answer, ctx)

    def test_missing_and_duplicated_customers(self, solution, ctx):
        calls = solution["q7_5"]["call_list"]
        message = _message("q7_5", dict(solution["q7_5"], call_list=calls[1:]), ctx)
        assert "misses 1 valuable customers" in message and calls[0] not in message
        doubled = dict(solution["q7_5"], call_list=calls + calls[:1])
        assert run_checks(EX, "q7_5", doubled, ctx, hidden=False).ok
        assert "more than once" in _failing("q7_5", doubled, ctx).message

    def test_shape(self, solution, ctx):
        assert "exactly the keys" in _message("q7_5", {"top_customer": "C001"}, ctx)
        assert "list of customer ids" in _message("q7_5", dict(solution["q7_5"], call_list=5), ctx)


class TestParametersDriveTheChecks:
    def test_two_seeds_two_answers(self):
        one = Exercise("07_clv", **{**PARAMS, "seed": 3}).ctx
        two = Exercise("07_clv", **{**PARAMS, "seed": 4}).ctx
        assert one["params"] != two["params"]
        assert one["actual"] != two["actual"]
        assert not one["summary"].equals(two["summary"])

    def test_dates_and_thresholds(self, ctx):
        earlier = Exercise("07_clv", **PARAMS, calibration_end="2024-04-30").ctx
        assert earlier["calibration_end"] == "2024-04-30" and len(earlier["summary"]) < len(ctx["summary"])
        strict = Exercise("07_clv", **PARAMS, churn_p_alive=0.9).ctx
        assert set(ctx["call_list"]) < set(strict["call_list"])
        longer = Exercise("07_clv", **PARAMS, horizon_months=24).ctx
        assert longer["top_clv"] > ctx["top_clv"]

    def test_cdnow_gives_the_published_parameters(self):
        cdnow = Exercise("07_clv", dataset="cdnow", data_dir=None).ctx
        assert (cdnow["calibration_end"], cdnow["holdout_end"]) == ("1997-09-30", "1998-06-30")
        assert {k: round(v, 3) for k, v in cdnow["params"].items()} == {"r": 0.243, "alpha": 4.414, "a": 0.793,
                                                                         "b": 2.426}
        assert cdnow["actual"] == 1882 and len(cdnow["summary"]) == 2357

    def test_unknown_dataset(self):
        with pytest.raises(ValueError, match="dataset must be one of"):
            Exercise("07_clv", dataset="bank")

    def test_notebook_parameters_are_plain_scalars(self):
        nb = nbformat.read(ROOT / "solutions" / "07_clv.ipynb", as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        found: dict = {}
        exec(cell.source, {}, found)
        assert np.all([isinstance(v, (str, int, float)) for v in found.values()])
