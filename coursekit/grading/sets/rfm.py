"""Exercise 01_rfm — RFM by hand and with coursekit (curriculum module 1).

Questions
---------
q1_1  the RFM table (recency, frequency, monetary per customer) as of the ``as_of`` parameter
q1_2  how many customers score 5 on all three (the "555" champions)
q1_3  the share of net revenue from the top 20% of customers
q1_4  the number of customers in each segment of the ``segments`` scheme
"""

from __future__ import annotations

import pandas as pd

from coursekit.grading.answers import as_frame as _frame
from coursekit.grading.core import ExerciseSet, compare_number, compare_table
from coursekit.grading.sets import _common
from coursekit.tiers import assign_tiers
from coursekit.value import concentration


def load(params: dict) -> dict:
    """The shop's transactions and every expected result, from the parameters alone."""
    tx = _common.transactions(params)
    rfm = _common.rfm(tx, as_of=params["as_of"] or None, order_col="order_id", bins=params["bins"])
    segments = assign_tiers(rfm, "segments")["tier"].value_counts()
    lines = tx.groupby("customer_id").size()
    purchase_lines = tx[tx["amount"] >= 0].groupby("customer_id").size()
    return {
        "data": {"transactions": tx},
        "rfm": rfm,
        "rows_per_customer": lines,
        "purchase_lines": purchase_lines,
        "gross": tx[tx["amount"] > 0].groupby("customer_id")["amount"].sum().round(2),
        "n555": int(((rfm["r_score"] == params["bins"]) & (rfm["f_score"] == params["bins"])
                     & (rfm["m_score"] == params["bins"])).sum()),
        "top20": concentration(rfm["monetary"], 0.2),
        "segments": segments,
    }


EXERCISE = ExerciseSet(
    "01_rfm",
    defaults={"case": "retail", "data_dir": "../datasets", "size": 0, "seed": 42, "as_of": "2025-01-01",
              "bins": 5},
    load=load,
)
q = EXERCISE.check

RFM_COLUMNS = ["recency_days", "frequency", "monetary"]


@q("q1_1", hint="one row per customer, indexed by customer_id, with columns recency_days, frequency and monetary")
def _is_rfm_frame(answer, ctx):
    frame, rfm = _frame(answer), ctx["rfm"]
    if frame is None:
        return f"your RFM table should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in RFM_COLUMNS if c not in frame.columns]
    if missing:
        return f"your RFM table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]})"
    lacking = rfm.index.difference(frame.index)
    if len(lacking):
        return (f"your RFM table lacks {len(lacking)} of the {len(rfm)} customers, e.g. {lacking[0]}: "
                f"every customer with a purchase up to as_of needs a row")
    extra = frame.index.difference(rfm.index)
    if len(extra):
        return f"your RFM table has {len(extra)} rows that are not customers with a purchase, e.g. {extra[0]!r}"
    if frame.index.has_duplicates:
        return f"customer {frame.index[frame.index.duplicated()][0]} has more than one row"
    return None


@q("q1_1", hint="count distinct order_id values per customer: an order has several lines (products)")
def _frequency_counts_orders(answer, ctx):
    frame, rfm = _frame(answer), ctx["rfm"]
    if frame is None or not frame.index.isin(rfm.index).all() or not rfm.index.isin(frame.index).all():
        return compare_table(answer, rfm, what="your RFM table", columns=RFM_COLUMNS)
    mine = pd.to_numeric(frame["frequency"], errors="coerce").reindex(rfm.index)
    wrong = mine != rfm["frequency"]
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    for counts in (ctx["rows_per_customer"], ctx["purchase_lines"]):
        rows = counts.reindex(rfm.index).fillna(0)
        if (mine[wrong] == rows[wrong]).all():
            return (f"frequency counts orders, not rows: customer {who} has {int(rfm.at[who, 'frequency'])} "
                    f"orders on {int(rows[who])} lines, you have {mine[who]:g}")
    return f"frequency differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g}"


@q("q1_1", hint="recency = whole days from the customer's last purchase to as_of; "
                 "only purchases (amount ≥ 0) count")
def _recency_in_days(answer, ctx):
    frame, rfm = _frame(answer), ctx["rfm"]
    mine = frame["recency_days"]
    if pd.api.types.is_timedelta64_dtype(mine):
        return "recency_days should be a number of days, not a Timedelta: use `.dt.days`"
    mine = pd.to_numeric(mine, errors="coerce").reindex(rfm.index)
    wrong = mine != rfm["recency_days"]
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    off = mine[who] - rfm.at[who, "recency_days"]
    if (mine[wrong] - rfm["recency_days"][wrong] == off).all() and abs(off) == 1:
        return (f"recency_days is off by {off:+g} day for {int(wrong.sum())} customers, e.g. {who}: "
                f"count days from the last order to as_of = {rfm.attrs['as_of'].date()}")
    return (f"recency_days differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:g} days "
            f"(as_of = {rfm.attrs['as_of'].date()})")


@q("q1_1", hint="monetary is net spend: sum every line's amount, returns (negative amounts) included")
def _monetary_is_net(answer, ctx):
    frame, rfm = _frame(answer), ctx["rfm"]
    mine = pd.to_numeric(frame["monetary"], errors="coerce").reindex(rfm.index)
    wrong = ~((mine - rfm["monetary"]).abs() < 0.006)
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    gross = ctx["gross"].reindex(rfm.index)
    if ((mine[wrong] - gross[wrong]).abs() < 0.006).all():
        return (f"monetary should be net of returns: customer {who} returned goods, "
                f"you have the gross {mine[who]:.2f}")
    return f"monetary differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.2f}"


@q("q1_1", hidden=True, hint="use the as_of parameter, not today's date or the last order date")
def _whole_table_matches(answer, ctx):
    return compare_table(answer, ctx["rfm"], what="your RFM table", columns=RFM_COLUMNS, rel=1e-9)


@q("q1_2", hint="count customers whose r_score, f_score and m_score all equal `bins`")
def _n555_is_count(answer, ctx):
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    return compare_number(answer, ctx["n555"], what="the number of 555 customers", rel=0, abs_tol=0)


@q("q1_3", hint="sort customers by monetary, take the top 20% of customers (not of revenue), divide "
                 "their monetary by the total; or use ck.concentration")
def _top20_share(answer, ctx):
    return compare_number(answer, ctx["top20"], what="the top-20% share", rel=1e-6, percent_hint=True)


@q("q1_4", hint="ck.assign_tiers(rfm, 'segments')['tier'].value_counts()")
def _segment_counts_series(answer, ctx):
    if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
        answer = answer.iloc[:, 0]
    if not isinstance(answer, pd.Series):
        return f"the segment sizes should be a pandas Series (segment → customers), not {type(answer).__name__}"
    unknown = sorted(set(map(str, answer.index)) - set(ctx["segments"].index))
    if unknown:
        return f"{unknown[0]!r} is not a segment of the 'segments' scheme"
    total = int(ctx["segments"].sum())
    if int(answer.sum()) != total:
        return f"the segment sizes add up to {int(answer.sum())} customers; every customer has one segment"
    return None


@q("q1_4", hidden=True, hint="tier the RFM table with the as_of parameter")
def _segment_counts_match(answer, ctx):
    if isinstance(answer, pd.DataFrame):
        answer = answer.iloc[:, 0]
    expected = ctx["segments"]
    mine = answer.rename(index=str).reindex(expected.index).fillna(0)
    wrong = mine != expected
    if wrong.any():
        seg = wrong[wrong].index[0]
        return f"segment {seg!r} has the wrong size (you have {mine[seg]:g})"
    return None
