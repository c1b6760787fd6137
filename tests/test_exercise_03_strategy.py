"""Exercise 03_strategy: the solution passes every check, typical mistakes get their specific message,
and the parameters (data and stated assumptions) drive the expected answers."""

from __future__ import annotations

import warnings
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import coursekit as ck
from coursekit import strategy as st
from coursekit.grading.core import run_checks, exercise_set

from _exercise_helpers import context, message

ROOT = Path(__file__).resolve().parents[1]
EX = exercise_set("03_strategy")
TIERS = ck.load_scheme("value4").tiers
_context = partial(context, EX)


def _best_tier(params, tiered) -> dict:
    """Q3.5 by hand: the whole budget on one tier, contacts = min(customers, floor(budget / cost))."""
    sizes = tiered["tier"].value_counts()
    values = {}
    for tier in TIERS:
        rate = params["response"][tier]["response_rate"]
        value = params["response"][tier]["value_if_responds"]
        contacts = min(int(sizes.get(tier, 0)), int(params["budget"] // params["cost_per_contact"][tier]))
        values[tier] = contacts * rate * value
    best = max(values, key=values.get)
    return {"tier": best, "expected_uplift": values[best], "all": values}


def _solution(params, ctx) -> dict:
    """The answers of solutions/03_strategy.ipynb, computed here with coursekit."""
    tx, campaign = ctx["data"]["transactions"], ctx["data"]["campaign"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ck.CoursekitWarning)
        tiered = ck.assign_tiers(ck.rfm_table(tx, as_of=params["as_of"], order_col="order_id"), "value4")
    pb = st.playbook("value4")
    outcomes = st.campaign_outcomes(tx, campaign, window_days=params["window_days"])
    result = st.uplift(outcomes["orders_after"], outcomes["group"])
    best = _best_tier(params, tiered)
    return {
        "tiered": tiered,
        "outcomes": outcomes,
        "result": result,
        "best": best,
        "q3_1": st.allocate_budget(tiered, params["budget"], playbook=pb).loc["high-value", "budget_per_customer"],
        "q3_2": st.compare_allocations(tiered, params["budget"], response=params["response"],
                                       cost_per_contact=params["cost_per_contact"], playbook=pb),
        "q3_3": st.monthly_sales_plan(tx, tiered, month=params["plan_month"], growth=params["growth"], playbook=pb),
        "q3_4": {"uplift": result["relative_uplift"], "ci_low": result["relative_ci_low"],
                 "ci_high": result["relative_ci_high"]},
        "q3_5": {"tier": best["tier"], "expected_uplift": best["expected_uplift"]},
    }


@pytest.fixture(scope="module")
def small():
    params, ctx = _context(size=200, seed=3)
    return params, ctx, _solution(params, ctx)


@pytest.fixture(scope="module")
def shipped():
    """The shipped shop: there the cheap potential tier beats the responsive high-value tier."""
    params, ctx = _context(data_dir=str(ROOT / "datasets"))
    return params, ctx, _solution(params, ctx)


def _message(ctx, question, answer, *, hidden=False) -> str:
    return message(EX, question, answer, ctx, hidden=hidden)


# --- (a) the solution passes every check, public and hidden --------------------------------------

@pytest.mark.parametrize("question", ["q3_1", "q3_2", "q3_3", "q3_4", "q3_5"])
@pytest.mark.parametrize("data", ["small", "shipped"])
def test_solution_passes_every_check(question, data, request):
    params, ctx, answers = request.getfixturevalue(data)
    result = run_checks(EX, question, answers[question], ctx, hidden=True)
    assert result.ok, repr(result)
    assert result.total == len(EX.checks[question])


def test_answers_survive_the_trip_to_the_grader(small):
    """Numpy scalars arrive as numbers, tuples as lists, the uplift() result as a dict or a one-row table."""
    params, ctx, answers = small
    assert run_checks(EX, "q3_1", float(answers["q3_1"]), ctx).ok
    assert run_checks(EX, "q3_4", answers["result"], ctx).ok
    assert run_checks(EX, "q3_4", pd.DataFrame([answers["result"]]), ctx).ok
    assert run_checks(EX, "q3_4", list(answers["q3_4"].values()), ctx).ok
    assert run_checks(EX, "q3_5", [answers["q3_5"]["tier"], answers["q3_5"]["expected_uplift"]], ctx).ok
    plan = answers["q3_3"].reset_index()                                # tier as a column
    assert run_checks(EX, "q3_3", plan, ctx).ok


def test_the_judgement_differs_between_datasets(small, shipped):
    """Not always the most responsive tier: the answer depends on tier sizes and contact costs."""
    assert small[2]["best"]["tier"] == "high-value"
    assert shipped[2]["best"]["tier"] == "potential"


# --- (b) typical mistakes get the specific message, which never gives the answer away ---------------

class TestQ31Allocation:
    def test_even_split(self, small):
        params, ctx, answers = small
        even = st.allocate_budget(answers["tiered"], params["budget"], method="even", playbook="value4")
        msg = _message(ctx, "q3_1", even.loc["high-value", "budget_per_customer"])
        assert "that is the even split" in msg
        assert f"{answers['q3_1']:.2f}" not in msg

    def test_whole_tier(self, small):
        params, ctx, answers = small
        split = st.allocate_budget(answers["tiered"], params["budget"], playbook="value4")
        msg = _message(ctx, "q3_1", split.loc["high-value", "budget"])
        assert "divide by the number of high-value customers" in msg

    def test_weights_without_customers(self, small):
        params, ctx, _ = small
        assert "by the weights alone" in _message(ctx, "q3_1", params["budget"] * 4 / 9)

    def test_rounded(self, small):
        _, ctx, answers = small
        assert "rounded to 2 decimals" in _message(ctx, "q3_1", round(float(answers["q3_1"]), 2))


class TestQ32Comparison:
    def test_swapped(self, small):
        _, ctx, answers = small
        wrong = answers["q3_2"].rename(columns={"value_even": "value_by_tier", "value_by_tier": "value_even"})
        assert "your columns are swapped" in _message(ctx, "q3_2", wrong)

    @pytest.mark.parametrize("variant, expected", [
        ("no_rate", "multiply by the response rate"),
        ("no_cap", "contact each customer at most once"),
        ("no_floor", "a contact is whole"),
    ], ids=["no-rate", "no-cap", "no-floor"])
    def test_value_mistakes(self, shipped, variant, expected):
        _, ctx, answers = shipped
        wrong = answers["q3_2"].loc[TIERS].assign(value_even=ctx["comparison_variants"][f"{variant}_even"])
        msg = _message(ctx, "q3_2", wrong)
        assert expected in msg and msg.startswith("value_even")

    def test_missing_tier(self, small):
        _, ctx, answers = small
        assert "no row for tier 'churning'" in _message(ctx, "q3_2", answers["q3_2"].drop(index="churning"))

    def test_hidden_check_inconsistent_difference(self, small):
        _, ctx, answers = small
        wrong = answers["q3_2"].assign(difference=0.0)
        assert run_checks(EX, "q3_2", wrong, ctx, hidden=False).ok
        assert "not value_by_tier − value_even" in _message(ctx, "q3_2", wrong, hidden=True)


class TestQ33Plan:
    def test_previous_month_as_base(self, small):
        params, ctx, answers = small
        wrong = st.monthly_sales_plan(ctx["data"]["transactions"], answers["tiered"], month="2025-12",
                                      growth=params["growth"], playbook="value4")
        assert "same calendar month one year earlier (2024-01)" in _message(ctx, "q3_3", wrong)

    def test_gross_sales(self, shipped):
        params, ctx, answers = shipped
        tx = ctx["data"]["transactions"]
        wrong = st.monthly_sales_plan(tx[tx["amount"] > 0], answers["tiered"], month=params["plan_month"],
                                      growth=params["growth"], playbook="value4")
        assert "returns (negative amounts) reduce them" in _message(ctx, "q3_3", wrong)

    @pytest.mark.parametrize("factor, expected", [
        (0.1, "your target is only the growth"),
        (11.0, "growth is a fraction"),
        (1.0, "add the planned growth"),
    ], ids=["growth-only", "percent", "no-growth"])
    def test_target_mistakes(self, small, factor, expected):
        _, ctx, answers = small
        plan = answers["q3_3"]
        msg = _message(ctx, "q3_3", plan.assign(target=plan["sales_last_year"] * factor))
        assert expected in msg
        assert f"{plan['target'].iloc[0]:.2f}" not in msg


class TestQ34Uplift:
    @pytest.mark.parametrize("variant, expected", [
        ("difference", "the RELATIVE uplift"),
        ("vs_everyone", "compare it with the control group only"),
        ("vs_own_past", "the control group shows what would have happened anyway"),
        ("lines", "you counted order lines"),
        ("sales", "the uplift on sales"),
        ("cuped", "CUPED"),
        ("inverted", "treatment over control"),
    ], ids=["difference", "no-control", "own-past", "lines", "sales", "cuped", "inverted"])
    def test_estimate_mistakes(self, shipped, variant, expected):
        _, ctx, answers = shipped
        wrong = dict(answers["q3_4"], uplift=ctx["uplift_variants"][variant])
        msg = _message(ctx, "q3_4", wrong)
        assert expected in msg
        assert f"{answers['q3_4']['uplift']:.3f}" not in msg

    def test_percentage(self, small):
        _, ctx, answers = small
        wrong = dict(answers["q3_4"], uplift=100 * answers["q3_4"]["uplift"])
        assert "not a percentage" in _message(ctx, "q3_4", wrong)

    def test_interval_of_the_difference(self, small):
        _, ctx, answers = small
        r = answers["result"]
        wrong = {"uplift": r["relative_uplift"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}
        assert "interval of the difference" in _message(ctx, "q3_4", wrong)

    def test_one_standard_error(self, small):
        _, ctx, answers = small
        r = answers["result"]
        est, se = r["relative_uplift"], r["relative_se"]
        msg = _message(ctx, "q3_4", {"uplift": est, "ci_low": est - se, "ci_high": est + se})
        assert "68% interval" in msg
        assert f"{r['relative_ci_low']:.4f}" not in msg

    def test_missing_key(self, small):
        _, ctx, answers = small
        assert "no 'ci_high'" in _message(ctx, "q3_4", {"uplift": 0.1, "ci_low": 0.0})


class TestQ35Judgement:
    def test_most_responsive_tier_is_not_the_best_target(self, shipped):
        _, ctx, answers = shipped
        msg = _message(ctx, "q3_5", {"tier": "high-value", "expected_uplift": answers["best"]["all"]["high-value"]})
        assert "'high-value' looks attractive (it has the highest response rate" in msg
        assert "potential" not in msg
        assert f"{answers['q3_5']['expected_uplift']:g}" not in msg

    def test_unknown_tier(self, small):
        _, ctx, _ = small
        assert "'VIP' is not a value4 tier" in _message(ctx, "q3_5", {"tier": "VIP", "expected_uplift": 1.0})

    def test_contacts_beyond_the_tier(self, shipped):
        params, ctx, answers = shipped
        p = params["response"]["potential"]
        contacts = params["budget"] // params["cost_per_contact"]["potential"]     # more than the tier has
        uncapped = contacts * p["response_rate"] * p["value_if_responds"]
        msg = _message(ctx, "q3_5", {"tier": "potential", "expected_uplift": uncapped})
        assert "contact each customer at most once" in msg

    def test_forgot_the_response_rate(self, small):
        params, ctx, answers = small
        tier = answers["q3_5"]["tier"]
        contacts = answers["q3_5"]["expected_uplift"] / params["response"][tier]["response_rate"]
        assert "multiply by the response rate" in _message(ctx, "q3_5", {"tier": tier, "expected_uplift": contacts})

    def test_net_of_budget(self, small):
        params, ctx, answers = small
        net = answers["q3_5"]["expected_uplift"] - params["budget"]
        msg = _message(ctx, "q3_5", {"tier": answers["q3_5"]["tier"], "expected_uplift": net})
        assert "not the sales net of the budget" in msg

    def test_split_totals_are_not_one_tier(self, shipped):
        _, ctx, answers = shipped
        total = float(answers["q3_2"].at["total", "value_by_tier"])
        msg = _message(ctx, "q3_5", {"tier": answers["q3_5"]["tier"], "expected_uplift": total})
        assert "in ONE tier" in msg


# --- (c) the parameters drive the expected answers ------------------------------------------------

def test_two_seeds_give_different_expected_answers(small):
    _, ctx3, _ = small
    _, ctx4 = _context(size=200, seed=4)
    assert ctx3["per_customer"] != ctx4["per_customer"]
    assert ctx3["uplift"]["relative_uplift"] != ctx4["uplift"]["relative_uplift"]
    assert not np.allclose(ctx3["plan"]["target"], ctx4["plan"]["target"])
    assert ctx3["judgement"]["expected"] != ctx4["judgement"]["expected"]


def test_stated_assumptions_drive_the_judgement(small):
    """Make high-value contacts cheap and general responders valuable: the checks follow the parameters."""
    params, ctx, answers = small
    response = {t: dict(r) for t, r in params["response"].items()}
    response["general"] = {"response_rate": 0.5, "value_if_responds": 2000}
    other_params, other = _context(size=200, seed=3, response=response)
    assert other["judgement"]["tiers"] == ["general"]
    assert not run_checks(EX, "q3_5", answers["q3_5"], other).ok
    assert run_checks(EX, "q3_5", _solution(other_params, other)["q3_5"], other, hidden=True).ok


# --- the set and its solution notebook agree -------------------------------------------------------

@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(ROOT / "solutions" / "03_strategy.ipynb", as_version=4)


def test_the_judgement_has_a_written_justification(notebook):
    cell = next(i for i, c in enumerate(notebook.cells) if "# QUESTION q3_5" in c.source)
    after = [c for c in notebook.cells[cell + 1:] if c.cell_type == "markdown"][0]
    assert "<!-- BEGIN SOLUTION -->" in after.source and "<!-- END SOLUTION -->" in after.source
