"""Exercise 05_retail — the retailer case (零售案例, curriculum module 5, lesson 07_retail_case).

Questions
---------
q5_1  (2 points, Series)    customers per value4 tier (RFM → value4)
q5_2  (1 point, number)     the high-value tier's share of net sales
q5_3  (1 point, Series)     the high-value tier's channel mix: share of its net sales per channel
q5_4  (2 points, DataFrame) per campaign customer: group, orders and net sales in the
      ``window_days`` after the send date
q5_5  (3 points, dict)      is the "+15% sales" claim (``claimed_uplift``) supported? relative
      uplift of sales with its 95% interval and a verdict (``supported``), plus a written answer

Definitions (the same as in the lesson)
---------------------------------------
- **RFM** with :func:`coursekit.rfm_table` on the order lines, ``order_col="order_id"`` (frequency
  counts orders, not lines), the default analysis date (the day after the last order), 5 levels;
  tiers with the built-in ``value4`` scheme.
- **Net sales** = the sum of ``amount``, returns (negative amounts) included.
- **Channel mix** of a tier = each channel's net sales of the tier's customers / all their net sales
  (a row of ``pd.crosstab(..., normalize="index")``; shares add up to 1).
- **Campaign outcomes** (:func:`coursekit.strategy.campaign_outcomes`): the window is
  ``send_date <= order_date < send_date + window_days``; ``orders_after`` counts distinct orders
  with a positive net amount (a return is not an order), ``sales_after`` is the net amount; every
  campaign customer has a row, 0 when they bought nothing.
- **Uplift** (:func:`coursekit.strategy.uplift`, no covariate): mean(treatment) / mean(control) − 1 of
  ``sales_after``, delta-method standard error, 95% normal interval. The claim is **supported** when
  the interval excludes 0 (an effect is shown) *and* contains ``claimed_uplift``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from coursekit.grading.answers import as_dict as _as_dict
from coursekit.grading.answers import as_frame, as_number, from_uplift_result
from coursekit.grading.answers import as_series as _series
from coursekit.grading.answers import as_truth as _truth
from coursekit.grading.answers import is_number as _is_number
from coursekit.grading.core import ExerciseSet, compare_number, compare_table
from coursekit.grading.sets import _common
from coursekit.strategy import campaign_outcomes, uplift
from coursekit.tiers import assign_tiers, load_scheme

VALUE4 = load_scheme("value4").tiers
TABLES = ["transactions", "customers", "campaign"]
SHARE_TOL = 6e-4     # shares rounded to 3 decimals pass the public checks
EXACT_TOL = 6e-5     # ... and to 4 decimals the hidden ones
UPLIFT_TOL = 6e-4


# --- data and expected results --------------------------------------------------------------------

def _value4(tx: pd.DataFrame, **kwargs) -> pd.DataFrame:
    return assign_tiers(_common.rfm(tx, **kwargs), "value4")


def _sizes(tiered: pd.DataFrame) -> pd.Series:
    return tiered["tier"].value_counts().reindex(VALUE4, fill_value=0).astype("int64")


def _mix(lines: pd.DataFrame, *, values: bool = True, normalize: str = "index") -> pd.Series:
    table = pd.crosstab(lines["tier"], lines["channel"], values=lines["amount"] if values else None,
                        aggfunc="sum" if values else None, normalize=normalize)
    return table.loc["high-value"] if "high-value" in table.index else pd.Series(dtype=float)


def load(params: dict) -> dict:
    """The shop's tables and every expected result, from the parameters alone."""
    shop = _common.case_tables({**params, "case": "retail"}, TABLES, campaign_effect=params["campaign_effect"])
    tx, campaign = shop["transactions"], shop["campaign"]
    tiered = _value4(tx, order_col="order_id")
    lines = tx.join(tiered["tier"], on="customer_id")
    net = tiered["monetary"]
    high = tiered["tier"] == "high-value"
    gross = tx[tx["amount"] > 0].groupby("customer_id")["amount"].sum().reindex(tiered.index, fill_value=0)

    window = int(params["window_days"])
    outcomes = campaign_outcomes(tx, campaign, window_days=window)
    wider = campaign_outcomes(tx, campaign, window_days=window + 1)
    gross_sales = campaign_outcomes(tx[tx["amount"] > 0], campaign, window_days=window)["sales_after"]
    line_count = campaign_outcomes(tx, campaign, window_days=window, order_col=None)["orders_after"]
    # every order in the window, returns included: each line counts 1, so every order's "net amount" is > 0
    any_order = campaign_outcomes(tx.assign(amount=1.0), campaign, window_days=window)["orders_after"]

    group = outcomes["group"]
    sales = uplift(outcomes["sales_after"], group)
    treat = outcomes[group == "treatment"]
    claim = float(params["claimed_uplift"])
    return {
        "data": shop,
        "tier_sizes": _sizes(tiered),
        "tier_sizes_lines": _sizes(_value4(tx)),
        "n_customers": len(tiered),
        "n_lines": len(tx),
        "high_share": float(net[high].sum() / net.sum()),
        "high_share_gross": float(gross[high].sum() / gross.sum()),
        "high_customer_share": float(high.mean()),
        "mix": _mix(lines),
        "mix_lines": _mix(lines, values=False),
        "mix_columns": _mix(lines, normalize="columns"),
        "outcomes": outcomes,
        "outcomes_wider": wider,
        "gross_sales_after": gross_sales,
        "line_count_after": line_count,
        "any_order_after": any_order,
        "uplift": sales,
        "uplift_orders": uplift(outcomes["orders_after"], group),
        "uplift_cuped": uplift(outcomes["sales_after"], group, covariate=outcomes["sales_before"]),
        "uplift_swapped": uplift(outcomes["sales_after"], group, treatment="control", control="treatment"),
        "before_after": [float(treat["sales_after"].mean() / treat["sales_before"].mean() - 1),
                         float(treat["sales_after"].mean() / (treat["sales_before"].mean() * window / 180) - 1)],
        "claimed_uplift": claim,
        "supported": bool(sales["relative_ci_low"] > 0
                          and sales["relative_ci_low"] <= claim <= sales["relative_ci_high"]),
    }


EXERCISE = ExerciseSet(
    "05_retail",
    defaults={"data_dir": "../datasets", "size": 0, "seed": 42, "campaign_effect": 0.15, "window_days": 60,
              "claimed_uplift": 0.15},
    load=load,
)
q = EXERCISE.check


# --- reading answers -------------------------------------------------------------------------------

def _numbers(series: pd.Series, index) -> pd.Series:
    return pd.to_numeric(series.rename(index=str), errors="coerce").reindex(list(index))


def _close(mine: pd.Series, expected: pd.Series, tol: float) -> bool:
    if len(expected) == 0:
        return False
    values = _numbers(mine, expected.index).to_numpy(float)
    return bool(np.allclose(values, expected.to_numpy(float), atol=tol, rtol=0))


# --- q5_1 value4 tier sizes ------------------------------------------------------------------------

def _sizes_answer(answer) -> pd.Series:
    return _numbers(_series(answer, ("customers", "count")), VALUE4).fillna(0)


@q("q5_1", hint="ck.assign_tiers(rfm, 'value4')['tier'].value_counts(): a Series tier → customers")
def _sizes_series(answer, ctx):
    mine = _series(answer, ("customers", "count"))
    if mine is None:
        return f"the tier sizes should be a pandas Series (tier → customers), not {type(answer).__name__}"
    unknown = sorted(set(map(str, mine.index)) - set(VALUE4))
    if unknown:
        return f"{unknown[0]!r} is not a tier of the value4 scheme (its tiers are {VALUE4})"
    if not pd.api.types.is_numeric_dtype(mine):
        return f"the tier sizes should be numbers of customers, they are {mine.dtype}"
    return None


@q("q5_1", hint="one tier per customer: tier the RFM table (one row per customer), not the order lines")
def _sizes_count_customers(answer, ctx):
    total = float(_sizes_answer(answer).sum())
    if math.isclose(total, 1.0, abs_tol=1e-3):
        return "the tier sizes add up to 1: give numbers of customers, not shares"
    if total == ctx["n_lines"]:
        return f"your tiers add up to {total:g}: that counts order lines; count customers (one row each)"
    if total != ctx["n_customers"]:
        return (f"your tiers add up to {total:g} customers, but {ctx['n_customers']} customers bought: "
                f"every customer has one tier")
    return None


@q("q5_1", hint="frequency counts orders: ck.rfm_table(tx, order_col='order_id')")
def _sizes_orders_not_lines(answer, ctx):
    mine = _sizes_answer(answer)
    if _close(mine, ctx["tier_sizes_lines"], 0) and not _close(mine, ctx["tier_sizes"], 0):
        return ("frequency counts orders, not order lines: an order has several lines (products) — pass "
                "order_col='order_id' to rfm_table")
    return None


@q("q5_1", hint="the high-value tier of value4: high R, F and M scores")
def _high_value_size(answer, ctx):
    return compare_number(float(_sizes_answer(answer)["high-value"]), float(ctx["tier_sizes"]["high-value"]),
                          what="the number of high-value customers", rel=0, abs_tol=0)


@q("q5_1", hidden=True, hint="RFM as of the day after the last order, 5 levels, then the value4 scheme")
def _every_tier_size(answer, ctx):
    mine, expected = _sizes_answer(answer), ctx["tier_sizes"]
    for tier in VALUE4:
        if mine[tier] != expected[tier]:
            return f"tier {tier!r} has the wrong number of customers (you have {mine[tier]:g})"
    return None


# --- q5_2 high-value share of net sales -------------------------------------------------------------

@q("q5_2", hint="sum of the high-value customers' monetary / sum of everyone's monetary (a fraction)")
def _share_of_sales(answer, ctx):
    mine = as_number(answer)
    if not _is_number(mine):
        return f"the share should be a single number, not {type(answer).__name__}"
    value = float(mine)
    if math.isclose(value / 100, ctx["high_share"], abs_tol=SHARE_TOL):
        return f"the share should be a fraction between 0 and 1, not a percentage (you have {value:g})"
    if math.isclose(value, ctx["high_customer_share"], abs_tol=1e-9) and \
            not math.isclose(value, ctx["high_share"], abs_tol=SHARE_TOL):
        return ("that is the high-value share of customers: the question asks for their share of net sales "
                "(monetary)")
    if math.isclose(value, ctx["high_share_gross"], abs_tol=1e-6) and \
            not math.isclose(value, ctx["high_share"], abs_tol=EXACT_TOL):
        return "use net sales (returns included, as monetary is), not gross purchases"
    return compare_number(value, ctx["high_share"], what="the high-value share of net sales", rel=0,
                          abs_tol=SHARE_TOL, percent_hint=True)


@q("q5_2", hidden=True, hint="do not round before the end: 4 decimals at least")
def _share_precise(answer, ctx):
    return compare_number(float(as_number(answer)), ctx["high_share"], what="the high-value share of net sales",
                          rel=0, abs_tol=EXACT_TOL)


# --- q5_3 channel mix of the high-value tier --------------------------------------------------------

def _mix_answer(answer) -> pd.Series | None:
    if isinstance(answer, pd.DataFrame) and "high-value" in map(str, answer.index):
        answer = answer.rename(index=str).loc["high-value"]
    return _series(answer)


@q("q5_3", hint="pd.crosstab(lines['tier'], lines['channel'], values=lines['amount'], aggfunc='sum', "
                 "normalize='index').loc['high-value']")
def _mix_is_series(answer, ctx):
    mine = _mix_answer(answer)
    if mine is None:
        return f"the channel mix should be a Series (channel → share), not {type(answer).__name__}"
    channels = set(map(str, ctx["mix"].index))
    unknown = sorted(set(map(str, mine.index)) - channels)
    if unknown:
        return f"{unknown[0]!r} is not a channel (the channels are {sorted(channels)})"
    missing = sorted(channels - set(map(str, mine.index)))
    if missing:
        return f"channel {missing[0]!r} is missing: one share per channel"
    return None


@q("q5_3", hint="shares of the tier's own net sales: they add up to 1 across the channels")
def _mix_shares(answer, ctx):
    mine = _numbers(_mix_answer(answer), ctx["mix"].index)
    if _close(mine / 100, ctx["mix"], SHARE_TOL):
        return "the shares should be fractions between 0 and 1, not percentages"
    if _close(mine, ctx["mix_columns"], SHARE_TOL):
        return ("you divided by each channel's total (the tier's share of the channel): the mix is the share "
                "of the tier's own sales per channel — normalize by row (normalize='index')")
    if not math.isclose(float(mine.sum()), 1.0, abs_tol=2e-3):
        return (f"your shares add up to {float(mine.sum()):.3g}: each is a share of the tier's net sales, so "
                f"they add up to 1")
    if _close(mine, ctx["mix_lines"], SHARE_TOL) and not _close(mine, ctx["mix"], SHARE_TOL):
        return ("you counted order lines: weigh each line by its amount (values=lines['amount'], "
                "aggfunc='sum')")
    return None


@q("q5_3", hint="only the high-value customers' lines; net amounts (returns included)")
def _mix_store(answer, ctx):
    mine, expected = _numbers(_mix_answer(answer), ctx["mix"].index), ctx["mix"]
    channel = expected.idxmax()
    return compare_number(float(mine[channel]), float(expected[channel]),
                          what=f"the {channel} share of the high-value tier", rel=0, abs_tol=SHARE_TOL)


@q("q5_3", hidden=True, hint="every channel's share of the high-value tier's net sales")
def _mix_every_channel(answer, ctx):
    mine, expected = _numbers(_mix_answer(answer), ctx["mix"].index), ctx["mix"]
    for channel in expected.index:
        problem = compare_number(float(mine[channel]), float(expected[channel]),
                                 what=f"the {channel} share", rel=0, abs_tol=SHARE_TOL)
        if problem:
            return problem
    return None


# --- q5_4 campaign outcomes ---------------------------------------------------------------------------

OUTCOME_COLUMNS = ["group", "orders_after", "sales_after"]


def _outcomes(answer) -> pd.DataFrame | None:
    frame = as_frame(answer)
    return None if frame is None else frame.rename(index=str)


@q("q5_4", hint="campaign_outcomes(tx, campaign, window_days=window_days): one row per campaign customer")
def _outcomes_rows(answer, ctx):
    frame = _outcomes(answer)
    if frame is None:
        return f"the outcomes should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in OUTCOME_COLUMNS if c not in frame.columns]
    if missing:
        return (f"your table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"it needs {OUTCOME_COLUMNS}")
    expected = ctx["outcomes"]
    lacking = expected.index.difference(frame.index)
    if len(lacking):
        if (expected.loc[lacking, "orders_after"] == 0).all():
            return (f"your table lacks {len(lacking)} campaign customers who bought nothing in the window, "
                    f"e.g. {lacking[0]}: they need a row with 0 orders and 0 sales — leaving them out inflates "
                    f"both groups' means")
        return f"your table lacks {len(lacking)} of the {len(expected)} campaign customers, e.g. {lacking[0]}"
    extra = frame.index.difference(expected.index)
    if len(extra):
        return (f"customer {extra[0]} was not in the campaign: keep only the customers of the campaign table "
                f"({len(extra)} row{'s' if len(extra) != 1 else ''} too many)")
    if frame.index.has_duplicates:
        return f"customer {frame.index[frame.index.duplicated()][0]} has more than one row"
    groups = frame.loc[expected.index, "group"].astype(str)
    wrong = groups != expected["group"].astype(str)
    if wrong.any():
        return (f"the group differs for {int(wrong.sum())} customers, e.g. {wrong[wrong].index[0]}: take it from "
                f"the campaign table")
    return None


@q("q5_4", hint="orders_after counts distinct orders with a positive net amount in "
                 "send_date <= order_date < send_date + window_days")
def _outcomes_orders(answer, ctx):
    expected = ctx["outcomes"]
    mine = pd.to_numeric(_outcomes(answer).loc[expected.index, "orders_after"], errors="coerce")
    wrong = mine != expected["orders_after"]
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if (mine == ctx["line_count_after"]).all():
        return (f"orders_after counts orders, not lines: customer {who} has "
                f"{int(expected.at[who, 'orders_after'])} orders on {int(ctx['line_count_after'][who])} lines, "
                f"you have {mine[who]:g}")
    if (mine == ctx["any_order_after"]).all():
        return (f"a return (a negative order) is not a purchase: customer {who}'s returns are counted as "
                f"orders in your table")
    if (mine == ctx["outcomes_wider"]["orders_after"]).all():
        return (f"your window is one day too long: it covers send_date up to but not including "
                f"send_date + window_days (customer {who})")
    return f"orders_after differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g}"


@q("q5_4", hint="sales_after is the net amount in the window: returns reduce it")
def _outcomes_sales(answer, ctx):
    expected = ctx["outcomes"]
    mine = pd.to_numeric(_outcomes(answer).loc[expected.index, "sales_after"], errors="coerce")
    wrong = ~((mine - expected["sales_after"]).abs() < 0.006)
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if ((mine - ctx["gross_sales_after"]).abs() < 0.006).all():
        return (f"sales_after should be net of returns: customer {who} returned goods in the window, you have "
                f"the gross {mine[who]:.2f}")
    if ((mine - ctx["outcomes_wider"]["sales_after"]).abs() < 0.006).all():
        return "your window is one day too long: it ends the day before send_date + window_days"
    return f"sales_after differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.2f}"


@q("q5_4", hidden=True, hint="the window is counted from each customer's own send_date")
def _outcomes_whole_table(answer, ctx):
    expected = ctx["outcomes"]
    problem = compare_table(_outcomes(answer), expected, what="your outcomes table",
                            columns=["orders_after", "sales_after"], rel=1e-6)
    if problem:
        return problem
    return None


# --- q5_5 the claim ----------------------------------------------------------------------------------

CLAIM_KEYS = ("uplift", "ci_low", "ci_high", "supported")


def _claim(answer) -> dict:
    return from_uplift_result(_as_dict(answer))


@q("q5_5", hint="claim = {'uplift': ..., 'ci_low': ..., 'ci_high': ..., 'supported': True or False}")
def _claim_keys(answer, ctx):
    found = _claim(answer)
    if found is None:
        return f"the answer should be a dict with the keys {list(CLAIM_KEYS)}, not {type(answer).__name__}"
    missing = [k for k in CLAIM_KEYS if k not in found]
    if missing:
        return f"your answer has no key {missing[0]!r}; it needs {list(CLAIM_KEYS)}"
    for key in CLAIM_KEYS[:3]:
        if not _is_number(found[key]) or math.isnan(float(found[key])):
            return f"{key} should be a number, you have {found[key]!r}"
    if _truth(found["supported"]) is None:
        return f"supported should be True or False, you have {found['supported']!r}"
    return None


@q("q5_5", hint="uplift = mean sales_after of the treatment group / mean of the control group − 1 "
                 "(strategy.uplift without a covariate)")
def _claim_uplift(answer, ctx):
    mine = float(_claim(answer)["uplift"])
    exp = ctx["uplift"]

    def near(value, tol=UPLIFT_TOL):
        return math.isclose(mine, value, abs_tol=tol)

    if near(exp["relative_uplift"]):
        return None
    if near(100 * exp["relative_uplift"], 0.06):
        return "give the uplift as a fraction (0.15 = +15%), not a percentage"
    if near(ctx["uplift_swapped"]["relative_uplift"]):
        return "you divided the wrong way round: treatment mean / control mean − 1"
    if near(exp["difference"], 0.006):
        return "that is the difference in yuan: the claim is relative, mean(treatment) / mean(control) − 1"
    if any(near(v) for v in ctx["before_after"]):
        return ("you compared the treatment group with its own past: without the control group, seasons, "
                "trends and habits count as campaign effect. Compare treatment with control in the same window")
    if near(ctx["uplift_orders"]["relative_uplift"]):
        return "that is the uplift in orders: the claim is about sales (sales_after)"
    if near(ctx["uplift_cuped"]["relative_uplift"]):
        return "that is the CUPED estimate: the question asks for the plain one (no covariate)"
    return compare_number(mine, exp["relative_uplift"], what="the relative uplift in sales", rel=0,
                          abs_tol=UPLIFT_TOL)


@q("q5_5", hint="95% interval = uplift ± 1.96 × its standard error: strategy.uplift gives relative_ci_low and "
                 "relative_ci_high")
def _claim_interval(answer, ctx):
    found = _claim(answer)
    low, high, est = float(found["ci_low"]), float(found["ci_high"]), float(found["uplift"])
    exp = ctx["uplift"]
    if math.isclose(low, exp["ci_low"], abs_tol=0.006) and math.isclose(high, exp["ci_high"], abs_tol=0.006):
        return ("your interval is the one of the difference in yuan (ci_low/ci_high): give the interval of the "
                "relative uplift (relative_ci_low, relative_ci_high)")
    if low > high:
        return "ci_low is above ci_high: swap them"
    if not low <= est <= high:
        return "your interval does not contain your uplift: it should be uplift ± 1.96 × se"
    width, exp_width = high - low, exp["relative_ci_high"] - exp["relative_ci_low"]
    if math.isclose(width, 2 * exp["relative_se"], rel_tol=0.02):
        return "your interval is ±1 standard error (about 68%): a 95% interval is ±1.96 standard errors"
    cuped = ctx["uplift_cuped"]
    if math.isclose(low, cuped["relative_ci_low"], abs_tol=UPLIFT_TOL) and \
            math.isclose(high, cuped["relative_ci_high"], abs_tol=UPLIFT_TOL):
        return "that is the CUPED interval: give the plain one, to go with the plain estimate"
    if not math.isclose(width, exp_width, rel_tol=0.02, abs_tol=2 * UPLIFT_TOL):
        side = "wide" if width > exp_width else "narrow"
        return f"your interval is too {side} (width {width:.3f}): use 1.96 × the delta-method standard error"
    return None


@q("q5_5", hint="supported = the interval excludes 0 (an effect is shown) and contains the claimed uplift")
def _claim_verdict(answer, ctx):
    found = _claim(answer)
    said, low, high = _truth(found["supported"]), float(found["ci_low"]), float(found["ci_high"])
    claim = ctx["claimed_uplift"]
    shown = low > 0 or high < 0
    if said and not shown:
        return ("supported is True, but your interval includes 0: the data cannot tell the claim from no effect "
                "at all — containing the claimed value is not enough")
    if said and not low <= claim <= high:
        return f"supported is True, but the claimed {claim:+.0%} lies outside your interval"
    if said and high < 0:
        return "supported is True, but your interval lies below 0: the campaign lowered sales"
    if not said and low > 0 and low <= claim <= high:
        return (f"supported is False, but your interval excludes 0 and contains the claimed {claim:+.0%}: "
                f"the data are consistent with the claim")
    return None


@q("q5_5", hidden=True, hint="strategy.uplift(outcomes['sales_after'], outcomes['group'])")
def _claim_exact(answer, ctx):
    found, exp = _claim(answer), ctx["uplift"]
    for key, target in (("ci_low", exp["relative_ci_low"]), ("ci_high", exp["relative_ci_high"])):
        problem = compare_number(float(found[key]), target, what=key, rel=0, abs_tol=UPLIFT_TOL)
        if problem:
            return problem
    if _truth(found["supported"]) != ctx["supported"]:
        return "supported does not match the interval and the claim"
    return None
