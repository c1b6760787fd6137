"""Exercise 04_bank — the retail-bank case (银行案例, curriculum module 4, lesson 06_bank_case).

Questions
---------
q4_1  (2 points, Series)    customers per AUM tier at the last month-end: private banking from
      ``aum_private``, wealth from ``aum_wealth``, mass the rest (资产分层)
q4_2  (2 points, Series)    the off-counter rate (离柜率) per age band over all months
q4_3  (2 points, Series)    every customer's Chase-style contribution tier (贡献度分层)
q4_4  (3 points, dict)      did the care plan raise satisfaction? difference, 95% interval and a
      verdict (``plan_works``), with a written justification
q4_5  (2 points, list)      the churn warning (流失预警): customers who fell out of the top AUM tiers
      from the first to the last month-end

Definitions (the same as in the lesson)
---------------------------------------
- **AUM tier** at a month-end: ``aum >= aum_private`` → "private banking", else ``aum >= aum_wealth``
  → "wealth", else "mass" (a ``kind: thresholds`` scheme, best level first).
- **Off-counter rate** of a group = digital transactions / (counter + digital transactions), all
  transactions of the group's customers over all months pooled; a fraction 0–1.
- **Contribution tiers** on the average monthly profit per customer (mean over the months): blue ≥
  the 90th percentile, green ≥ the 60th percentile, red ≥ 0, transfer (转移) ≥ the median of the
  negative averages, clear-out (清退) the rest (pandas' default linear quantiles).
- **Care plan effect**: satisfaction of survey respondents only (NaN = did not answer), mean with
  the plan − mean without, Welch standard error, 95% normal interval
  (:func:`coursekit.strategy.uplift` with ``relative=False``); ``plan_works`` = the interval lies
  above 0.
- **Fallen**: top tier (private banking or wealth) at the first month-end, mass at the last
  (:func:`coursekit.fallen_from`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from coursekit.grading.answers import as_dict as _as_dict
from coursekit.grading.answers import as_frame
from coursekit.grading.answers import as_series as _series
from coursekit.grading.answers import as_truth as _truth
from coursekit.grading.answers import is_number as _is_number
from coursekit.grading.core import ExerciseSet, compare_number
from coursekit.grading.sets._common import case_tables
from coursekit.migration import fallen_from
from coursekit.strategy import uplift
from coursekit.tiers import assign_tiers

AUM_TIERS = ["private banking", "wealth", "mass"]
TOP = ["private banking", "wealth"]
CHASE_TIERS = ["blue", "green", "red", "transfer", "clear-out"]
AGE_BANDS = ["18-29", "30-44", "45-59", "60+"]
RATE_TOL = 6e-4       # rates rounded to 3 decimals still pass
SAT_TOL = 6e-4        # satisfaction points rounded to 3 decimals still pass


# --- the expected results, one formula each ------------------------------------------------------

def aum_scheme(aum_wealth: float, aum_private: float, column: str = "aum") -> dict:
    """The lesson's AUM thresholds scheme."""
    return {"name": "aum", "kind": "thresholds", "column": column, "levels": [
        {"tier": "private banking", "min": aum_private},
        {"tier": "wealth", "min": aum_wealth},
        {"tier": "mass"}]}


def _snapshot(monthly: pd.DataFrame, month) -> pd.DataFrame:
    return monthly[monthly["month"] == month].set_index("customer_id")


def _sizes(tiers: pd.Series) -> pd.Series:
    return tiers.value_counts().reindex(AUM_TIERS, fill_value=0).astype("int64")


def off_counter_rate(monthly: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """Digital / all transactions per age band, pooled over customers and months."""
    per = monthly.groupby("customer_id")[["counter_txns", "digital_txns"]].sum()
    band = per.join(customers.set_index("customer_id")["age_band"]).groupby("age_band")[
        ["counter_txns", "digital_txns"]].sum()
    rate = band["digital_txns"] / (band["counter_txns"] + band["digital_txns"])
    return rate.reindex([b for b in AGE_BANDS if b in rate.index]).rename("off_counter_rate")


def chase_tiers(avg_profit: pd.Series) -> pd.Series:
    """Contribution tiers from the average monthly profit (the lesson's cuts)."""
    losses = avg_profit[avg_profit < 0]
    transfer_cut = float(losses.median()) if len(losses) else -1.0
    cuts = {"blue": avg_profit.quantile(0.9), "green": avg_profit.quantile(0.6), "red": 0.0,
            "transfer": transfer_cut}
    scheme = {"name": "chase", "kind": "thresholds", "column": "avg_profit", "levels": [
        *({"tier": t, "min": float(c)} for t, c in cuts.items()), {"tier": "clear-out"}]}
    frame = avg_profit.rename("avg_profit").to_frame()
    return assign_tiers(frame, scheme)["tier"]


def _care(satisfaction: pd.Series, plan: pd.Series) -> dict:
    group = plan.astype(str).str.lower().map({"true": "care plan", "false": "no plan"})
    return uplift(satisfaction, group, treatment="care plan", control="no plan", relative=False)


def load(params: dict) -> dict:
    """The bank's tables and every expected result, from the parameters alone."""
    tables = case_tables({**params, "case": "bank"}, ["customers", "monthly"])
    customers, monthly = tables["customers"], tables["monthly"]
    wealth, private = params["aum_wealth"], params["aum_private"]
    scheme = aum_scheme(wealth, private)
    months = sorted(monthly["month"].unique())
    first, last = _snapshot(monthly, months[0]), _snapshot(monthly, months[-1])
    second_last = _snapshot(monthly, months[-2] if len(months) > 1 else months[0])
    after = assign_tiers(last, scheme)
    before = assign_tiers(first, scheme)

    # q4_2 and its wrong variants
    rate = off_counter_rate(monthly, customers)
    per = monthly.groupby("customer_id")[["counter_txns", "digital_txns"]].sum()
    per_rate = (per["digital_txns"] / per.sum(axis=1)).rename("r").to_frame().join(
        customers.set_index("customer_id")["age_band"]).groupby("age_band")["r"].mean()

    # q4_3 and its wrong variants
    avg_profit = monthly.groupby("customer_id")["profit"].mean()
    chase = chase_tiers(avg_profit)
    chase_last = chase_tiers(last["profit"])
    chase_aum = chase_tiers(monthly.groupby("customer_id")["aum"].mean())

    # q4_4 and its wrong variants
    indexed = customers.set_index("customer_id")
    respondents = indexed.dropna(subset=["satisfaction"])
    care = _care(respondents["satisfaction"], respondents["care_plan"])
    care_zero = _care(indexed["satisfaction"].fillna(0), indexed["care_plan"])
    plan = respondents["care_plan"].astype(bool).to_numpy()
    sat = respondents["satisfaction"].to_numpy()
    sd_t, sd_c = float(np.std(sat[plan], ddof=1)), float(np.std(sat[~plan], ddof=1))

    # q4_5 and its wrong variants
    def fell(b, a):
        return [str(c) for c in fallen_from(b, a, high=TOP, order=AUM_TIERS).index]

    rank = {t: i for i, t in enumerate(AUM_TIERS)}
    moved = before["tier"].map(rank).to_frame("b").join(after["tier"].map(rank).rename("a"))
    deposits_scheme = aum_scheme(wealth, private, column="deposits")
    return {
        "data": {"customers": customers, "monthly": monthly},
        "n_customers": int(customers["customer_id"].nunique()),
        "n_rows": len(monthly),
        "customer_ids": set(map(str, customers["customer_id"])),
        "aum_sizes": _sizes(after["tier"]),
        "aum_sizes_first": _sizes(before["tier"]),
        "aum_sizes_deposits": _sizes(assign_tiers(last, deposits_scheme)["tier"]),
        "off_counter": rate,
        "off_counter_per_customer": per_rate.reindex(rate.index),
        "off_counter_last": off_counter_rate(monthly[monthly["month"] == months[-1]], customers),
        "chase": chase,
        "chase_last_month": chase_last,
        "chase_aum": chase_aum,
        "care": care,
        "care_zero": care_zero,
        "care_sd": (sd_t, sd_c, int(plan.sum()), int((~plan).sum())),
        "fallen": fell(before, after),
        "fallen_down_any": sorted(map(str, moved.index[moved["a"] > moved["b"]])),
        "risen_into_top": sorted(map(str, moved.index[(moved["b"] == 2) & (moved["a"] < 2)])),
        "fallen_deposits": fell(assign_tiers(first, deposits_scheme), assign_tiers(last, deposits_scheme)),
        "fallen_last_two": fell(assign_tiers(second_last, scheme), after),
        "tiers_before": before["tier"],
        "tiers_after": after["tier"],
    }


EXERCISE = ExerciseSet(
    "04_bank",
    defaults={"data_dir": "../datasets", "size": 0, "seed": 42, "aum_wealth": 500000, "aum_private": 6000000},
    load=load,
)
q = EXERCISE.check


# --- reading answers in the forms they arrive in -------------------------------------------------

def _same(a: pd.Series, b: pd.Series) -> bool:
    """Same values in ``b``'s order (labels as text; numbers as floats, anything else as text)."""
    a = a.rename(index=str).reindex(b.index.astype(str))
    if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
        return bool(np.array_equal(pd.to_numeric(a, errors="coerce").to_numpy(float), b.to_numpy(float)))
    return bool((a.astype(str).to_numpy() == b.astype(str).to_numpy()).all())


def _close(a: pd.Series, b: pd.Series, tol: float) -> bool:
    """Same labels and every value within ``tol`` (labels compared as text)."""
    a = pd.to_numeric(a.rename(index=str), errors="coerce")
    b = b.rename(index=str)
    if set(a.index) != set(b.index):
        return False
    return bool(np.allclose(a.reindex(b.index).to_numpy(float), b.to_numpy(float), atol=tol, rtol=0))


# --- q4_1 AUM tier sizes -------------------------------------------------------------------------

def _sizes_answer(answer) -> pd.Series:
    mine = _series(answer, ("customers", "count"))
    mine = pd.to_numeric(mine.rename(index=str), errors="coerce")
    return mine.reindex(AUM_TIERS).fillna(0)


@q("q4_1", hint="a Series: tier name → number of customers, e.g. ck.assign_tiers(last, aum_scheme)['tier']"
                 ".value_counts()")
def _sizes_are_series(answer, ctx):
    mine = _series(answer, ("customers", "count"))
    if mine is None:
        return f"the tier sizes should be a pandas Series (tier → customers), not {type(answer).__name__}"
    unknown = sorted(set(map(str, mine.index)) - set(AUM_TIERS))
    if unknown:
        return (f"{unknown[0]!r} is not an AUM tier: name the tiers exactly 'private banking', "
                f"'wealth' and 'mass'")
    if mine.index.has_duplicates:
        return f"tier {mine.index[mine.index.duplicated()][0]!r} appears twice: one row per tier"
    if not pd.api.types.is_numeric_dtype(mine):
        return f"the tier sizes should be numbers of customers, they are {mine.dtype}"
    return None


@q("q4_1", hint="tier the last month-end only: one row per customer, `monthly[monthly['month'] == "
                 "monthly['month'].max()]`")
def _sizes_count_customers(answer, ctx):
    total = float(_sizes_answer(answer).sum())
    n = ctx["n_customers"]
    if math.isclose(total, 1.0, abs_tol=1e-3):
        return "the tier sizes add up to 1: give numbers of customers, not shares"
    if total == ctx["n_rows"] and total != n:
        return (f"your tiers add up to {total:g}: that counts customer-months (every month's row); "
                f"tier the customers at the last month-end, one row per customer")
    if total != n:
        return f"your tiers add up to {total:g} customers, but the bank has {n}: every customer has one tier"
    return None


@q("q4_1", hint="AUM = deposits + wealth products; the snapshot is the last month-end, not the first")
def _sizes_right_snapshot(answer, ctx):
    mine, expected = _sizes_answer(answer), ctx["aum_sizes"]
    if _same(mine, expected):
        return None
    if _same(mine, ctx["aum_sizes_first"]):
        return ("you tiered the first month-end: tiers describe customers now, so use the last "
                "month-end (the latest `month`)")
    if _same(mine, ctx["aum_sizes_deposits"]):
        return ("you tiered deposits only: AUM (assets under management) = deposits + wealth products, "
                "the column `aum`")
    return None


@q("q4_1", hint="a customer is in a top tier when aum >= aum_wealth (>=, not >); private banking from "
                 "aum_private")
def _top_tiers_size(answer, ctx):
    mine, expected = _sizes_answer(answer), ctx["aum_sizes"]
    have = float(mine[TOP].sum())
    problem = compare_number(have, float(expected[TOP].sum()), what="the number of customers in the two top "
                             "tiers (private banking + wealth)", rel=0, abs_tol=0)
    return problem and problem + f" — the thresholds are aum_wealth and aum_private on the column aum"


@q("q4_1", hidden=True, hint="check each tier's threshold: private banking first, then wealth, mass takes the rest")
def _every_tier_size(answer, ctx):
    mine, expected = _sizes_answer(answer), ctx["aum_sizes"]
    for tier in AUM_TIERS:
        if mine[tier] != expected[tier]:
            return f"tier {tier!r} has the wrong number of customers (you have {mine[tier]:g})"
    return None


# --- q4_2 off-counter rate by age band ------------------------------------------------------------

def _rates(answer) -> pd.Series:
    mine = _series(answer, ("off_counter_rate", "rate"))
    return pd.to_numeric(mine.rename(index=str), errors="coerce")


@q("q4_2", hint="a Series indexed by age_band, e.g. the column off_counter_rate of the lesson's table")
def _rates_by_band(answer, ctx):
    mine = _series(answer, ("off_counter_rate", "rate"))
    if mine is None:
        if isinstance(answer, pd.DataFrame):
            return (f"your table has columns {list(map(str, answer.columns))[:6]}: give the rates as a Series, "
                    f"or a table with a column 'off_counter_rate'")
        return f"the off-counter rates should be a pandas Series (age band → rate), not {type(answer).__name__}"
    expected = ctx["off_counter"]
    labels = set(map(str, mine.index))
    unknown = sorted(labels - set(expected.index))
    if unknown:
        return f"{unknown[0]!r} is not an age band of the bank: index the rates by age_band"
    missing = [b for b in expected.index if b not in labels]
    if missing:
        return f"age band {missing[0]!r} is missing: one rate per age band"
    if _rates(answer).isna().any():
        return "some rates are missing (NaN) or not numbers"
    return None


@q("q4_2", hint="离柜率 = digital / (counter + digital): a fraction between 0 and 1")
def _rates_are_shares(answer, ctx):
    mine, expected = _rates(answer), ctx["off_counter"]
    if _close(mine / 100, expected, RATE_TOL):
        return "the rates should be fractions between 0 and 1, not percentages"
    if _close(1 - mine, expected, RATE_TOL):
        return ("that is the counter share: the off-counter rate (离柜率) is the share of transactions done "
                "off the counter, digital / all")
    if (mine > 1).any():
        band = mine.index[(mine > 1).to_numpy()][0]
        return (f"the rate for {band} is above 1 (you have {mine[band]:.3g}): divide digital transactions by "
                f"all transactions (counter + digital), not by counter ones")
    return None


@q("q4_2", hint="sum each band's counter and digital transactions over every customer and every month, "
                 "then divide")
def _rates_pooled_over_year(answer, ctx):
    mine, expected = _rates(answer), ctx["off_counter"]
    if _close(mine, expected, RATE_TOL):
        return None
    if _close(mine, ctx["off_counter_last"], RATE_TOL):
        return "you used the last month only: the rate covers all months of the data"
    if _close(mine, ctx["off_counter_per_customer"], RATE_TOL):
        return ("you averaged the customers' own rates: a customer with 2 transactions then weighs as much as "
                "one with 200. Pool the transactions of the band first: sum(digital) / sum(all)")
    return None


@q("q4_2", hint="the oldest band uses the counter most; compute its rate as digital / (counter + digital)")
def _oldest_band_rate(answer, ctx):
    mine, expected = _rates(answer), ctx["off_counter"]
    band = expected.index[-1]
    return compare_number(float(mine[band]), float(expected[band]), what=f"the rate of the {band} band",
                          rel=0, abs_tol=RATE_TOL, percent_hint=True)


@q("q4_2", hidden=True, hint="pool all transactions of each band over the whole year")
def _every_band_rate(answer, ctx):
    mine, expected = _rates(answer), ctx["off_counter"]
    for band in expected.index:
        problem = compare_number(float(mine[band]), float(expected[band]), what=f"the rate of the {band} band",
                                 rel=0, abs_tol=RATE_TOL)
        if problem:
            return problem
    return None


# --- q4_3 contribution tiers ----------------------------------------------------------------------

def _tiers(answer) -> pd.Series | None:
    if isinstance(answer, pd.DataFrame):
        answer = as_frame(answer)
    mine = _series(answer, ("tier",))
    return None if mine is None else mine.rename(index=str).astype(str)


@q("q4_3", hint="one tier per customer: a Series indexed by customer_id (or ck.assign_tiers(...) with a "
                 "'tier' column)")
def _chase_one_per_customer(answer, ctx):
    mine = _tiers(answer)
    if mine is None:
        return f"the contribution tiers should be a Series (customer_id → tier), not {type(answer).__name__}"
    if len(mine) == ctx["n_rows"] and ctx["n_rows"] != ctx["n_customers"]:
        return ("you have one row per customer and month: average each customer's monthly profit first "
                "(groupby customer_id), then tier the customers")
    lacking = sorted(ctx["customer_ids"] - set(mine.index))
    if lacking:
        return f"your tiers lack {len(lacking)} of the {ctx['n_customers']} customers, e.g. {lacking[0]}"
    extra = sorted(set(mine.index) - ctx["customer_ids"])
    if extra:
        return f"{extra[0]!r} is not a customer of the bank: index the tiers by customer_id"
    if mine.index.has_duplicates:
        return f"customer {mine.index[mine.index.duplicated()][0]} has more than one tier"
    unknown = sorted(set(mine) - set(CHASE_TIERS))
    if unknown:
        return f"{unknown[0]!r} is not a contribution tier: use blue, green, red, transfer and clear-out"
    return None


@q("q4_3", hint="profit per customer = the mean of the monthly `profit` over all months (not AUM, not one "
                 "month)")
def _chase_right_inputs(answer, ctx):
    mine = _tiers(answer)
    if _same(mine, ctx["chase"]):
        return None
    if _same(mine, ctx["chase_last_month"]):
        return ("you tiered last month's profit: contribution is the average monthly profit over all months "
                "(one bad month should not move a customer)")
    if _same(mine, ctx["chase_aum"]):
        return ("you tiered by assets (AUM): contribution tiers follow profit — a big deposit at a high rate "
                "can earn little. Use the average of the monthly `profit`")
    return None


@q("q4_3", hint="blue = average profit at or above the 90th percentile: avg_profit.quantile(0.9)")
def _blue_customers(answer, ctx):
    mine, expected = _tiers(answer).reindex(ctx["chase"].index), ctx["chase"]
    wrong = (mine == "blue") != (expected == "blue")
    if wrong.any():
        who = wrong[wrong].index[0]
        return (f"the blue tier differs for {int(wrong.sum())} customers, e.g. customer {who}: you have "
                f"{mine[who]!r}; blue is the top 10% by average monthly profit")
    return None


@q("q4_3", hidden=True, hint="the cuts, best first: 90th percentile, 60th percentile, 0, median of the losses")
def _every_chase_tier(answer, ctx):
    mine, expected = _tiers(answer).reindex(ctx["chase"].index), ctx["chase"]
    wrong = mine != expected
    if wrong.any():
        who = wrong[wrong].index[0]
        return f"the tier differs for {int(wrong.sum())} customers, e.g. customer {who}: you have {mine[who]!r}"
    return None


# --- q4_4 care plan -------------------------------------------------------------------------------

CARE_KEYS = ("difference", "ci_low", "ci_high", "plan_works")


@q("q4_4", hint="care = {'difference': ..., 'ci_low': ..., 'ci_high': ..., 'plan_works': True or False}")
def _care_has_keys(answer, ctx):
    found = _as_dict(answer)
    if found is None:
        return f"the answer should be a dict with the keys {list(CARE_KEYS)}, not {type(answer).__name__}"
    missing = [k for k in CARE_KEYS if k not in found]
    if missing:
        return f"your answer has no key {missing[0]!r}; it needs {list(CARE_KEYS)}"
    for key in CARE_KEYS[:3]:
        if not _is_number(found[key]) or math.isnan(float(found[key])):
            return f"{key} should be a number, you have {found[key]!r}"
    if _truth(found["plan_works"]) is None:
        return f"plan_works should be True or False, you have {found['plan_works']!r}"
    return None


@q("q4_4", hint="only respondents count (drop NaN satisfaction); difference = mean with the plan − mean without, "
                 "in points of the 1–5 scale")
def _care_difference(answer, ctx):
    mine = float(_as_dict(answer)["difference"])
    care, zero = ctx["care"], ctx["care_zero"]
    exp = care["difference"]
    if math.isclose(mine, exp, abs_tol=SAT_TOL):
        return None
    if math.isclose(mine, -exp, abs_tol=SAT_TOL):
        return "your difference has the wrong sign: take the plan group minus the group without the plan"
    if math.isclose(mine, zero["difference"], abs_tol=SAT_TOL):
        return ("you counted the customers who did not answer as 0: NaN means no answer, not a low score — "
                "compare respondents only")
    if math.isclose(mine, exp / care["mean_control"], abs_tol=SAT_TOL) or \
            math.isclose(mine, 100 * exp / care["mean_control"], abs_tol=0.06):
        return "give the difference in satisfaction points (mean − mean), not as a relative change"
    return compare_number(mine, exp, what="the difference in mean satisfaction", rel=0, abs_tol=SAT_TOL)


@q("q4_4", hint="95% interval = difference ± 1.96 × se, se = sqrt(s_plan²/n_plan + s_none²/n_none) — "
                 "strategy.uplift(..., relative=False) computes it")
def _care_interval(answer, ctx):
    found = _as_dict(answer)
    low, high, diff = float(found["ci_low"]), float(found["ci_high"]), float(found["difference"])
    if low > high:
        return "ci_low is above ci_high: swap them"
    if not low <= diff <= high:
        return "your interval does not contain your difference: it should be difference ± 1.96 × se"
    care = ctx["care"]
    width, exp_width = high - low, care["ci_high"] - care["ci_low"]
    sd_t, sd_c, n_t, n_c = ctx["care_sd"]
    for sd in (sd_t, sd_c, math.sqrt(sd_t ** 2 + sd_c ** 2)):
        if math.isclose(width, 2 * 1.96 * sd, rel_tol=0.02):
            return ("your interval is far too wide: you used the standard deviation; the interval needs the "
                    "standard error of the difference, sqrt(s_plan²/n_plan + s_none²/n_none)")
    if math.isclose(width, 2 * care["se"], rel_tol=0.02):
        return "your interval is ±1 standard error (about 68%): a 95% interval is ±1.96 standard errors"
    if not math.isclose(width, exp_width, rel_tol=0.02, abs_tol=2 * SAT_TOL):
        side = "wide" if width > exp_width else "narrow"
        return f"your interval is too {side} (width {width:.3f}): use 1.96 × the Welch standard error"
    return None


@q("q4_4", hint="the plan works when the whole interval lies above 0")
def _care_verdict_consistent(answer, ctx):
    found = _as_dict(answer)
    works, low, high = _truth(found["plan_works"]), float(found["ci_low"]), float(found["ci_high"])
    if works and high < 0:
        return "plan_works is True, but your own interval lies below 0: that would say the plan lowered satisfaction"
    if works and low <= 0:
        return "plan_works is True, but your own interval includes 0: the data do not show an effect then"
    if not works and low > 0:
        return ("plan_works is False, but your own interval lies above 0: with a randomised plan, that interval "
                "shows the plan raised satisfaction")
    return None


@q("q4_4", hidden=True, hint="strategy.uplift(respondents['satisfaction'], group, treatment='care plan', "
                              "control='no plan', relative=False)")
def _care_exact(answer, ctx):
    found, care = _as_dict(answer), ctx["care"]
    for key in ("ci_low", "ci_high"):
        problem = compare_number(float(found[key]), care[key], what=key, rel=0, abs_tol=SAT_TOL)
        if problem:
            return problem
    if _truth(found["plan_works"]) != (care["ci_low"] > 0):
        return "plan_works does not match the interval"
    return None


# --- q4_5 fallen from the top tiers ---------------------------------------------------------------

def _ids(answer, known: set[str]) -> list[str] | None:
    """Customer ids from a list, a Series (of ids, or indexed by id) or a DataFrame."""
    if isinstance(answer, (list, tuple)):
        return [str(x) for x in answer]
    if isinstance(answer, pd.DataFrame):
        if "customer_id" in answer.columns:
            return [str(x) for x in answer["customer_id"]]
        return [str(x) for x in answer.index]
    if isinstance(answer, pd.Series):
        index = [str(x) for x in answer.index]
        if answer.index.name == "customer_id" or (index and set(index) <= known):
            return index
        return [str(x) for x in answer]
    return None


@q("q4_5", hint="a list of customer ids, e.g. list(ck.fallen_from(before, after, high=[...]).index)")
def _fallen_are_ids(answer, ctx):
    ids = _ids(answer, ctx["customer_ids"])
    if ids is None:
        return f"the churn warning should be a list of customer ids, not {type(answer).__name__}"
    unknown = [i for i in ids if i not in ctx["customer_ids"]]
    if unknown:
        return f"{unknown[0]!r} is not a customer id of the bank (ids look like {sorted(ctx['customer_ids'])[0]!r})"
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        return f"customer {dup[0]} is listed twice"
    return None


@q("q4_5", hint="fallen = in private banking or wealth at the first month-end, in mass at the last one")
def _fallen_right_moves(answer, ctx):
    mine, expected = set(_ids(answer, ctx["customer_ids"])), set(ctx["fallen"])
    if mine == expected:
        return None
    before, after = ctx["tiers_before"], ctx["tiers_after"]
    extra = sorted(mine - expected)
    within = [c for c in extra if before.get(c) == "private banking" and after.get(c) == "wealth"]
    if within:
        return (f"customer {within[0]} moved from private banking to wealth: that is still a top tier, so "
                f"not on the churn warning (list those who left both top tiers)")
    risen = [c for c in extra if c in set(ctx["risen_into_top"])]
    if risen:
        return (f"customer {risen[0]} rose into a top tier (mass → {after.get(risen[0])}): the warning lists "
                f"customers who fell, first month-end before, last month-end after")
    if mine == set(ctx["fallen_deposits"]):
        return "you tiered deposits: AUM = deposits + wealth products (the column aum)"
    if mine == set(ctx["fallen_last_two"]):
        return "you compared the last two month-ends: compare the first month-end with the last one"
    return None


@q("q4_5", hint="tier the first and the last month-end with the same scheme, then ck.fallen_from(before, after, "
                 "high=['private banking', 'wealth'])")
def _fallen_count(answer, ctx):
    ids = _ids(answer, ctx["customer_ids"])
    return compare_number(len(ids), len(ctx["fallen"]), what="the number of customers on your warning list",
                          rel=0, abs_tol=0)


@q("q4_5", hidden=True, hint="same scheme (aum_wealth, aum_private) on both month-ends")
def _fallen_exact(answer, ctx):
    mine, expected = set(_ids(answer, ctx["customer_ids"])), set(ctx["fallen"])
    extra, lacking = sorted(mine - expected), sorted(expected - mine)
    if extra:
        return f"customer {extra[0]} did not fall out of the top tiers"
    if lacking:
        return f"your list lacks {len(lacking)} customers who fell out of the top tiers"
    return None
