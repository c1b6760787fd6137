"""Exercise 02_value: the solution passes every check, typical mistakes get their specific message,
and the parameters drive the expected answers."""

from __future__ import annotations

import re
import warnings
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

import coursekit as ck
from coursekit.grading.core import run_checks, exercise_set

from _exercise_helpers import context, message

ROOT = Path(__file__).resolve().parents[1]
EX = exercise_set("02_value")
TIERS = ck.load_scheme("value4").tiers
_context = partial(context, EX)


def _solution(params, ctx) -> dict:
    """The answers of solutions/02_value.ipynb, computed here with coursekit."""
    tx = ctx["data"]["transactions"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ck.CoursekitWarning)
        rfm = ck.rfm_table(tx, as_of=params["as_of"], order_col="order_id")
        before_tx = tx[tx["order_date"] <= params["earlier_as_of"]]
        before = ck.assign_tiers(ck.rfm_table(before_tx, as_of=params["earlier_as_of"], order_col="order_id"),
                                 "value4")
    return {
        "rfm": rfm,
        "q2_1": ck.gini(rfm["monetary"].clip(lower=0)),
        "q2_2": ck.assign_tiers(rfm, "abc")["tier"],
        "q2_3": ck.customer_value(rfm, margin_rate=params["margin_rate"], retention=params["retention"],
                                  discount=params["discount"]),
        "q2_4": ck.tier_summary(ck.assign_tiers(rfm, "value_matrix"), "value_matrix")[["customers", "value_share"]],
        "q2_5": ck.transition_matrix(before, ck.assign_tiers(rfm, "value4"), order=TIERS)[0],
        "before": before,
    }


@pytest.fixture(scope="module")
def small():
    params, ctx = _context(size=200, seed=3)
    return params, ctx, _solution(params, ctx)


@pytest.fixture(scope="module")
def shipped():
    """The shipped shop: it has customers with net spend <= 0 and orders on earlier_as_of."""
    params, ctx = _context(data_dir=str(ROOT / "datasets"))
    return params, ctx, _solution(params, ctx)


def _message(ctx, question, answer, *, hidden=False) -> str:
    return message(EX, question, answer, ctx, hidden=hidden)


# --- (a) the solution passes every check, public and hidden --------------------------------------

@pytest.mark.parametrize("question", ["q2_1", "q2_2", "q2_3", "q2_4", "q2_5"])
@pytest.mark.parametrize("data", ["small", "shipped"])
def test_solution_passes_every_check(question, data, request):
    params, ctx, answers = request.getfixturevalue(data)
    result = run_checks(EX, question, answers[question], ctx, hidden=True)
    assert result.ok, repr(result)
    assert result.total == len(EX.checks[question])


def test_answers_survive_the_trip_to_the_grader(small):
    """Answers arrive as JSON / Parquet: a Series or DataFrame with str index, a 1-column frame."""
    params, ctx, answers = small
    abc = answers["q2_2"].astype(str).to_frame()
    assert run_checks(EX, "q2_2", abc, ctx).ok
    assert run_checks(EX, "q2_2", ck.assign_tiers(answers["rfm"], "abc"), ctx).ok  # the whole tiered table
    moves = answers["q2_5"].copy()
    moves.index, moves.columns = moves.index.astype(object), moves.columns.astype(object)
    assert run_checks(EX, "q2_5", moves.astype(float), ctx).ok       # counts as int-valued floats
    assert run_checks(EX, "q2_1", float(answers["q2_1"]), ctx).ok


# --- (b) typical mistakes get the specific message, which never gives the answer away ---------------

class TestQ21Gini:
    def test_percentage(self, small):
        _, ctx, answers = small
        msg = _message(ctx, "q2_1", answers["q2_1"] * 100)
        assert "not a percentage" in msg

    def test_order_lines_instead_of_customers(self, small):
        _, ctx, _ = small
        msg = _message(ctx, "q2_1", ck.gini(ctx["data"]["transactions"]["amount"].clip(lower=0)))
        assert "order lines, not of customers" in msg
        assert f"{ctx['gini']:.4f}" not in msg

    def test_dropped_customers_without_value(self, shipped):
        _, ctx, answers = shipped
        rfm = answers["rfm"]
        msg = _message(ctx, "q2_1", ck.gini(rfm.loc[rfm["monetary"] > 0, "monetary"]))
        assert "you dropped the customers whose net spend is 0 or negative" in msg

    def test_gross_spend(self, small):
        _, ctx, _ = small
        tx = ctx["data"]["transactions"]
        msg = _message(ctx, "q2_1", ck.gini(tx[tx["amount"] > 0].groupby("customer_id")["amount"].sum()))
        assert "gross spend" in msg

    def test_rounded(self, small):
        _, ctx, answers = small
        assert "rounded to 3 decimals" in _message(ctx, "q2_1", round(answers["q2_1"], 3))


class TestQ22ABC:
    def test_crossing_customer_is_an_a(self, small):
        _, ctx, _ = small
        msg = _message(ctx, "q2_2", ctx["abc_inclusive"])
        assert "the customer who crosses the 80% (or 95%) line belongs to the better class" in msg

    def test_sorted_the_wrong_way(self, small):
        _, ctx, answers = small
        value = answers["rfm"]["monetary"].clip(lower=0)
        msg = _message(ctx, "q2_2", ck.abc_classes(value.max() - value + 1))
        assert "sort by value descending" in msg

    def test_dropped_customers_without_value(self, shipped):
        _, ctx, answers = shipped
        rfm = answers["rfm"]
        msg = _message(ctx, "q2_2", ck.abc_classes(rfm.loc[rfm["monetary"] > 0, "monetary"]))
        assert "clip the value at 0 instead of dropping them" in msg

    def test_wrong_cutoffs(self, small):
        _, ctx, answers = small
        msg = _message(ctx, "q2_2", ck.abc_classes(answers["rfm"]["monetary"].clip(lower=0), cutoffs=(0.7, 0.9)))
        assert "class A has too few customers" in msg
        assert f"you have {int((ctx['abc'] == 'A').sum())}," not in msg

    def test_unknown_labels(self, small):
        _, ctx, answers = small
        assert "'gold' is not an ABC class" in _message(ctx, "q2_2", answers["q2_2"].replace({"A": "gold"}))

    def test_hidden_check_splits_of_tied_customers(self, small):
        _, ctx, answers = small
        wrong = answers["q2_2"].astype(str).copy()
        who = ctx["value"].index[0]
        wrong[who] = {"A": "B", "B": "C", "C": "B"}[wrong[who]]
        check = next(c for c in EX.checks["q2_2"] if c.hidden)
        assert check.func(wrong, ctx)


class TestQ23CLV:
    @pytest.mark.parametrize("variant, expected", [
        ("no_discount", "did you forget to discount?"),
        ("margin_now", "counts one margin too many"),
        ("not_yearly", "divide it by the customer's tenure in years"),
        ("no_floor", "count at least one full year of tenure"),
    ], ids=["no-discount", "margin-now", "not-yearly", "no-floor"])
    def test_future_value_mistakes(self, small, variant, expected):
        _, ctx, answers = small
        wrong = answers["q2_3"].assign(future_value=ctx["clv_variants"][variant])
        msg = _message(ctx, "q2_3", wrong)
        assert expected in msg
        who = re.search(r"customer (C\d+)", msg).group(1)
        assert f"{answers['q2_3'].at[who, 'future_value']:.2f}" not in msg

    def test_revenue_instead_of_profit(self, small):
        _, ctx, answers = small
        wrong = answers["q2_3"].assign(historical_value=answers["rfm"]["monetary"])
        assert "apply the margin rate" in _message(ctx, "q2_3", wrong)

    def test_clv_without_history(self, small):
        _, ctx, answers = small
        wrong = answers["q2_3"].assign(clv=answers["q2_3"]["future_value"])
        assert "yours equals future_value" in _message(ctx, "q2_3", wrong)

    def test_negative_future_value(self):
        """A customer whose returns exceed purchases must not get a negative future value."""
        rfm = pd.DataFrame({"monetary": [1000.0, -50.0], "tenure_days": [730, 400]},
                           index=pd.Index(["C1", "C2"], name="customer_id"))
        ctx = {"rfm": rfm, "clv": ck.customer_value(rfm, margin_rate=0.3, retention=0.8, discount=0.1)}
        ctx["clv_variants"] = {"no_discount": None, "margin_now": None, "not_yearly": None, "no_floor": None,
                               "negative": pd.Series([400.0, -36.51], index=rfm.index)}
        wrong = ctx["clv"].assign(future_value=[400.0, -36.51])
        assert "clip the yearly margin at 0" in _message(ctx, "q2_3", wrong)

    def test_missing_column(self, small):
        _, ctx, answers = small
        assert "no column 'clv'" in _message(ctx, "q2_3", answers["q2_3"].drop(columns="clv"))


class TestQ24Matrix:
    def test_percentage(self, small):
        _, ctx, answers = small
        wrong = answers["q2_4"].assign(value_share=answers["q2_4"]["value_share"] * 100)
        assert "not a percentage" in _message(ctx, "q2_4", wrong)

    def test_customer_share_instead_of_value_share(self, small):
        _, ctx, _ = small
        wrong = ctx["matrix"][["customers"]].assign(value_share=ctx["matrix"]["customer_share"])
        assert "your value_share is the share of customers" in _message(ctx, "q2_4", wrong)

    def test_value4_tiers_instead_of_quadrants(self, small):
        _, ctx, answers = small
        wrong = ck.tier_summary(ck.assign_tiers(answers["rfm"], "value4"), "value4")
        assert "is a value4 tier, not a value-matrix quadrant" in _message(ctx, "q2_4", wrong)

    def test_wrong_count(self, small):
        _, ctx, answers = small
        wrong = answers["q2_4"].assign(customers=answers["q2_4"]["customers"] + [1, -1, 0, 0])
        msg = _message(ctx, "q2_4", wrong)
        assert "quadrant 'VIP' has too many customers" in msg
        assert f"you have {int(ctx['matrix'].at['VIP', 'customers'])})" not in msg

    def test_hidden_check_wants_four_decimals(self, small):
        _, ctx, answers = small
        wrong = answers["q2_4"].assign(value_share=answers["q2_4"]["value_share"] + [0.0008, -0.0008, 0, 0])
        assert run_checks(EX, "q2_4", wrong, ctx, hidden=False).ok
        assert "wrong value share" in _message(ctx, "q2_4", wrong, hidden=True)


class TestQ25Migration:
    def test_both_tables(self, small):
        _, ctx, answers = small
        assert "store only the counts" in _message(ctx, "q2_5", [answers["q2_5"], answers["q2_5"]])

    def test_shares_instead_of_counts(self, small):
        params, ctx, answers = small
        shares = ck.transition_matrix(answers["before"], ck.assign_tiers(answers["rfm"], "value4"), order=TIERS)[1]
        assert "not hold shares" in _message(ctx, "q2_5", shares)

    def test_transposed(self, small):
        _, ctx, answers = small
        msg = _message(ctx, "q2_5", answers["q2_5"].T)
        assert "your matrix is transposed" in msg

    def test_orders_on_the_snapshot_day_left_out(self, shipped):
        params, ctx, answers = shipped
        tx = ctx["data"]["transactions"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ck.CoursekitWarning)
            before = ck.assign_tiers(ck.rfm_table(tx[tx["order_date"] < params["earlier_as_of"]],
                                                  as_of=params["earlier_as_of"], order_col="order_id"), "value4")
        wrong = ck.transition_matrix(before, ck.assign_tiers(answers["rfm"], "value4"), order=TIERS)[0]
        assert "misses the orders placed ON 2024-06-30" in _message(ctx, "q2_5", wrong)

    def test_same_snapshot_twice(self, small):
        _, ctx, answers = small
        now = ck.assign_tiers(answers["rfm"], "value4")
        assert "every customer stays in their tier" in _message(ctx, "q2_5", ck.transition_matrix(now, now)[0])

    def test_later_snapshot_from_the_second_period_only(self, small):
        params, ctx, answers = small
        tx = ctx["data"]["transactions"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ck.CoursekitWarning)
            later = ck.assign_tiers(ck.rfm_table(tx[tx["order_date"] > params["earlier_as_of"]],
                                                 as_of=params["as_of"], order_col="order_id"), "value4")
        wrong = ck.transition_matrix(answers["before"], later, order=TIERS)[0]
        assert "tier ALL orders up to as_of" in _message(ctx, "q2_5", wrong)

    def test_crosstab_without_new_row_fails_only_the_hidden_check(self, small):
        _, ctx, answers = small
        crosstab = pd.crosstab(answers["before"]["tier"], ck.assign_tiers(answers["rfm"], "value4")["tier"])
        assert run_checks(EX, "q2_5", crosstab, ctx, hidden=False).ok
        assert "no '(new)' row" in _message(ctx, "q2_5", crosstab, hidden=True)


# --- (c) the parameters drive the expected answers ------------------------------------------------

def test_two_seeds_give_different_expected_answers(small):
    _, ctx3, _ = small
    _, ctx4 = _context(size=200, seed=4)
    assert ctx3["gini"] != ctx4["gini"]
    assert not ctx3["abc"].equals(ctx4["abc"])
    assert not ctx3["counts"].equals(ctx4["counts"])
    answer = _solution(*_context(size=200, seed=4))["q2_1"]
    assert not run_checks(EX, "q2_1", answer, ctx3).ok


def test_clv_parameters_drive_the_checks(small):
    params, ctx, answers = small
    _, other = _context(size=200, seed=3, retention=0.9)
    assert not run_checks(EX, "q2_3", answers["q2_3"], other).ok
