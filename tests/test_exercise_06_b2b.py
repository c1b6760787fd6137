"""Exercise 06_b2b: the solution passes every check (both companies), typical mistakes get their
specific feedback, and the parameters drive the expected answers."""

from __future__ import annotations

from functools import partial

import pandas as pd
import pytest

import coursekit as ck
from coursekit import strategy
from coursekit.grading.core import Exercise, exercise_set, run_checks

from _exercise_helpers import message

PARAMS = {"data_dir": None, "size": 200, "seed": 3}
EX = exercise_set("06_b2b")
QUESTIONS = ["q6_1", "q6_2", "q6_3", "q6_4", "q6_5"]


def _solve(ctx, params):
    """The solution notebook's steps, on the exercise's data."""
    data = ctx["data"]
    accounts = data["accounts"].set_index("account_id")
    orders, pipeline, contacts = data["orders"], data["pipeline"], data["contacts"]
    as_of = orders["order_date"].max() + pd.Timedelta(days=1)
    last12 = orders[orders["order_date"] >= as_of - pd.DateOffset(years=1)]
    revenue = last12.groupby("account_id")["amount"].sum().reindex(orders["account_id"].unique(), fill_value=0.0)
    tiered = ck.assign_tiers(revenue.rename("monetary").to_frame(), "abc").join(accounts[["owner"]])
    pipe = pipeline.assign(expected=pipeline["estimated_value"] * pipeline["probability"])
    open_pipe = pipe[~pipe["stage"].isin(["won", "lost"])]
    by_stage = open_pipe.groupby("stage").agg(opportunities=("opportunity_id", "size"),
                                              value=("estimated_value", "sum"), expected=("expected", "sum"))
    last_contact = contacts.groupby("account_id")["contact_date"].max()
    days = (as_of - last_contact.reindex(tiered.index)).dt.days
    target = strategy.playbook("abc")["contact_frequency_days"]
    work = tiered.assign(overdue=~(days <= tiered["tier"].map(target)), orphaned=tiered["owner"] == "(left)")
    per_class = work.groupby("tier").agg(accounts=("owner", "size"), orphaned=("orphaned", "sum"),
                                         overdue=("overdue", "sum"))
    plan = strategy.monthly_sales_plan(orders, tiered, month=params["plan_month"], growth=params["growth"],
                                       customer_col="account_id")
    expected = open_pipe.groupby("account_id")["expected"].sum()
    b = expected[expected.index.isin(tiered.index[tiered["tier"] == "B"])]
    best = b.idxmax()
    return {
        "q6_1": tiered["tier"],
        "q6_2": by_stage,
        "q6_3": per_class,
        "q6_4": plan.groupby(level="tier")["target"].sum(),
        "q6_5": {"account_id": best, "expected_value": float(b.max()), "owner": accounts.at[best, "owner"]},
        "_": {"tiered": tiered, "open_pipe": open_pipe, "pipe": pipe, "orders": orders, "accounts": accounts,
              "days": days, "target": target, "plan": plan},
    }


@pytest.fixture(scope="module")
def ctx():
    return EX.load(EX.parameters(PARAMS))


@pytest.fixture(scope="module")
def solution(ctx):
    return _solve(ctx, EX.parameters(PARAMS))


@pytest.fixture(scope="module")
def maker():
    params = EX.parameters({**PARAMS, "case": "b2b-manufacturer"})
    made = EX.load(params)
    return made, _solve(made, params)


class TestSolutionPasses:
    @pytest.mark.parametrize("question", QUESTIONS)
    def test_distributor(self, question, solution, ctx):
        result = run_checks(EX, question, solution[question], ctx, hidden=True)
        assert result.ok, repr(result)

    @pytest.mark.parametrize("question", QUESTIONS)
    def test_manufacturer(self, question, maker):
        made, answers = maker
        result = run_checks(EX, question, answers[question], made, hidden=True)
        assert result.ok, repr(result)

    def test_transported_forms_pass(self, solution, ctx):
        assert run_checks(EX, "q6_1", solution["_"]["tiered"], ctx).ok
        assert run_checks(EX, "q6_2", solution["q6_2"].reset_index(), ctx).ok
        assert run_checks(EX, "q6_2", solution["q6_2"].rename(columns={"expected": "weighted"}), ctx).ok
        assert run_checks(EX, "q6_4", solution["_"]["plan"], ctx, hidden=True).ok
        assert run_checks(EX, "q6_5", pd.Series(solution["q6_5"], dtype=object), ctx, hidden=True).ok


_failing = partial(message, EX)


class TestTypicalMistakes:
    def test_q6_1_prospects_included(self, solution, ctx):
        accounts = solution["_"]["accounts"]
        classes = solution["q6_1"].reindex(accounts.index, fill_value="C")
        assert "is a prospect" in _failing("q6_1", classes, ctx)

    def test_q6_1_no_revenue_dropped(self, solution, ctx):
        tiered = solution["_"]["tiered"]
        assert "revenue 0 and is class C" in _failing("q6_1", tiered.loc[tiered["monetary"] > 0, "tier"], ctx)

    def test_q6_1_all_three_years(self, solution, ctx):
        orders = solution["_"]["orders"]
        classes = ck.abc_classes(orders.groupby("account_id")["amount"].sum())
        message = _failing("q6_1", classes, ctx)
        assert "all three years" in message

    def test_q6_1_by_number_of_orders(self, solution, ctx):
        tiered, orders = solution["_"]["tiered"], solution["_"]["orders"]
        as_of = orders["order_date"].max() + pd.Timedelta(days=1)
        recent = orders[orders["order_date"] >= as_of - pd.DateOffset(years=1)]
        counts = recent.groupby("account_id").size().reindex(tiered.index, fill_value=0).astype(float)
        assert "number of orders" in _failing("q6_1", ck.abc_classes(counts), ctx)

    def test_q6_1_upside_down(self, solution, ctx):
        flipped = solution["q6_1"].map({"A": "C", "B": "B", "C": "A"})
        assert "upside down" in _failing("q6_1", flipped, ctx)

    def test_q6_2_closed_stages_kept(self, solution, ctx):
        pipe = solution["_"]["pipe"]
        table = pipe.groupby("stage").agg(opportunities=("opportunity_id", "size"),
                                          value=("estimated_value", "sum"), expected=("expected", "sum"))
        assert "is closed" in _failing("q6_2", table, ctx)

    def test_q6_2_probability_forgotten(self, solution, ctx):
        table = solution["q6_2"].assign(expected=solution["q6_2"]["value"])
        assert "win probability" in _failing("q6_2", table, ctx)

    def test_q6_2_prospects_only(self, solution, ctx):
        open_pipe, accounts = solution["_"]["open_pipe"], solution["_"]["accounts"]
        mine = open_pipe[open_pipe["account_id"].isin(accounts.index[accounts["status"] == "prospect"])]
        table = mine.groupby("stage").agg(opportunities=("opportunity_id", "size"),
                                          value=("estimated_value", "sum"), expected=("expected", "sum"))
        assert "prospects' opportunities only" in _failing("q6_2", table, ctx)

    def test_q6_2_message_hides_the_answer(self, solution, ctx):
        table = solution["q6_2"].assign(expected=solution["q6_2"]["expected"] * 1.1)
        message = _failing("q6_2", table, ctx)
        assert "too high" in message
        assert not any(f"{v:,.2f}" in message for v in solution["q6_2"]["expected"])

    def test_q6_3_never_contacted_left_out(self, solution, ctx):
        s = solution["_"]
        tiered = s["tiered"].assign(overdue=s["days"] > s["tiered"]["tier"].map(s["target"]))
        table = solution["q6_3"].assign(overdue=tiered.groupby("tier")["overdue"].sum())
        if table["overdue"].equals(solution["q6_3"]["overdue"]):
            pytest.skip("every account was contacted on this data")
        assert "never contacted" in _failing("q6_3", table, ctx)

    def test_q6_3_one_rhythm_for_all(self, solution, ctx):
        s = solution["_"]
        overdue = ~(s["days"] <= 14)
        table = solution["q6_3"].assign(overdue=overdue.groupby(s["tiered"]["tier"]).sum())
        assert "its own rhythm" in _failing("q6_3", table, ctx)

    def test_q6_3_orphans_of_the_manufacturer(self, maker):
        made, answers = maker
        assert answers["q6_3"]["orphaned"].sum() > 0
        table = answers["q6_3"].assign(orphaned=0)
        assert "'(left)'" in _failing("q6_3", table, made)

    def test_q6_4_growth_forgotten(self, solution, ctx):
        plan = solution["_"]["plan"]
        assert "last year's sales" in _failing("q6_4", plan.groupby(level="tier")["sales_last_year"].sum(), ctx)

    def test_q6_4_growth_as_percent(self, solution, ctx):
        s = solution["_"]
        plan = strategy.monthly_sales_plan(s["orders"], s["tiered"], month="2025-01", growth=10,
                                           customer_col="account_id")
        assert "fraction" in _failing("q6_4", plan.groupby(level="tier")["target"].sum(), ctx)

    def test_q6_4_previous_month_as_base(self, solution, ctx):
        s = solution["_"]
        plan = strategy.monthly_sales_plan(s["orders"], s["tiered"], month="2025-12", growth=0.1,
                                           customer_col="account_id")
        assert "month before plan_month" in _failing("q6_4", plan.groupby(level="tier")["target"].sum(), ctx)

    def test_q6_5_class_a_account(self, solution, ctx):
        tiered = solution["_"]["tiered"]
        a = tiered.index[tiered["tier"] == "A"][0]
        answer = dict(solution["q6_5"], account_id=a)
        assert "is class A" in _failing("q6_5", answer, ctx)

    def test_q6_5_unweighted(self, solution, ctx):
        s = solution["_"]
        open_pipe, tiered = s["open_pipe"], s["tiered"]
        raw = open_pipe.groupby("account_id")["estimated_value"].sum()
        raw = raw[raw.index.isin(tiered.index[tiered["tier"] == "B"])]
        best = raw.idxmax()
        answer = {"account_id": best, "expected_value": float(raw.max()), "owner": s["accounts"].at[best, "owner"]}
        if best == solution["q6_5"]["account_id"]:
            assert "estimated value" in _failing("q6_5", answer, ctx)
        else:
            assert "ranked by estimated value" in _failing("q6_5", answer, ctx)

    def test_q6_5_wrong_owner(self, solution, ctx):
        answer = dict(solution["q6_5"], owner="R99")
        message = _failing("q6_5", answer, ctx)
        assert "is not the owner" in message
        assert solution["q6_5"]["owner"] not in message


class TestParametersDriveTheChecks:
    def test_two_seeds_two_answers(self):
        one = Exercise("06_b2b", **{**PARAMS, "seed": 3}).ctx
        two = Exercise("06_b2b", **{**PARAMS, "seed": 4}).ctx
        assert not one["plan"].equals(two["plan"])
        assert not one["pipeline"].equals(two["pipeline"])

    def test_case_growth_and_month(self):
        base = Exercise("06_b2b", **PARAMS).ctx
        assert Exercise("06_b2b", **PARAMS, case="b2b-manufacturer").ctx["contact"]["orphaned"].sum() > 0
        assert Exercise("06_b2b", **PARAMS, growth=0.2).ctx["plan"]["A"] > base["plan"]["A"]
        assert not Exercise("06_b2b", **PARAMS, plan_month="2024-07").ctx["plan"].equals(base["plan"])
