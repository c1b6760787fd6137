"""Exercise 03_strategy — tier strategies: budget, simulation, monthly plan, uplift (module 3).

Data: the retail case (the shipped shop, or one generated afresh from ``size`` and ``seed``): its
transactions, tiered with the value4 scheme as of ``as_of``, and its promotion campaign table
(treatment / control, randomised).

Questions
---------
q3_1  the by-tier budget of ONE high-value customer when ``budget`` is split with the value4
      playbook's weights (a number, yuan)
q3_2  even vs by-tier: expected incremental value per tier under the stated ``response`` and
      ``cost_per_contact`` assumptions (a DataFrame indexed by tier: value_even, value_by_tier)
q3_3  the monthly sales plan for ``plan_month``: last year's same-month net sales and the target
      per tier (a DataFrame indexed by tier: sales_last_year, target)
q3_4  the campaign's relative uplift on orders vs the control group, with a 95% confidence
      interval (a dict: uplift, ci_low, ci_high)
q3_5  judgement: with the fixed ``budget``, which ONE tier do you target, and what uplift
      (expected incremental sales, yuan) do you expect? (a dict: tier, expected_uplift) plus a
      written justification (markdown, not graded automatically)

Definitions used (the lesson's, computed here with the same coursekit functions)
--------------------------------------------------------------------------------
- Tiers: :func:`coursekit.rfm_table` (``order_col="order_id"``, as of ``as_of``) then
  :func:`coursekit.assign_tiers` with ``value4``; playbook = the built-in ``value4`` playbook.
- Budget split: :func:`coursekit.strategy.allocate_budget` — by tier, tier t gets
  B·n_t·w_t / Σ n_s·w_s; per customer = the tier's budget / n_t.
- Stated assumptions (NOT facts): contacts_t = min(n_t, floor(budget_t / cost_t)); expected
  incremental value = contacts_t × response_rate_t × value_if_responds_t
  (:func:`coursekit.strategy.compare_allocations`).
- Monthly plan: :func:`coursekit.strategy.monthly_sales_plan` — base = the same calendar month one
  year before ``plan_month``, net sales (returns reduce them), target = base × (1 + growth).
- Uplift: :func:`coursekit.strategy.campaign_outcomes` (distinct orders with net amount > 0 in the
  ``window_days`` from the send date) and :func:`coursekit.strategy.uplift`: relative uplift =
  mean(treatment) / mean(control) − 1, delta-method 95% interval (normal), no covariate.
- Judgement: the whole budget spent on one tier t buys contacts_t = min(n_t, floor(B / cost_t));
  its expected uplift is contacts_t × response_rate_t × value_if_responds_t; target the tier with
  the highest expected uplift.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from coursekit.grading.answers import as_frame, as_number, from_uplift_result
from coursekit.grading.core import ExerciseSet, compare_number
from coursekit.grading.sets import _common
from coursekit.strategy import (allocate_budget, campaign_outcomes, compare_allocations, monthly_sales_plan,
                                playbook, playbook_to_dict, uplift)
from coursekit.tiers import assign_tiers, load_scheme

TIERS = load_scheme("value4").tiers
CENT = 0.011  # a sum of cent-rounded parts and a rounded sum may differ by one cent
RESPONSE = {
    "high-value": {"response_rate": 0.30, "value_if_responds": 800},
    "potential": {"response_rate": 0.15, "value_if_responds": 400},
    "general": {"response_rate": 0.05, "value_if_responds": 150},
    "churning": {"response_rate": 0.08, "value_if_responds": 300},
}
COSTS = {"high-value": 500, "potential": 40, "general": 10, "churning": 60}
# The value4 playbook as a plain dict without its scheme name: the same weights and tier order, but
# coursekit need not re-read the YAML files on every call (pure-Python YAML dominated load time).
PLAYBOOK = {k: v for k, v in playbook_to_dict(playbook("value4")).items() if k != "scheme"}


def _costs(params) -> pd.Series:
    cost = params["cost_per_contact"]
    if isinstance(cost, dict):
        return pd.Series({t: float(cost[t]) for t in TIERS if t in cost})
    return pd.Series(float(cost), index=TIERS)


def _plan_variants(tx, tiered, params) -> dict:
    month = pd.Period(params["plan_month"], freq="M")
    growth = params["growth"]
    plan = monthly_sales_plan(tx, tiered, month=str(month), growth=growth, playbook=PLAYBOOK)
    prev = monthly_sales_plan(tx, tiered, month=str(month + 11), growth=growth, playbook=PLAYBOOK)
    gross = monthly_sales_plan(tx[tx["amount"] > 0], tiered, month=str(month), growth=growth, playbook=PLAYBOOK)
    return {"plan": plan, "plan_prev_month": prev["sales_last_year"], "plan_gross": gross["sales_last_year"],
            "base_month": plan.attrs["base_month"]}


def _mistakes(money: pd.Series, n: pd.Series, p: pd.Series, v: pd.Series, c: pd.Series) -> dict[str, pd.Series]:
    """The by-hand mistakes in a tier's expected value, when it gets ``money`` for contacts costing ``c``.

    Right: min(n, floor(money / c)) × p × v, with n customers, response rate p and value v.
    """
    affordable = money / c
    return {
        "no_floor": np.minimum(affordable, n) * p * v,
        "no_cap": np.floor(affordable + 1e-9) * p * v,
        "no_rate": np.minimum(np.floor(affordable + 1e-9), n) * v,
    }


def _allocation_variants(tiered, budget, response, costs: pd.Series) -> dict:
    """The by-hand mistakes in the even / by-tier comparison, recomputed from allocate_budget's split."""
    out = {}
    n = tiered["tier"].value_counts().reindex(TIERS, fill_value=0).astype(float)
    p = pd.Series({t: float(response[t]["response_rate"]) for t in TIERS if t in response}).reindex(TIERS)
    v = pd.Series({t: float(response[t]["value_if_responds"]) for t in TIERS if t in response}).reindex(TIERS)
    c = costs.reindex(TIERS)
    for method in ("even", "by_tier"):
        money = allocate_budget(tiered, budget, method=method, playbook=PLAYBOOK)["budget"].reindex(TIERS)
        out.update({f"{key}_{method}": value for key, value in _mistakes(money, n, p, v, c).items()})
    return out


def _one_tier(tiered, budget, response, cost) -> pd.Series:
    """Expected incremental value of spending the whole budget on each tier alone (NaN: no customers)."""
    values = {}
    for tier in TIERS:
        members = tiered[tiered["tier"] == tier]
        if len(members) == 0:
            continue
        table = compare_allocations(members, budget, response=response, cost_per_contact=cost, playbook=PLAYBOOK)
        values[tier] = float(table.at["total", "value_even"])
    return pd.Series(values, dtype=float)


def load(params: dict) -> dict:
    """The shop's data and every expected result, from the parameters alone."""
    retail = {**params, "case": "retail"}
    tx = _common.transactions(retail)
    campaign = _common.case_tables(retail, ["campaign"])["campaign"]
    rfm = _common.rfm(tx, as_of=params["as_of"] or None, order_col="order_id")
    tiered = assign_tiers(rfm, "value4")
    budget, response, cost = float(params["budget"]), params["response"], params["cost_per_contact"]
    costs = _costs(params)

    # q3_1 allocation
    by_tier = allocate_budget(tiered, budget, method="by_tier", playbook=PLAYBOOK)
    even = allocate_budget(tiered, budget, method="even", playbook=PLAYBOOK)
    weights = by_tier["budget_weight"]

    # q3_2 comparison
    comparison = compare_allocations(tiered, budget, response=response, cost_per_contact=cost, playbook=PLAYBOOK)

    # q3_4 uplift
    window = int(params["window_days"])
    outcomes = campaign_outcomes(tx, campaign, window_days=window)
    lines = campaign_outcomes(tx, campaign, window_days=window, order_col=None)
    result = uplift(outcomes["orders_after"], outcomes["group"])
    treated = outcomes["group"] == "treatment"
    uplift_variants = {
        "difference": result["difference"],
        "sales": uplift(outcomes["sales_after"], outcomes["group"])["relative_uplift"],
        "cuped": uplift(outcomes["orders_after"], outcomes["group"],
                        covariate=outcomes["orders_before"])["relative_uplift"],
        "lines": uplift(lines["orders_after"], lines["group"])["relative_uplift"],
        "vs_everyone": outcomes.loc[treated, "orders_after"].mean() / outcomes["orders_after"].mean() - 1,
        "vs_own_past": (outcomes.loc[treated, "orders_after"].mean() / window)
                       / (outcomes.loc[treated, "orders_before"].mean() / 180) - 1,
        "inverted": result["mean_control"] / result["mean_treatment"] - 1,
    }

    # q3_5 judgement
    one_tier = _one_tier(tiered, budget, response, cost)
    best = one_tier.max()
    n = tiered["tier"].value_counts().reindex(TIERS, fill_value=0)
    rates = pd.Series({t: float(response[t]["response_rate"]) for t in TIERS})
    values = pd.Series({t: float(response[t]["value_if_responds"]) for t in TIERS})
    present = [t for t in TIERS if n[t] > 0]
    whole_budget = pd.Series(budget, index=present)  # all of it on one tier
    judgement = {
        "tiers": sorted(one_tier.index[np.isclose(one_tier, best, rtol=1e-12)]),
        "expected": best,
        "one_tier": one_tier,
        "by_rate": rates[present].idxmax(),
        "by_value": values[present].idxmax(),
        "by_contact": (rates * values)[present].idxmax(),
        **_mistakes(whole_budget, n[present], rates[present], values[present], costs[present]),
        "budget": budget,
        "even_total": float(comparison.at["total", "value_even"]),
        "by_tier_total": float(comparison.at["total", "value_by_tier"]),
    }

    return {
        "data": {"transactions": tx, "campaign": campaign},
        "tiered": tiered,
        "per_customer": float(by_tier.at["high-value", "budget_per_customer"]),
        "alloc_variants": {
            "even": float(even.at["high-value", "budget_per_customer"]),
            "tier_total": float(by_tier.at["high-value", "budget"]),
            "weight_share": budget * weights["high-value"] / weights.sum(),
            "weight_share_per_customer": budget * weights["high-value"] / weights.sum() / n["high-value"]
            if n["high-value"] else None,
        },
        "comparison": comparison.loc[TIERS],
        "comparison_variants": _allocation_variants(tiered, budget, response, costs),
        **_plan_variants(tx, tiered, params),
        "growth": params["growth"],
        "outcomes": outcomes,
        "uplift": result,
        "uplift_variants": uplift_variants,
        "judgement": judgement,
    }


EXERCISE = ExerciseSet(
    "03_strategy",
    defaults={"data_dir": "../datasets", "size": 0, "seed": 42, "as_of": "2025-01-01", "budget": 30000,
              "cost_per_contact": dict(COSTS), "response": {t: dict(r) for t, r in RESPONSE.items()},
              "plan_month": "2025-01", "growth": 0.10, "window_days": 60},
    load=load,
)
q = EXERCISE.check


# --- shared helpers ------------------------------------------------------------------------------

def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _close(value, expected, rel=1e-6) -> bool:
    return expected is not None and _is_num(value) and math.isclose(value, expected, rel_tol=rel, abs_tol=1e-9)


def _rounded(value, expected) -> int | None:
    """The number of decimals ``value`` was rounded to, if it is ``expected`` rounded (and not equal to it)."""
    if not _is_num(value) or expected is None or _close(value, expected, rel=1e-9):
        return None
    for digits in range(0, 5):
        if value == round(float(expected), digits) and abs(value - expected) > 1e-9 * max(1.0, abs(expected)):
            return digits
    return None


def _tier_frame(answer, columns) -> pd.DataFrame | str:
    """A per-tier answer table with str tier labels, or a message saying what is wrong with it."""
    if not isinstance(answer, pd.DataFrame):
        return f"the answer should be a pandas DataFrame indexed by tier, not {type(answer).__name__}"
    frame = as_frame(answer, "tier")
    frame = frame.set_axis(frame.index.map(str))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        return (f"the table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"expected columns {list(columns)}")
    lacking = [t for t in TIERS if t not in frame.index]
    if lacking:
        return (f"the table has no row for tier {lacking[0]!r}: one row per value4 tier "
                f"({', '.join(TIERS)}), even a tier that gets nothing")
    unknown = [t for t in frame.index if t not in TIERS and t != "total"]
    if unknown:
        return f"{unknown[0]!r} is not a value4 tier (rows: {', '.join(TIERS)}, and optionally 'total')"
    if frame.index.has_duplicates:
        return f"tier {frame.index[frame.index.duplicated()][0]!r} has more than one row"
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            return f"column {column} should hold numbers, it holds {frame[column].dtype}"
    return frame


def _matches(mine: pd.Series, other: pd.Series, tol: float) -> bool:
    return bool(((mine.astype(float) - other.astype(float)).abs() <= tol * np.maximum(1.0, other.abs())).all())


# --- q3_1 budget per high-value customer ------------------------------------------------------------

@q("q3_1", hint="st.allocate_budget(tiered, budget, method='by_tier', playbook='value4') and read the "
                 "high-value row's budget_per_customer")
def _alloc_is_number(answer, ctx):
    answer = as_number(answer)
    if isinstance(answer, float) and math.isnan(answer):
        return "the budget per customer is NaN: check for missing values (a tier without customers?)"
    if not _is_num(answer):
        return f"the budget per customer should be a single number (yuan), not {type(answer).__name__}"
    if answer <= 0:
        return f"a high-value customer gets a positive share of the budget; you have {answer:g}"
    return None


@q("q3_1", hint="by tier, tier t gets budget × n_t·w_t / Σ n_s·w_s: weights count per CUSTOMER; then divide "
                 "by the tier's customers")
def _alloc_per_customer(answer, ctx):
    answer = float(as_number(answer))
    if _close(answer, ctx["per_customer"]):
        return None
    v = ctx["alloc_variants"]
    if _close(answer, v["even"]):
        return ("that is the even split (every customer the same amount); the by-tier split weights each "
                "customer with the tier's budget_weight from the playbook")
    if _close(answer, v["tier_total"]):
        return ("that is the budget of the whole high-value tier; the question asks for one customer's share: "
                "divide by the number of high-value customers")
    if _close(answer, v["weight_share"]) or _close(answer, v["weight_share_per_customer"]):
        return ("you split the budget by the weights alone (w / Σw); a weight applies to every customer of the "
                "tier, so a tier's share is n_t·w_t / Σ n_s·w_s")
    digits = _rounded(answer, ctx["per_customer"])
    if digits is not None:
        return f"your answer is rounded to {digits} decimals ({answer:g}): keep the full value (round only for display)"
    return compare_number(answer, ctx["per_customer"], what="the budget per high-value customer", rel=1e-6)


@q("q3_1", hidden=True, hint="the high-value row of allocate_budget's by_tier split, budget_per_customer, unrounded")
def _alloc_exact(answer, ctx):
    return compare_number(as_number(answer), ctx["per_customer"], what="the budget per high-value customer", rel=1e-9)


# --- q3_2 even vs by tier ---------------------------------------------------------------------------

VALUE_COLUMNS = ("value_even", "value_by_tier")


@q("q3_2", hint="st.compare_allocations(tiered, budget, response=response, cost_per_contact=cost_per_contact, "
                 "playbook='value4'): one row per tier, columns value_even and value_by_tier")
def _compare_shape(answer, ctx):
    frame = _tier_frame(answer, VALUE_COLUMNS)
    return frame if isinstance(frame, str) else None


@q("q3_2", hint="even and by_tier are different splits of the same budget: even gives every customer the same "
                 "amount, by_tier weights customers with the playbook's budget_weight")
def _compare_not_swapped(answer, ctx):
    frame, expected = _tier_frame(answer, VALUE_COLUMNS).loc[TIERS], ctx["comparison"]
    if (_matches(frame["value_even"], expected["value_by_tier"], 1e-6)
            and _matches(frame["value_by_tier"], expected["value_even"], 1e-6)
            and not _matches(frame["value_even"], expected["value_even"], 1e-6)):
        return "your columns are swapped: value_even should hold the even split's value, value_by_tier the other"
    return None


@q("q3_2", hint="per tier: contacts = min(customers, floor(tier budget / cost of a contact)); expected value = "
                 "contacts × response_rate × value_if_responds")
def _compare_values(answer, ctx):
    frame, expected = _tier_frame(answer, VALUE_COLUMNS).loc[TIERS], ctx["comparison"]
    variants = ctx["comparison_variants"]
    messages = {
        "no_rate": "the value is too high: not every contacted customer responds — multiply by the response rate",
        "no_cap": "a tier's budget buys more contacts than it has customers: contact each customer at most once "
                  "(contacts = min(customers, ...)); the rest of the money stays unspent",
        "no_floor": "a contact is whole: the tier budget buys floor(budget / cost) contacts, not a fraction",
    }
    for column, method in (("value_even", "even"), ("value_by_tier", "by_tier")):
        mine = frame[column]
        if _matches(mine, expected[column], 1e-6):
            continue
        for key, message in messages.items():
            if _matches(mine, variants[f"{key}_{method}"], 1e-6):
                return f"{column}: {message}"
        wrong = ~((mine.astype(float) - expected[column]).abs() <= 1e-6 * np.maximum(1.0, expected[column].abs()))
        tier = wrong[wrong].index[0]
        side = "high" if mine[tier] > expected.at[tier, column] else "low"
        return f"{column} of tier {tier!r} is too {side} (you have {mine[tier]:g})"
    return None


@q("q3_2", hidden=True, hint="difference = value_by_tier − value_even; a 'total' row sums the tiers")
def _compare_consistent(answer, ctx):
    frame = _tier_frame(answer, VALUE_COLUMNS)
    if "difference" in frame.columns:
        own = frame.loc[TIERS, "value_by_tier"] - frame.loc[TIERS, "value_even"]
        if not _matches(frame.loc[TIERS, "difference"], own, 1e-9):
            return "the difference column is not value_by_tier − value_even"
    if "total" in frame.index:
        sums = frame.loc[TIERS, list(VALUE_COLUMNS)].sum()
        if not _matches(frame.loc["total", list(VALUE_COLUMNS)], sums, 1e-9):
            return "the 'total' row does not sum the tiers"
    return None


# --- q3_3 monthly plan ------------------------------------------------------------------------------

PLAN_COLUMNS = ("sales_last_year", "target")


@q("q3_3", hint="st.monthly_sales_plan(tx, tiered, month=plan_month, growth=growth, playbook='value4'): one row "
                 "per tier with sales_last_year and target")
def _plan_shape(answer, ctx):
    frame = _tier_frame(answer, PLAN_COLUMNS)
    return frame if isinstance(frame, str) else None


@q("q3_3", hint="the base is the SAME calendar month one year before plan_month, net of returns")
def _plan_base(answer, ctx):
    frame, plan = _tier_frame(answer, PLAN_COLUMNS).loc[TIERS], ctx["plan"]
    mine = frame["sales_last_year"]
    if _matches(mine, plan["sales_last_year"], 1e-9) or ((mine - plan["sales_last_year"]).abs() <= CENT).all():
        return None
    if ((mine - ctx["plan_prev_month"]).abs() <= CENT).all():
        return (f"your base is the month before the plan month; the plan compares with the same calendar "
                f"month one year earlier ({ctx['base_month']}), so seasons match")
    if ((mine - ctx["plan_gross"]).abs() <= CENT).all():
        return "sales_last_year should be net sales: returns (negative amounts) reduce them"
    wrong = ~((mine - plan["sales_last_year"]).abs() <= CENT)
    tier = wrong[wrong].index[0]
    return (f"sales_last_year of tier {tier!r} differs (you have {mine[tier]:.2f}): sum the net amounts of the "
            f"tier's customers (tiers as of as_of) in {ctx['base_month']}")


@q("q3_3", hint="target = sales_last_year × (1 + growth), growth as a fraction (0.10 = +10%)")
def _plan_target(answer, ctx):
    frame, plan = _tier_frame(answer, PLAN_COLUMNS).loc[TIERS], ctx["plan"]
    mine, base = frame["target"].astype(float), frame["sales_last_year"].astype(float)
    if ((mine - plan["target"]).abs() <= CENT).all():
        return None
    growth = float(ctx["growth"])
    if ((mine - base * growth).abs() <= CENT).all():
        return "your target is only the growth; the target is last year's sales plus the growth: × (1 + growth)"
    if ((mine - base * (1 + 100 * growth)).abs() <= CENT).all():
        return "growth is a fraction (0.10 = +10%), not a percentage: multiply by (1 + growth)"
    if ((mine - base).abs() <= CENT).all():
        return "your target equals last year's sales: add the planned growth"
    wrong = ~((mine - plan["target"]).abs() <= CENT)
    tier = wrong[wrong].index[0]
    return f"the target of tier {tier!r} differs (you have {mine[tier]:.2f})"


@q("q3_3", hidden=True, hint="every tier keeps a row, with target 0 where nobody bought in the base month")
def _plan_exact(answer, ctx):
    frame, plan = _tier_frame(answer, PLAN_COLUMNS).loc[TIERS], ctx["plan"]
    for column in PLAN_COLUMNS:
        if not ((frame[column].astype(float) - plan[column]).abs() <= CENT).all():
            return f"column {column} differs from the plan"
    return None


# --- q3_4 campaign uplift ---------------------------------------------------------------------------

# each answer key → the key of the uplift() result it is checked against
_KEYS = {"uplift": "relative_uplift", "ci_low": "relative_ci_low", "ci_high": "relative_ci_high"}


def _uplift_answer(answer):
    """The answer as {'uplift', 'ci_low', 'ci_high'} (a dict, the uplift() result, a row or a 3-list)."""
    if isinstance(answer, pd.DataFrame) and len(answer) == 1:
        answer = answer.iloc[0].to_dict()
    elif isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if isinstance(answer, (list, tuple)) and len(answer) == 3:
        return dict(zip(_KEYS, (as_number(a) for a in answer)))
    if not isinstance(answer, dict):
        return None
    answer = from_uplift_result(answer)  # the whole uplift() result: read its relative keys
    return {k: as_number(answer.get(k)) for k in _KEYS}


@q("q3_4", hint="a dict {'uplift': ..., 'ci_low': ..., 'ci_high': ...} — or the whole result of st.uplift(...)")
def _uplift_shape(answer, ctx):
    parts = _uplift_answer(answer)
    if parts is None:
        return (f"the answer should be a dict with the keys 'uplift', 'ci_low' and 'ci_high', not "
                f"{type(answer).__name__}")
    for key, value in parts.items():
        if value is None:
            return f"the answer has no {key!r}: give 'uplift', 'ci_low' and 'ci_high'"
        if isinstance(value, float) and math.isnan(value):
            return f"{key} is NaN: check for missing values in the outcomes"
        if not _is_num(value):
            return f"{key} should be a number, not {type(value).__name__}"
    return None


@q("q3_4", hint="outcome = orders in the window_days after the send date (st.campaign_outcomes); relative uplift = "
                 "mean(treatment) / mean(control) − 1, as a fraction")
def _uplift_estimate(answer, ctx):
    mine = _uplift_answer(answer)["uplift"]
    expected = ctx["uplift"]["relative_uplift"]
    if _close(mine, expected):
        return None
    v = ctx["uplift_variants"]
    if abs(expected) > 1e-9 and _close(mine, 100 * expected):
        return f"the uplift should be a fraction (0.15 = +15%), not a percentage (you have {mine:g})"
    digits = _rounded(mine, expected)
    if digits is not None:
        return f"your uplift is rounded to {digits} decimals ({mine:g}): keep the full value (round only for display)"
    messages = [
        ("difference", "that is the difference in orders per customer; the question asks for the RELATIVE uplift: "
                       "mean(treatment) / mean(control) − 1"),
        ("inverted", "you divided the wrong way round: treatment over control, mean(treatment) / mean(control) − 1"),
        ("vs_everyone", "you compared the treatment group with everyone (treated customers included); compare it "
                        "with the control group only"),
        ("vs_own_past", "you compared the treated customers with their own past; seasons and habits change that too — "
                        "the control group shows what would have happened anyway"),
        ("lines", "you counted order lines; count orders (distinct order_id with a net amount above 0)"),
        ("sales", "that is the uplift on sales; the question asks for the uplift on orders"),
        ("cuped", "that is the CUPED (covariate-adjusted) estimate; the question asks for the plain comparison, "
                  "without a covariate"),
    ]
    for key, message in messages:
        if _close(mine, v[key]) and not _close(v[key], expected):
            return message
    return compare_number(mine, expected, what="the relative uplift", rel=1e-6)


@q("q3_4", hint="st.uplift(...) gives relative_ci_low and relative_ci_high: estimate ± 1.96 × relative_se")
def _uplift_interval(answer, ctx):
    parts, result = _uplift_answer(answer), ctx["uplift"]
    low, high, est = parts["ci_low"], parts["ci_high"], parts["uplift"]
    if low > high:
        return "ci_low is above ci_high: the lower bound comes first"
    if not low <= est <= high:
        return "the interval should contain the estimate: uplift lies between ci_low and ci_high"
    if _close(low, result["relative_ci_low"]) and _close(high, result["relative_ci_high"]):
        return None
    z = 1.959963984540054
    if _close(low, result["ci_low"]) and _close(high, result["ci_high"]):
        return ("that is the interval of the difference in orders; give the interval of the relative uplift "
                "(relative_ci_low, relative_ci_high)")
    se = result["relative_se"]
    if _close(low, est - se) and _close(high, est + se):
        return "± one standard error is a 68% interval; a 95% interval is the estimate ± 1.96 standard errors"
    if _close(low, 100 * result["relative_ci_low"]) or _close(high, 100 * result["relative_ci_high"]):
        return "the interval bounds should be fractions like the uplift, not percentages"
    if _rounded(low, result["relative_ci_low"]) is not None or _rounded(high, result["relative_ci_high"]) is not None:
        return "your interval bounds are rounded: keep the full values (round only for display)"
    width_ratio = (high - low) / (2 * z * se) if se else float("nan")
    side = "wide" if width_ratio > 1 else "narrow"
    return (f"the interval is too {side} (you have [{low:.4f}, {high:.4f}]): use the relative uplift's standard "
            f"error and the normal 95% value 1.96")


@q("q3_4", hidden=True, hint="the plain uplift of orders in window_days, 95% interval, all three numbers unrounded")
def _uplift_exact(answer, ctx):
    parts, result = _uplift_answer(answer), ctx["uplift"]
    for key, name in _KEYS.items():
        if not _close(parts[key], result[name], rel=1e-9):
            return f"{key} differs in the digits (you have {parts[key]:.6f}); do not round"
    return None


# --- q3_5 judgement ---------------------------------------------------------------------------------

def _target_answer(answer):
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if isinstance(answer, (list, tuple)) and len(answer) == 2:
        return {"tier": answer[0], "expected_uplift": as_number(answer[1])}
    if isinstance(answer, dict):
        number = next((answer[k] for k in ("expected_uplift", "uplift", "expected_value") if k in answer), None)
        return {"tier": answer.get("tier"), "expected_uplift": as_number(number)}
    return None


@q("q3_5", hint="target = {'tier': 'name of the tier', 'expected_uplift': expected incremental sales in yuan}")
def _target_shape(answer, ctx):
    parts = _target_answer(answer)
    if parts is None:
        return (f"the answer should be a dict with the keys 'tier' and 'expected_uplift', not "
                f"{type(answer).__name__}")
    if not isinstance(parts["tier"], str):
        return "'tier' should be the name of one value4 tier (a str)"
    if parts["tier"] not in TIERS:
        return f"{parts['tier']!r} is not a value4 tier; choose one of {TIERS}"
    if not _is_num(parts["expected_uplift"]):
        return "'expected_uplift' should be a number (expected incremental sales in yuan)"
    return None


@q("q3_5", hint="for each tier: contacts = min(customers, floor(budget / its cost_per_contact)); expected value = "
                 "contacts × response_rate × value_if_responds; target the tier where it is highest")
def _target_tier(answer, ctx):
    tier, j = _target_answer(answer)["tier"], ctx["judgement"]
    if tier in j["tiers"]:
        return None
    reasons = []
    if tier == j["by_rate"]:
        reasons.append("it has the highest response rate")
    if tier == j["by_value"]:
        reasons.append("its responders bring the most")
    if tier == j["by_contact"]:
        reasons.append("a single contact is worth the most there")
    if reasons:
        why = f"{tier!r} looks attractive ({', '.join(reasons)}), but "
    else:
        why = f"{tier!r} is not the tier where the budget brings the most: "
    return (why + "a fixed budget buys a different number of contacts in each tier (contacts cost differently, "
            "and a tier has only so many customers). Compare the expected value of the WHOLE budget per tier")


@q("q3_5", hint="expected uplift = contacts × response_rate × value_if_responds for the tier, with contacts = "
                 "min(customers, floor(budget / cost)); it is incremental sales, not net of the budget")
def _target_uplift(answer, ctx):
    parts, j = _target_answer(answer), ctx["judgement"]
    mine, tier = float(parts["expected_uplift"]), parts["tier"]
    expected = float(j["one_tier"][tier])
    if _close(mine, expected):
        return None
    checks = [
        (j["no_cap"].get(tier), "the expected uplift is too high: the budget buys more contacts than the tier has "
                                "customers — contact each customer at most once; the rest of the budget stays unspent"),
        (j["no_rate"].get(tier), "the expected uplift is too high: not every contacted customer responds — multiply "
                                 "by the response rate"),
        (j["no_floor"].get(tier), "a contact is whole: the budget buys floor(budget / cost) contacts, not a fraction"),
        (expected - j["budget"], "the expected uplift is the incremental sales the campaign brings, not the sales "
                                 "net of the budget"),
        ((expected - j["budget"]) / j["budget"], "that is the return on the budget (ROI); the question asks for the "
                                                 "expected incremental sales in yuan"),
        (j["even_total"], "that is the even split over all tiers; the question asks what the whole budget brings "
                          "in ONE tier"),
        (j["by_tier_total"], "that is the by-tier split over all tiers; the question asks what the whole budget "
                             "brings in ONE tier"),
    ]
    for value, message in checks:
        if value is not None and _close(mine, value) and not _close(value, expected):
            return message
    return compare_number(mine, expected, what="the expected uplift", rel=1e-6)


@q("q3_5", hidden=True, hint="keep the full value (no rounding) of contacts × rate × value")
def _target_exact(answer, ctx):
    parts, j = _target_answer(answer), ctx["judgement"]
    return compare_number(parts["expected_uplift"], j["expected"], what="the expected uplift", rel=1e-9)
