"""Exercise 07_clv — probabilistic CLV with BG/NBD and Gamma-Gamma (advanced track, lesson 10).

Questions
---------
q7_1  (2 points, DataFrame) the BTYD summary per customer — ``frequency``, ``recency``, ``T`` in
      weeks — as of ``calibration_end``
q7_2  (2 points, dict)      the BG/NBD parameters ``r``, ``alpha``, ``a``, ``b`` fitted to that summary
q7_3  (2 points, Series)    every customer's P(alive) at ``calibration_end``
q7_4  (2 points, dict)      the holdout check: total repeat purchases the model predicts for the
      holdout period (``predicted``) and the total that actually happened (``actual``)
q7_5  (3 points, dict)      decisions as of ``holdout_end``: the customer with the highest predicted
      CLV (``top_customer``, ``top_clv``) and the churn-warning call list (``call_list``), plus a
      written justification

Definitions (the same as in lesson 10 and :mod:`coursekit.clv`)
---------------------------------------------------------------
- **Data**: ``dataset = "retail"`` — the shop's transactions (the shipped file when ``size`` is 0,
  else ``size`` customers generated afresh with ``seed``); ``dataset = "cdnow"`` — the CDNOW sample
  (real data; ``size`` and ``seed`` are not used). Empty ``calibration_end`` / ``holdout_end``
  mean 2024-06-30 / 2024-12-31 for retail and 1997-09-30 / 1998-06-30 for CDNOW.
- **BTYD summary** (:func:`coursekit.clv.summary_from_transactions`, ``time_unit="W"``): a purchase
  is a calendar day with a positive or zero amount (returns are not purchases); ``frequency`` =
  purchase days after the first, ``recency`` = weeks from the first to the last purchase day,
  ``T`` = weeks from the first purchase day to ``calibration_end``; purchases up to
  ``calibration_end`` (inclusive); every customer who bought by then has a row.
- **BG/NBD** (:func:`coursekit.clv.fit_bg_nbd`) on that summary; **P(alive)** its
  :meth:`~coursekit.clv.BGNBDModel.p_alive`.
- **Holdout** (:func:`coursekit.clv.calibration_holdout`): the customers of the calibration summary;
  ``actual`` = their purchase days after ``calibration_end`` up to ``holdout_end``; ``predicted`` =
  the sum over them of E[Y(t) | x, t_x, T] with t = the holdout length in weeks.
- **Decisions** as of ``holdout_end`` (all the data): :func:`coursekit.clv.predicted_value` with
  ``as_of=holdout_end``, ``horizon_months`` and ``monthly_discount_rate`` (revenue: margin 1);
  current value = net spend up to ``holdout_end`` (``monetary`` of :func:`coursekit.rfm_table`);
  the **call list** = customers whose current value is at least the median and whose P(alive) is
  below ``churn_p_alive``, as a list of customer ids.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit._errors import CoursekitWarning
from coursekit.clv import (
    BGNBDModel,
    calibration_holdout,
    fit_bg_nbd,
    predicted_value,
    summary_from_transactions,
)
from coursekit.datasets import load_cdnow
from coursekit.grading.answers import as_dict as _as_dict
from coursekit.grading.answers import as_frame
from coursekit.grading.answers import is_number as _is_number
from coursekit.grading.core import ExerciseSet, compare_number, compare_table
from coursekit.grading.sets import _common
from coursekit.grading.source import ROOT

PERIODS = {"retail": ("2024-06-30", "2024-12-31"), "cdnow": ("1997-09-30", "1998-06-30")}
SUMMARY_COLUMNS = ["frequency", "recency", "T"]
PARAMS = ["r", "alpha", "a", "b"]
ROUNDED = 6e-3       # summary values rounded to 2 decimals pass the public checks
P_ALIVE_TOL = 6e-4   # P(alive) rounded to 3 decimals passes the public checks
EXACT = 1e-6         # ... the hidden checks want the unrounded values


# --- data and expected results --------------------------------------------------------------------

def transactions(params: dict) -> pd.DataFrame:
    """The transactions of ``params["dataset"]``: retail (shipped or generated) or the CDNOW sample."""
    dataset = params["dataset"]
    if dataset not in PERIODS:
        raise ValueError(f"dataset must be one of {sorted(PERIODS)}, got {dataset!r}")
    data_dir = params.get("data_dir") or None
    if dataset == "cdnow":
        folder = Path(data_dir) if data_dir else ROOT / "datasets"
        return load_cdnow(folder / "cdnow" / "CDNOW_sample.txt").data
    return _common.transactions({**params, "case": "retail"})


def periods(params: dict) -> tuple[str, str]:
    """``(calibration_end, holdout_end)``: the parameters, or the dataset's defaults when empty."""
    default = PERIODS[params["dataset"]]
    return str(params["calibration_end"] or default[0]), str(params["holdout_end"] or default[1])


def load(params: dict) -> dict:
    """The transactions and every expected result, from the parameters alone."""
    tx = transactions(params)
    cal, hold = periods(params)
    order_col = "order_id" if "order_id" in tx.columns else None
    with warnings.catch_warnings():  # returns are left out of BTYD purchases
        warnings.simplefilter("ignore", CoursekitWarning)
        summary = summary_from_transactions(tx, observation_end=cal)
        everything = summary_from_transactions(tx, observation_end=hold)
        with_returns = summary_from_transactions(tx, observation_end=cal, amount_col=None)
        data = calibration_holdout(tx, calibration_end=cal, holdout_end=hold)
        future = predicted_value(tx, as_of=hold, horizon_months=int(params["horizon_months"]),
                                 monthly_discount_rate=params["monthly_discount_rate"])
    orders = _common.rfm(tx[tx["order_date"] <= cal], as_of=cal, order_col=order_col,
                         duplicates="keep")["frequency"]
    now = _common.rfm(tx[tx["order_date"] <= hold], as_of=hold, order_col=order_col,
                      duplicates="keep")[["monetary"]].join(future, how="inner")
    bg = fit_bg_nbd(summary)
    bg_all = fit_bg_nbd(everything)
    length = float(data["holdout_length"].iloc[0])
    predicted = bg.expected_purchases(data, length)

    purchases = tx[tx["amount"] >= 0]
    later = purchases[(purchases["order_date"] > cal) & (purchases["order_date"] <= hold)]
    known = later[later["customer_id"].isin(summary.index)]
    lines = known.groupby("customer_id").size()
    cal_lines = purchases[purchases["order_date"] <= cal].groupby("customer_id").size()

    high = now["monetary"] >= now["monetary"].median()
    threshold = float(params["churn_p_alive"])
    top = now["predicted_clv"].idxmax()
    return {
        "data": {"transactions": tx},
        "calibration_end": cal,
        "holdout_end": hold,
        # q7_1
        "summary": summary[SUMMARY_COLUMNS],
        "orders": orders,
        "with_returns": with_returns[SUMMARY_COLUMNS],
        "cal_lines": cal_lines,
        # q7_2
        "bg": bg,
        "params": dict(bg.params),
        "params_all": dict(bg_all.params),
        # q7_3
        "p_alive": bg.p_alive(summary),
        # q7_4
        "holdout_weeks": length,
        "predicted": float(predicted.sum()),
        "predicted_year": float(bg.expected_purchases(data, 52.0).sum()),
        "predicted_days": float(bg.expected_purchases(data, length * 7).sum()),
        "actual": int(data["holdout_purchases"].sum()),
        "actual_lines": int(len(known)),
        "actual_orders": int(known["order_id"].nunique()) if order_col else int(len(known)),
        "actual_everyone": int(later.drop_duplicates(["customer_id", "order_date"]).shape[0]),
        # q7_5
        "now": now,
        "top_customer": str(top),
        "top_by_spend": str(now["monetary"].idxmax()),
        "top_clv": float(now.at[top, "predicted_clv"]),
        "top_clv_undiscounted": float(now.at[top, "expected_spend"] * now.at[top, "expected_purchases"]),
        "top_clv_with_past": float(now.at[top, "predicted_clv"] + now.at[top, "monetary"]),
        "call_list": sorted(map(str, now.index[high & (now["p_alive"] < threshold)])),
        "churn_p_alive": threshold,
    }


EXERCISE = ExerciseSet(
    "07_clv",
    defaults={"dataset": "retail", "data_dir": "../datasets", "size": 0, "seed": 42, "calibration_end": "",
              "holdout_end": "", "horizon_months": 12, "monthly_discount_rate": 0.01, "churn_p_alive": 0.5},
    load=load,
)
q = EXERCISE.check


# --- reading answers -------------------------------------------------------------------------------

def _frame(answer) -> pd.DataFrame | None:
    frame = as_frame(answer)
    return None if frame is None else frame.rename(index=str)


def _column(answer, column: str, index) -> pd.Series:
    return pd.to_numeric(_frame(answer)[column], errors="coerce").reindex(index)


def _matches(mine: pd.Series, other: pd.Series, wrong: pd.Series, tol: float) -> bool:
    """Whether the trainee's wrong values all equal ``other`` (a mistaken variant) there."""
    other = pd.to_numeric(other, errors="coerce").reindex(mine.index)
    return bool(np.allclose(mine[wrong].to_numpy(float), other[wrong].to_numpy(float), rtol=0, atol=tol,
                            equal_nan=False)) if wrong.any() else False


# --- q7_1 the BTYD summary -------------------------------------------------------------------------

@q("q7_1", hint="clv.summary_from_transactions(tx, observation_end=calibration_end): one row per "
                 "customer who bought by calibration_end, indexed by customer_id")
def _summary_rows(answer, ctx):
    frame, expected = _frame(answer), ctx["summary"]
    if frame is None:
        return f"the summary should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in SUMMARY_COLUMNS if c not in frame.columns]
    if missing:
        return (f"your summary has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"it needs {SUMMARY_COLUMNS} — write summary['T'], since summary.T is the transpose")
    extra = frame.index.difference(expected.index)
    if len(extra):
        return (f"your summary has {len(extra)} customers too many, e.g. {extra[0]}: only customers whose "
                f"first purchase is on or before calibration_end ({ctx['calibration_end']}) belong in it")
    lacking = expected.index.difference(frame.index)
    if len(lacking):
        return (f"your summary lacks {len(lacking)} of the {len(expected)} customers, e.g. {lacking[0]}: "
                f"every customer with a purchase up to calibration_end needs a row (one-time buyers too)")
    if frame.index.has_duplicates:
        return f"customer {frame.index[frame.index.duplicated()][0]} has more than one row"
    return None


@q("q7_1", hint="BTYD frequency = repeat purchases = distinct purchase days after the first one "
                 "(not the number of orders, not the number of lines)")
def _summary_frequency(answer, ctx):
    expected = ctx["summary"]
    mine = _column(answer, "frequency", expected.index)
    wrong = ~np.isclose(mine.to_numpy(float), expected["frequency"].to_numpy(float), rtol=0, atol=1e-9)
    wrong = pd.Series(wrong, index=expected.index)
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if _matches(mine, ctx["orders"], wrong, 1e-9):
        return (f"that is RFM frequency (the number of orders): BTYD frequency counts *repeat* purchases, so a "
                f"one-time buyer has 0 — customer {who}: you have {mine[who]:g}")
    if _matches(mine, ctx["orders"] - 1, wrong, 1e-9):
        return (f"a purchase is a calendar day: two orders on one day count once — customer {who} ordered "
                f"twice on a day, you have {mine[who]:g}")
    if _matches(mine, ctx["cal_lines"], wrong, 1e-9) or _matches(mine, ctx["cal_lines"] - 1, wrong, 1e-9):
        return (f"frequency counts purchase days, not order lines: customer {who} has several lines per "
                f"order, you have {mine[who]:g}")
    if _matches(mine, ctx["with_returns"]["frequency"], wrong, 1e-9):
        return (f"a return (negative amount) is not a purchase: leave return rows out — customer {who}'s "
                f"returns count as purchases in your table")
    return f"frequency differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g}"


@q("q7_1", hint="recency = the customer's age at the last purchase: weeks from the first to the last "
                 "purchase day (days / 7); 0 for a one-time buyer")
def _summary_recency(answer, ctx):
    expected = ctx["summary"]
    mine = _column(answer, "recency", expected.index)
    wrong = pd.Series(~np.isclose(mine.to_numpy(float), expected["recency"].to_numpy(float), rtol=0,
                                  atol=ROUNDED), index=expected.index)
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if _matches(mine, expected["recency"] * 7, wrong, 7 * ROUNDED):
        return f"recency is in days: give it in weeks (days / 7) — customer {who}: you have {mine[who]:g}"
    since_last = expected["T"] - expected["recency"]
    if _matches(mine, since_last, wrong, ROUNDED) or _matches(mine, since_last * 7, wrong, 7 * ROUNDED):
        return (f"that is time since the last purchase (RFM recency): BTYD recency is measured from the "
                f"*first* purchase to the last — customer {who}: you have {mine[who]:g}")
    if _matches(mine, ctx["with_returns"]["recency"], wrong, ROUNDED):
        return f"a return is not a purchase: customer {who}'s last purchase day is not a return day"
    return f"recency differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g}"


@q("q7_1", hint="T = the customer's age at calibration_end: weeks from the first purchase day to "
                 "calibration_end")
def _summary_T(answer, ctx):
    expected = ctx["summary"]
    mine = _column(answer, "T", expected.index)
    wrong = pd.Series(~np.isclose(mine.to_numpy(float), expected["T"].to_numpy(float), rtol=0, atol=ROUNDED),
                      index=expected.index)
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if _matches(mine, expected["T"] * 7, wrong, 7 * ROUNDED):
        return f"T is in days: give it in weeks (days / 7) — customer {who}: you have {mine[who]:g}"
    diff = (mine - expected["T"])[wrong]
    if np.allclose(diff, diff.iloc[0], atol=ROUNDED):
        return (f"T is off by the same {diff.iloc[0]:+.3g} weeks for {int(wrong.sum())} customers: measure it "
                f"from the first purchase to calibration_end = {ctx['calibration_end']} (inclusive), not to "
                f"another date")
    return f"T differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g}"


@q("q7_1", hidden=True, hint="do not round: the summary's recency and T are exact numbers of weeks")
def _summary_exact(answer, ctx):
    return compare_table(_frame(answer), ctx["summary"], what="your summary", columns=SUMMARY_COLUMNS, rel=EXACT)


# --- q7_2 BG/NBD parameters ------------------------------------------------------------------------

def _params(answer) -> dict | None:
    found = _as_dict(answer)
    if found is None or set(found) != set(PARAMS) or not all(_is_number(found[k]) for k in PARAMS):
        return None
    return {k: float(found[k]) for k in PARAMS}


def _close_params(mine: dict, expected: dict, *, rel: float, floor: float = 0.0) -> list[str]:
    return [k for k in PARAMS if abs(mine[k] - expected[k]) > max(rel * abs(expected[k]), floor)]


@q("q7_2", hint="bg = clv.fit_bg_nbd(summary); bg.params is a dict with r, alpha, a, b")
def _params_dict(answer, ctx):
    found = _as_dict(answer)
    if found is None:
        return (f"the parameters should be a dict {{'r': ..., 'alpha': ..., 'a': ..., 'b': ...}}, "
                f"not {type(answer).__name__}")
    if set(found) != set(PARAMS):
        return f"the parameters should have exactly the keys {PARAMS}; you have {sorted(found)}"
    bad = [k for k in PARAMS if not _is_number(found[k]) or not math.isfinite(float(found[k]))]
    if bad:
        return f"parameter {bad[0]} should be a number, you have {found[bad[0]]!r}"
    return None


@q("q7_2", hint="fit the model to the calibration summary of Q7.1 (weeks), not to all the data")
def _params_right_data(answer, ctx):
    mine, expected = _params(answer), ctx["params"]
    if not _close_params(mine, expected, rel=1e-3, floor=6e-4):
        return None
    if math.isclose(mine["alpha"], 7 * expected["alpha"], rel_tol=1e-2) and \
            not math.isclose(mine["alpha"], expected["alpha"], rel_tol=1e-2):
        return "alpha is about 7 times too large: the summary was in days; use weeks (time_unit='W')"
    if not _close_params(mine, ctx["params_all"], rel=1e-3, floor=6e-4):
        return ("these are the parameters of all the data up to holdout_end: fit on the calibration period "
                "only (up to calibration_end), or the holdout check of Q7.4 is not a test")
    return None


@q("q7_2", hint="the maximum-likelihood values of clv.fit_bg_nbd; keep 3 decimals at least")
def _params_values(answer, ctx):
    mine, expected = _params(answer), ctx["params"]
    off = _close_params(mine, expected, rel=1e-3, floor=6e-4)
    if not off:
        return None
    k = off[0]
    side = "high" if mine[k] > expected[k] else "low"
    return f"{k} is too {side} (you have {mine[k]:.4g}); {len(off)} of the 4 parameters are off"


@q("q7_2", hidden=True, hint="give the fitted values unrounded (bg.params)")
def _params_exact(answer, ctx):
    mine, expected = _params(answer), ctx["params"]
    off = _close_params(mine, expected, rel=1e-5)
    if off:
        ll = float(BGNBDModel(mine).customer_log_likelihood(ctx["summary"]).sum())
        return (f"{off[0]} is not the maximum-likelihood value to 5 significant digits (rounded?); the "
                f"log-likelihood at your parameters is {ll:.2f}")
    return None


# --- q7_3 P(alive) ---------------------------------------------------------------------------------

def _p_series(answer) -> pd.Series | None:
    if isinstance(answer, pd.DataFrame):
        frame = _frame(answer)
        if "p_alive" in frame.columns:
            return frame["p_alive"]
        if frame.shape[1] == 1:
            return frame.iloc[:, 0]
        return None
    if isinstance(answer, pd.Series):
        return answer.rename(index=str)
    return None


@q("q7_3", hint="bg.p_alive(summary): a Series indexed by customer_id")
def _p_alive_series(answer, ctx):
    mine, expected = _p_series(answer), ctx["p_alive"]
    if mine is None:
        return f"P(alive) should be a pandas Series (customer_id → probability), not {type(answer).__name__}"
    lacking = expected.index.difference(mine.index)
    if len(lacking):
        return (f"your Series lacks {len(lacking)} of the {len(expected)} customers of the summary, "
                f"e.g. {lacking[0]}")
    extra = mine.index.difference(expected.index)
    if len(extra):
        return f"your Series has {len(extra)} customers who are not in the calibration summary, e.g. {extra[0]}"
    values = pd.to_numeric(mine, errors="coerce")
    if values.isna().any() or ((values < 0) | (values > 1)).any():
        if (values > 1).any() and (values <= 100).all():
            return "P(alive) should be a probability between 0 and 1, not a percentage"
        return "P(alive) is a probability: every value must be a number between 0 and 1"
    return None


@q("q7_3", hint="BG/NBD lets a customer drop out only after a repeat purchase, so P(alive) = 1 for "
                 "frequency 0")
def _p_alive_values(answer, ctx):
    expected = ctx["p_alive"]
    mine = pd.to_numeric(_p_series(answer), errors="coerce").reindex(expected.index)
    wrong = (mine - expected).abs() > P_ALIVE_TOL
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if ((mine - (1 - expected)).abs() <= P_ALIVE_TOL).all():
        return "that is the probability of having dropped out (1 − P(alive)): give the probability of being alive"
    once = ctx["summary"]["frequency"] == 0
    if (wrong & once).any():
        first = (wrong & once)[wrong & once].index[0]
        return (f"customer {first} bought only once: BG/NBD gives a one-time buyer P(alive) = 1, you have "
                f"{mine[first]:.3g}")
    return f"P(alive) differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.3g}"


@q("q7_3", hidden=True, hint="use the model of Q7.2 on the summary of Q7.1, unrounded")
def _p_alive_exact(answer, ctx):
    expected = ctx["p_alive"]
    mine = pd.to_numeric(_p_series(answer), errors="coerce").reindex(expected.index)
    wrong = ~np.isclose(mine.to_numpy(float), expected.to_numpy(float), rtol=EXACT, atol=1e-9)
    if wrong.any():
        who = expected.index[wrong][0]
        return f"P(alive) differs in the 4th decimal or beyond for {int(wrong.sum())} customers, e.g. {who}"
    return None


# --- q7_4 holdout totals ---------------------------------------------------------------------------

@q("q7_4", hint="a dict {'predicted': ..., 'actual': ...}: two numbers")
def _holdout_dict(answer, ctx):
    found = _as_dict(answer)
    if found is None:
        return f"the answer should be a dict {{'predicted': ..., 'actual': ...}}, not {type(answer).__name__}"
    if set(found) != {"predicted", "actual"}:
        return f"the dict should have exactly the keys ['actual', 'predicted']; you have {sorted(found)}"
    for key in ("predicted", "actual"):
        if not _is_number(found[key]):
            return f"{key} should be a number, you have {found[key]!r}"
    return None


@q("q7_4", hint="actual = purchase days after calibration_end up to holdout_end of the calibration "
                 "customers: data['holdout_purchases'].sum() of clv.calibration_holdout")
def _holdout_actual(answer, ctx):
    mine = float(_as_dict(answer)["actual"])
    if mine == ctx["actual"]:
        return None
    if mine == ctx["actual_everyone"] and ctx["actual_everyone"] != ctx["actual"]:
        return ("you counted the purchases of customers who first bought in the holdout period too: the model "
                "predicts only the customers of the calibration summary")
    if mine == ctx["actual_lines"] and ctx["actual_lines"] != ctx["actual"]:
        return ("you counted transaction lines: count purchase days (all of a customer's lines of one day "
                "are one purchase)")
    if mine == ctx["actual_orders"] and ctx["actual_orders"] != ctx["actual"]:
        return "you counted orders: a purchase is a calendar day, so two orders on one day count once"
    return compare_number(mine, ctx["actual"], what="the actual number of holdout purchases", rel=0, abs_tol=0)


@q("q7_4", hint="predicted = bg.expected_purchases(data, t).sum() with t = the holdout length in weeks "
                 "(data['holdout_length'])")
def _holdout_predicted(answer, ctx):
    mine = float(_as_dict(answer)["predicted"])
    if math.isclose(mine, ctx["predicted"], rel_tol=1e-3):
        return None
    if math.isclose(mine, ctx["predicted_days"], rel_tol=1e-3):
        return "the horizon t was in days: the model is in weeks, so t = the holdout length in weeks"
    if math.isclose(mine, ctx["predicted_year"], rel_tol=1e-3) and \
            not math.isclose(ctx["holdout_weeks"], 52.0, rel_tol=1e-3):
        return "you predicted a year (52 weeks): predict the holdout period, from calibration_end to holdout_end"
    return compare_number(mine, ctx["predicted"], what="the predicted number of holdout purchases", rel=1e-3)


@q("q7_4", hidden=True, hint="do not round the prediction")
def _holdout_predicted_exact(answer, ctx):
    return compare_number(float(_as_dict(answer)["predicted"]), ctx["predicted"],
                          what="the predicted number of holdout purchases", rel=EXACT)


# --- q7_5 decisions ---------------------------------------------------------------------------------

PLAN_KEYS = ["call_list", "top_clv", "top_customer"]


def _ids(value) -> list[str] | None:
    if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        value = list(value)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return None


@q("q7_5", hint="a dict with top_customer (an id), top_clv (a number) and call_list (a list of ids)")
def _plan_dict(answer, ctx):
    found = _as_dict(answer)
    if found is None:
        return f"the plan should be a dict with keys {PLAN_KEYS}, not {type(answer).__name__}"
    if sorted(found) != PLAN_KEYS:
        return f"the plan should have exactly the keys {PLAN_KEYS}; you have {sorted(found)}"
    if not _is_number(found["top_clv"]):
        return f"top_clv should be a number, you have {found['top_clv']!r}"
    if _ids(found["call_list"]) is None:
        return f"call_list should be a list of customer ids, not {type(found['call_list']).__name__}"
    return None


@q("q7_5", hint="clv.predicted_value(tx, as_of=holdout_end, ...)['predicted_clv'].idxmax()")
def _plan_top_customer(answer, ctx):
    mine = str(_as_dict(answer)["top_customer"])
    if mine == ctx["top_customer"]:
        return None
    if mine == ctx["top_by_spend"]:
        return ("that is the customer who spent the most so far (current value): the question asks for the "
                "highest *predicted* future value")
    if mine not in ctx["now"].index:
        return f"{mine!r} is not a customer who bought up to holdout_end"
    return f"customer {mine} does not have the highest predicted CLV as of holdout_end"


@q("q7_5", hint="CLV over horizon_months, discounted by monthly_discount_rate, future purchases only")
def _plan_top_clv(answer, ctx):
    mine = float(_as_dict(answer)["top_clv"])
    if math.isclose(mine, ctx["top_clv"], rel_tol=1e-3):
        return None
    if math.isclose(mine, ctx["top_clv_undiscounted"], rel_tol=1e-3):
        return "the CLV is too high: did you forget to discount? Money of month i is worth 1 / (1 + d)^i today"
    if math.isclose(mine, ctx["top_clv_with_past"], rel_tol=1e-3):
        return "CLV here is future value only: leave out what the customer has already spent"
    return compare_number(mine, ctx["top_clv"], what="the top customer's CLV", rel=1e-3)


@q("q7_5", hint="valuable = monetary at least the median; at risk = P(alive) below churn_p_alive; "
                 "both as of holdout_end")
def _plan_call_list(answer, ctx):
    mine = set(_ids(_as_dict(answer)["call_list"]))
    expected, now = set(ctx["call_list"]), ctx["now"]
    unknown = sorted(mine - set(now.index))
    if unknown:
        return f"{unknown[0]!r} is not a customer who bought up to holdout_end"
    wrong = sorted(mine - expected)
    if wrong:
        who = wrong[0]
        if now.at[who, "p_alive"] >= ctx["churn_p_alive"]:
            return (f"customer {who} is probably still active (P(alive) at least {ctx['churn_p_alive']}): the "
                    f"call list is for customers the model thinks have left")
        return (f"customer {who} is at risk but not valuable: the list keeps customers whose net spend is at "
                f"least the median")
    if len(mine) < len(expected):
        return f"your call list misses {len(expected) - len(mine)} valuable customers at risk"
    return None


@q("q7_5", hidden=True, hint="the call list holds each customer once; top_clv unrounded")
def _plan_exact(answer, ctx):
    found = _as_dict(answer)
    ids = _ids(found["call_list"])
    if len(ids) != len(set(ids)):
        return "the call list names a customer more than once"
    return compare_number(float(found["top_clv"]), ctx["top_clv"], what="the top customer's CLV", rel=EXACT)
