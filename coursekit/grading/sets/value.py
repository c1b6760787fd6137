"""Exercise 02_value — value tiers, ABC, concentration, CLV, value matrix and migration (module 2).

Data: the retail case's transactions (the shipped shop, or one generated afresh from ``size`` and
``seed``), analysed as of the ``as_of`` parameter.

Questions
---------
q2_1  the Gini coefficient of net spend per customer (a number in [0, 1))
q2_2  the ABC class of every customer (a Series customer_id → "A" / "B" / "C")
q2_3  customer lifetime value per customer: historical_value, future_value, clv (a DataFrame)
q2_4  the current × future value matrix: customers and value share per quadrant (a DataFrame)
q2_5  tier migration: the value4 transition matrix of counts from ``earlier_as_of`` to ``as_of``
      (a DataFrame, rows = tier before, columns = tier after)

Definitions used (the lesson's, computed here with the same coursekit functions)
--------------------------------------------------------------------------------
- RFM: :func:`coursekit.rfm_table` with ``order_col="order_id"`` as of ``as_of``; ``monetary`` is
  net spend (returns reduce it).
- Value for Gini and ABC: ``monetary`` clipped at 0 (a customer whose returns exceed purchases
  brings no value, and keeps a row).
- Gini: :func:`coursekit.gini`; ABC: the built-in ``abc`` scheme = :func:`coursekit.abc_classes`
  with cutoffs 80% / 95% of value *before* the customer (the customer who crosses 80% is an A).
- CLV: :func:`coursekit.customer_value` with ``margin_rate``, yearly ``retention`` and
  ``discount`` — historical profit = monetary × margin_rate; margin per year = historical ×
  365 / max(tenure_days, 365); future = m·r / (1 + d − r) with m clipped at 0; clv = historical +
  future (cents).
- Value matrix: the built-in ``value_matrix`` scheme; value share = the quadrant's net monetary /
  total net monetary (:func:`coursekit.tier_summary`, 4 decimals).
- Migration: value4 tiers at ``earlier_as_of`` (orders up to and including that day, ``as_of =
  earlier_as_of``) and at ``as_of``; :func:`coursekit.transition_matrix` with the value4 order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.grading.answers import as_frame, as_number
from coursekit.grading.core import ExerciseSet, compare_number
from coursekit.grading.sets import _common
from coursekit.migration import transition_matrix
from coursekit.tiers import assign_tiers, load_scheme, tier_summary
from coursekit.value import customer_value, gini, retention_clv

VALUE4, MATRIX, ABC = (load_scheme(name) for name in ("value4", "value_matrix", "abc"))  # read the YAML once
TIERS = VALUE4.tiers
QUADRANTS = MATRIX.tiers
CLV_COLUMNS = ["historical_value", "future_value", "clv"]
CENT = 0.011  # a sum of cent-rounded parts and a rounded sum may differ by one cent


def _rfm(tx: pd.DataFrame, as_of) -> pd.DataFrame:
    return _common.rfm(tx, as_of=as_of or None, order_col="order_id")


def _inclusive_abc(values: pd.Series) -> pd.Series:
    """The common mistake: classes by the cumulative share *including* the customer's own value."""
    order = values.sort_index().sort_values(ascending=False, kind="stable")
    share = order.cumsum() / order.sum()
    labels = np.where(share < 0.8 - 1e-9, "A", np.where(share < 0.95 - 1e-9, "B", "C"))
    return pd.Series(labels, index=order.index).reindex(values.index)


def load(params: dict) -> dict:
    """The shop's transactions and every expected result, from the parameters alone."""
    tx = _common.transactions({**params, "case": "retail"})
    as_of, earlier_as_of = params["as_of"] or None, params["earlier_as_of"]
    rfm = _rfm(tx, as_of)
    value = rfm["monetary"].clip(lower=0)

    # q2_1 Gini, and the values a trainee may have used by mistake
    lines = tx["amount"].clip(lower=0)
    gross = tx[tx["amount"] > 0].groupby("customer_id")["amount"].sum()
    positive = rfm.loc[rfm["monetary"] > 0, "monetary"]

    # q2_3 CLV and its common wrong variants (from unrounded parts, rounded at the end as a trainee would)
    clv_kw = dict(margin_rate=params["margin_rate"], retention=params["retention"], discount=params["discount"])
    clv = customer_value(rfm, **clv_kw)  # checks 0 <= retention < 1 and discount >= 0
    r, d = float(params["retention"]), float(params["discount"])
    historical = rfm["monetary"] * float(params["margin_rate"])
    yearly = historical * 365 / rfm["tenure_days"].clip(lower=365)
    m = yearly.clip(lower=0)

    def future(margin, discount=d):
        return retention_clv(margin, r, discount)

    clv_variants = {
        "no_discount": future(m, 0.0).round(2),
        "margin_now": (future(m) + m).round(2),  # a margin "now" too: m·(1 + d) / (1 + d − r)
        "not_yearly": future(historical.clip(lower=0)).round(2),
        "no_floor": future((historical * 365 / rfm["tenure_days"].clip(lower=1)).clip(lower=0)).round(2),
        "negative": future(yearly).round(2),
    }

    # q2_4 value matrix
    matrix = tier_summary(assign_tiers(rfm, MATRIX), MATRIX)

    # q2_5 migration: the right snapshots, and the usual slips
    tiers_now = assign_tiers(rfm, VALUE4)
    cut = pd.Timestamp(earlier_as_of)
    upto = tx[tx["order_date"] <= cut]
    earlier = assign_tiers(_rfm(upto, earlier_as_of), VALUE4)
    counts, _ = transition_matrix(earlier, tiers_now, order=TIERS)
    migration_variants = {}
    before_day = tx[tx["order_date"] < cut]
    if len(before_day) < len(upto):
        migration_variants["excluded"] = transition_matrix(
            assign_tiers(_rfm(before_day, earlier_as_of), VALUE4), tiers_now, order=TIERS)[0]
    migration_variants["same"] = transition_matrix(tiers_now, tiers_now, order=TIERS)[0]
    second_half = tx[tx["order_date"] > cut]
    if second_half["customer_id"].nunique() >= 2:
        migration_variants["period_only"] = transition_matrix(
            earlier, assign_tiers(_rfm(second_half, as_of), VALUE4), order=TIERS)[0]

    return {
        "data": {"transactions": tx},
        "rfm": rfm,
        "gini": gini(value),
        "gini_variants": {
            "lines": gini(lines),
            "dropped": gini(positive),
            "gross": gini(gross),
        },
        "value": value,
        "abc": assign_tiers(rfm, ABC)["tier"].astype(str),
        "abc_inclusive": _inclusive_abc(value),
        "clv": clv,
        "clv_variants": clv_variants,
        "matrix": matrix,
        "gross_by_customer": gross.reindex(rfm.index).fillna(0.0),
        "matrix_tiers": assign_tiers(rfm, MATRIX)["tier"],
        "counts": counts,
        "migration_variants": migration_variants,
        "earlier_as_of": str(cut.date()),
    }


EXERCISE = ExerciseSet(
    "02_value",
    defaults={"data_dir": "../datasets", "size": 0, "seed": 42, "as_of": "2025-01-01",
              "earlier_as_of": "2024-06-30", "margin_rate": 0.3, "retention": 0.8, "discount": 0.1},
    load=load,
)
q = EXERCISE.check


# --- shared helpers ------------------------------------------------------------------------------

def _is_close(value, expected, tol=1e-9) -> bool:
    try:
        return expected is not None and abs(float(value) - float(expected)) <= tol * max(1.0, abs(float(expected)))
    except (TypeError, ValueError):
        return False


def _series(answer, *, prefer: tuple[str, ...] = ()) -> pd.Series | None:
    """A per-customer answer as a str-indexed Series (a 1-column or a tiered DataFrame accepted)."""
    if isinstance(answer, pd.DataFrame):
        frame = as_frame(answer)
        column = next((c for c in prefer if c in frame.columns), None)
        if column is None and frame.shape[1] == 1:
            column = frame.columns[0]
        if column is None:
            return None
        answer = frame[column]
    if not isinstance(answer, pd.Series):
        return None
    out = answer.copy()
    out.index = out.index.map(str)
    return out


def _frame(answer, index_name: str = "customer_id") -> pd.DataFrame | None:
    """A table answer indexed by ``index_name``, its labels as text (``index.map(str)``)."""
    frame = as_frame(answer, index_name)
    return None if frame is None else frame.set_axis(frame.index.map(str))


# --- q2_1 Gini --------------------------------------------------------------------------------------

@q("q2_1", hint="one value per customer: the net monetary of the RFM table (as of as_of), clipped at 0; "
                 "ck.gini(rfm['monetary'].clip(lower=0))")
def _gini_is_fraction(answer, ctx):
    answer = as_number(answer)
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return f"the Gini coefficient should be a single number, not {type(answer).__name__}"
    if 1 < answer <= 100:
        return f"the Gini coefficient is a number between 0 and 1, not a percentage (you have {answer:g})"
    if not 0 <= answer < 1:
        return (f"the Gini coefficient lies between 0 (everyone equal) and 1 (one customer brings all); "
                f"you have {answer:g}")
    return None


@q("q2_1", hint="Gini compares customers, so first sum the lines per customer (rfm['monetary']); "
                 "keep every customer, with value clipped at 0")
def _gini_per_customer(answer, ctx):
    answer = float(as_number(answer))
    if abs(answer - ctx["gini"]) <= 1e-6:
        return None
    v = ctx["gini_variants"]
    if _is_close(answer, v["lines"], 1e-6):
        return ("you measured the inequality of order lines, not of customers: sum the amounts per customer "
                "first (the monetary column of the RFM table)")
    if _is_close(answer, v["gross"], 1e-6):
        return "you used gross spend; use net spend (monetary, returns included), clipped at 0"
    if _is_close(answer, v["dropped"], 1e-6):
        return ("you dropped the customers whose net spend is 0 or negative; they count too, with value 0 "
                "(use .clip(lower=0), not a filter)")
    for digits in range(1, 6):
        if answer == round(ctx["gini"], digits):
            return (f"your answer is rounded to {digits} decimals ({answer:g}): keep the full value "
                    f"(round only for display)")
    return compare_number(answer, ctx["gini"], what="the Gini coefficient", rel=1e-6)


@q("q2_1", hidden=True, hint="ck.gini(rfm['monetary'].clip(lower=0)) with the RFM table as of as_of")
def _gini_exact(answer, ctx):
    return compare_number(as_number(answer), ctx["gini"], what="the Gini coefficient", rel=1e-9)


# --- q2_2 ABC classes ---------------------------------------------------------------------------------

@q("q2_2", hint="a Series indexed by customer_id holding 'A', 'B' or 'C', one per customer of the RFM table: "
                 "ck.assign_tiers(rfm, 'abc')['tier']")
def _abc_shape(answer, ctx):
    classes = _series(answer, prefer=("tier", "abc_class"))
    if classes is None:
        return (f"the ABC classes should be a pandas Series (customer_id → class), not "
                f"{type(answer).__name__}" + (" without a 'tier' or 'abc_class' column"
                                              if isinstance(answer, pd.DataFrame) else ""))
    expected = ctx["abc"]
    labels = sorted(set(classes.astype(str)) - {"A", "B", "C"})
    if labels:
        return f"{labels[0]!r} is not an ABC class: use the labels 'A', 'B' and 'C'"
    lacking = expected.index.difference(classes.index)
    if len(lacking):
        low = ctx["rfm"].loc[lacking, "monetary"] <= 0
        if low.all():
            return (f"your answer lacks {len(lacking)} customers, e.g. {lacking[0]}, whose net spend is 0 or "
                    f"negative: they still get a class (C) — clip the value at 0 instead of dropping them")
        return (f"your answer lacks {len(lacking)} of the {len(expected)} customers, e.g. {lacking[0]}: "
                f"every customer of the RFM table needs a class")
    extra = classes.index.difference(expected.index)
    if len(extra):
        return f"your answer has {len(extra)} entries that are not customers of the RFM table, e.g. {extra[0]!r}"
    if classes.index.has_duplicates:
        return f"customer {classes.index[classes.index.duplicated()][0]} appears more than once"
    return None


@q("q2_2", hint="sort customers by value, largest first: A holds the most valuable customers")
def _abc_order(answer, ctx):
    classes = _series(answer, prefer=("tier", "abc_class")).astype(str).reindex(ctx["abc"].index)
    value = ctx["value"]
    worst_better = {c: value[classes == c].min() for c in "AB" if (classes == c).any()}
    best_worse = {c: value[classes == c].max() for c in "BC" if (classes == c).any()}
    for top, low in (("A", "B"), ("A", "C"), ("B", "C")):
        if top in worst_better and low in best_worse and worst_better[top] < best_worse[low]:
            who = value[(classes == low) & (value > worst_better[top])].index[0]
            return (f"class {top} should hold more valuable customers than class {low}, but customer {who} "
                    f"(net spend {value[who]:.2f}) is {low} while one of your {top} customers spends "
                    f"{worst_better[top]:.2f}: sort by value descending")
    return None


@q("q2_2", hint="a customer's class depends on the share of value held by customers strictly ahead of them: "
                 "A while that share is below 80%, B below 95%")
def _abc_class_sizes(answer, ctx):
    classes = _series(answer, prefer=("tier", "abc_class")).astype(str).reindex(ctx["abc"].index)
    expected = ctx["abc"]
    if classes.eq(expected).all():
        return None
    if classes.eq(ctx["abc_inclusive"]).all():
        who = classes.ne(expected)
        who = who[who].index[0]
        return (f"the customer who crosses the 80% (or 95%) line belongs to the better class, e.g. customer "
                f"{who}: use the share of value held by the customers *before* them, not including their own")
    mine, sizes = classes.value_counts(), expected.value_counts()
    value = ctx["value"]
    for label in "ABC":
        have, want = int(mine.get(label, 0)), int(sizes.get(label, 0))
        if have != want:
            share = value[classes == label].sum() / value.sum()
            side = "many" if have > want else "few"
            return (f"class {label} has too {side} customers (you have {have}, bringing {share:.1%} of the "
                    f"value); A = the customers who bring the first 80% of value, B up to 95%")
    return None


@q("q2_2", hidden=True, hint="customers with equal value always get the same class: the share of value strictly "
                              "ahead of a customer does not depend on how ties are ordered")
def _abc_per_customer(answer, ctx):
    classes = _series(answer, prefer=("tier", "abc_class")).astype(str).reindex(ctx["abc"].index)
    wrong = classes.ne(ctx["abc"])
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    value = ctx["value"]
    tied = int((value == value[who]).sum())
    if tied > 1:
        return (f"customer {who} shares their value with {tied - 1} other customers but your classes split "
                f"them (you have {classes[who]}): equal values must get the same class")
    return f"{int(wrong.sum())} customers have the wrong class, e.g. {who} (you have {classes[who]})"


# --- q2_3 CLV ---------------------------------------------------------------------------------------

@q("q2_3", hint="one row per customer (index customer_id) with the columns historical_value, future_value and "
                 "clv: ck.customer_value(rfm, margin_rate=..., retention=..., discount=...)")
def _clv_shape(answer, ctx):
    frame, expected = _frame(answer), ctx["clv"]
    if frame is None:
        return f"the CLV table should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in CLV_COLUMNS if c not in frame.columns]
    if missing:
        return (f"the CLV table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"expected columns {CLV_COLUMNS}")
    lacking = expected.index.difference(frame.index)
    if len(lacking):
        return (f"the CLV table lacks {len(lacking)} of the {len(expected)} customers, e.g. {lacking[0]}: "
                f"one row per customer of the RFM table")
    extra = frame.index.difference(expected.index)
    if len(extra):
        return f"the CLV table has {len(extra)} rows that are not customers of the RFM table, e.g. {extra[0]!r}"
    if frame.index.has_duplicates:
        return f"customer {frame.index[frame.index.duplicated()][0]} has more than one row"
    for column in CLV_COLUMNS:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            return f"column {column} should hold numbers (yuan), it holds {frame[column].dtype}"
    return None


def _mismatch(mine: pd.Series, expected: pd.Series) -> pd.Series:
    return ~((mine.astype(float) - expected).abs() <= CENT)


@q("q2_3", hint="historical_value is profit, not revenue: monetary × margin_rate")
def _clv_historical(answer, ctx):
    frame, expected, rfm = _frame(answer), ctx["clv"], ctx["rfm"]
    mine = frame["historical_value"].reindex(expected.index)
    wrong = _mismatch(mine, expected["historical_value"])
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if not _mismatch(mine, rfm["monetary"]).any():
        return (f"historical_value is the profit the customer brought, not the revenue: customer {who} spent "
                f"{rfm.at[who, 'monetary']:.2f}, and you have the whole amount — apply the margin rate")
    return f"historical_value differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.2f}"


@q("q2_3", hint="future_value = m·r / (1 + d − r) with m = the profit per YEAR "
                 "(historical × 365 / max(tenure_days, 365), at least 0), r = retention, d = discount")
def _clv_future(answer, ctx):
    frame, expected = _frame(answer), ctx["clv"]
    mine = frame["future_value"].reindex(expected.index)
    wrong = _mismatch(mine, expected["future_value"])
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    messages = {
        "no_discount": "the future value is too high: did you forget to discount? Money next year is worth "
                       "less: divide by (1 + d − r), not (1 − r)",
        "margin_now": "the future value counts one margin too many: the first margin arrives at the end of the "
                      "first year and only if the customer is retained — the numerator is m·r, not m·(1 + d)",
        "not_yearly": "the future value uses the whole historical profit as if it were one year's margin: "
                      "divide it by the customer's tenure in years (at least one year) first",
        "no_floor": "customers who joined a few days before as_of get a huge future value: count at least one "
                    "full year of tenure (max(tenure_days, 365)) when you turn profit into a yearly margin",
        "negative": "customers whose returns exceed their purchases have a negative future value in your "
                    "table; they are not expected to bring losses in future: clip the yearly margin at 0",
    }
    for key, message in messages.items():
        variant = ctx["clv_variants"][key]
        if variant is not None and not _mismatch(mine[wrong], variant[wrong]).any():
            return f"{message} (e.g. customer {who}: you have {mine[who]:.2f})"
    return (f"future_value differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.2f} "
            f"(use margin_rate, retention and discount from the parameters cell)")


@q("q2_3", hint="clv = historical_value + future_value (past profit plus expected future profit)")
def _clv_sum(answer, ctx):
    frame, expected = _frame(answer), ctx["clv"]
    mine = frame["clv"].reindex(expected.index)
    wrong = _mismatch(mine, expected["clv"])
    if not wrong.any():
        return None
    who = wrong[wrong].index[0]
    if not _mismatch(mine, frame["future_value"].reindex(expected.index)).any():
        return (f"clv should add the historical profit to the future profit; yours equals future_value "
                f"(e.g. customer {who})")
    return f"clv differs for {int(wrong.sum())} customers, e.g. {who}: you have {mine[who]:.2f}"


@q("q2_3", hidden=True, hint="use margin_rate, retention and discount from the parameters cell")
def _clv_exact(answer, ctx):
    frame, expected = _frame(answer), ctx["clv"]
    for column in CLV_COLUMNS:
        if _mismatch(frame[column].reindex(expected.index), expected[column]).any():
            return f"column {column} differs from the expected CLV"
    return None


# --- q2_4 value matrix ------------------------------------------------------------------------------

@q("q2_4", hint="one row per quadrant (VIP, maintain, improve, abandon) with the columns customers and "
                 "value_share: ck.tier_summary(ck.assign_tiers(rfm, 'value_matrix'), 'value_matrix')")
def _matrix_shape(answer, ctx):
    frame = _frame(answer, "tier")
    if frame is None:
        return f"the value matrix summary should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in ("customers", "value_share") if c not in frame.columns]
    if missing:
        return (f"the table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"expected the columns customers and value_share")
    unknown = [t for t in frame.index if t not in QUADRANTS]
    if unknown:
        if unknown[0] in TIERS:
            return (f"{unknown[0]!r} is a value4 tier, not a value-matrix quadrant: tier the RFM table with "
                    f"the 'value_matrix' scheme")
        return f"{unknown[0]!r} is not a quadrant of the value matrix (VIP, maintain, improve, abandon)"
    total = int(ctx["matrix"]["customers"].sum())
    mine = pd.to_numeric(frame["customers"], errors="coerce").reindex(QUADRANTS).fillna(0)
    if int(mine.sum()) != total:
        return (f"the quadrants hold {mine.sum():g} customers in all; every one of the {total} customers of "
                f"the RFM table is in exactly one quadrant")
    return None


@q("q2_4", hint="count the customers in each quadrant of the value_matrix scheme "
                 "(VIP: m_score >= 4 and r_score + f_score >= 7, ...)")
def _matrix_counts(answer, ctx):
    frame, expected = _frame(answer, "tier"), ctx["matrix"]
    customers = pd.to_numeric(frame["customers"], errors="coerce").reindex(QUADRANTS).fillna(0)
    for quad in QUADRANTS:
        if customers[quad] != expected.at[quad, "customers"]:
            side = "many" if customers[quad] > expected.at[quad, "customers"] else "few"
            return (f"quadrant {quad!r} has too {side} customers (you have {customers[quad]:g}); "
                    f"tier the RFM table as of as_of with the 'value_matrix' scheme")
    return None


@q("q2_4", hint="value_share = the quadrant's net monetary / the total net monetary, a fraction between 0 and 1")
def _matrix_value_share(answer, ctx):
    frame, expected = _frame(answer, "tier"), ctx["matrix"]
    share = pd.to_numeric(frame["value_share"], errors="coerce").reindex(QUADRANTS).fillna(0.0)
    if share.sum() > 1.5 and abs(share.sum() - 100) < 1:
        return "value_share should be a fraction between 0 and 1, not a percentage (your shares add up to 100)"
    if ((share - expected["customer_share"]).abs() <= 1e-4).all():
        return ("your value_share is the share of customers; value_share is the share of net revenue "
                "(monetary) the quadrant brings")
    tiers = ctx["matrix_tiers"]
    gross = ctx["gross_by_customer"].groupby(tiers).sum().reindex(QUADRANTS).fillna(0.0)
    right = ((share - expected["value_share"]).abs() <= 1e-4).all()
    if not right and ((share - gross / gross.sum()).abs() <= 1e-4).all():
        return "your value shares use gross spend; use net spend (monetary, returns included)"
    if abs(share.sum() - 1) > 0.001:
        return f"the value shares add up to {share.sum():.4f}; over all quadrants they add up to 1"
    bad = (share - expected["value_share"]).abs() > 1e-3
    if bad.any():
        quad = bad[bad].index[0]
        side = "high" if share[quad] > expected.at[quad, "value_share"] else "low"
        return (f"the value share of {quad!r} is too {side} (you have {share[quad]:.4f}); divide the quadrant's "
                f"net monetary by the total net monetary of all customers")
    return None


@q("q2_4", hidden=True, hint="value_share = quadrant's net monetary / total net monetary (4 decimals are enough)")
def _matrix_exact_shares(answer, ctx):
    frame, expected = _frame(answer, "tier"), ctx["matrix"]
    share = pd.to_numeric(frame["value_share"], errors="coerce").reindex(QUADRANTS).fillna(0.0)
    bad = (share - expected["value_share"]).abs() > 1.00001e-4
    if bad.any():
        quad = bad[bad].index[0]
        return f"quadrant {quad!r} has the wrong value share (you have {share[quad]:.4f})"
    return None


# --- q2_5 migration ---------------------------------------------------------------------------------

def _square(answer) -> pd.DataFrame | None:
    """The tier × tier block of a transition-matrix answer, labels as str (None if not a DataFrame)."""
    frame = as_frame(answer, "tier_before")
    if frame is None:
        return None
    return frame.set_axis(frame.index.map(str)).set_axis(frame.columns.map(str), axis=1)


def _block(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[TIERS, TIERS].apply(pd.to_numeric, errors="coerce").astype(float)


@q("q2_5", hint="ck.transition_matrix(before, after, order=ck.load_scheme('value4').tiers) returns (counts, "
                 "shares): rows = tier at earlier_as_of, columns = tier at as_of")
def _migration_shape(answer, ctx):
    frame = _square(answer)
    if frame is None:
        if isinstance(answer, (list, dict)) and len(answer) == 2:
            return "transition_matrix returns two tables (counts, shares): store only the counts"
        return f"the transition matrix should be a pandas DataFrame, not {type(answer).__name__}"
    for tier in TIERS:
        if tier not in frame.index:
            return (f"the transition matrix has no row for tier {tier!r}; rows are the value4 tiers at "
                    f"earlier_as_of (pass order=... so that every tier gets a row)")
        if tier not in frame.columns:
            return (f"the transition matrix has no column for tier {tier!r}; columns are the value4 tiers at "
                    f"as_of")
    block = _block(frame)
    if block.isna().any().any():
        return "the transition matrix should hold numbers (counts of customers) in every tier × tier cell"
    return None


@q("q2_5", hint="the matrix counts customers (whole numbers); the shares are the second table transition_matrix "
                 "returns")
def _migration_counts_not_shares(answer, ctx):
    block = _block(_square(answer))
    if (block.to_numpy() <= 1).all() and (block.to_numpy() % 1 != 0).any():
        return "the transition matrix should count customers, not hold shares: store the counts table"
    if (block.to_numpy() % 1 != 0).any():
        return "the transition matrix counts customers: every cell should be a whole number"
    return None


@q("q2_5", hint="rows = the tier BEFORE (earlier_as_of), columns = the tier AFTER (as_of)")
def _migration_orientation(answer, ctx):
    block, expected = _block(_square(answer)), _block(ctx["counts"])
    if block.equals(expected):
        return None
    if block.to_numpy().tolist() == expected.T.to_numpy().tolist():
        return ("your matrix is transposed: rows should be the tier at earlier_as_of (before), columns the "
                "tier at as_of (after) — call transition_matrix(before, after)")
    return None


@q("q2_5", hint="earlier snapshot: orders up to and including earlier_as_of, rfm_table(..., as_of=earlier_as_of); "
                 "later snapshot: all orders, as_of=as_of")
def _migration_snapshots(answer, ctx):
    block, expected = _block(_square(answer)), _block(ctx["counts"])
    if block.equals(expected):
        return None
    messages = {
        "same": "every customer stays in their tier: the earlier snapshot must be tiered on the orders up to "
                "earlier_as_of only (filter the transactions, then rfm_table(..., as_of=earlier_as_of))",
        "excluded": f"the earlier snapshot misses the orders placed ON {ctx['earlier_as_of']}: keep orders up to "
                    f"and including that day (<=, not <)",
        "period_only": "the later snapshot uses only the orders after earlier_as_of; a snapshot looks at the whole "
                       "history up to its date: tier ALL orders up to as_of",
    }
    for key, message in messages.items():
        variant = ctx["migration_variants"].get(key)
        if variant is not None and block.equals(_block(variant)) and not variant.equals(ctx["counts"]):
            return message
    diff = block.ne(expected)
    row, col = next((r, c) for r in TIERS for c in TIERS if diff.at[r, c])
    return (f"{int(diff.to_numpy().sum())} cells differ, e.g. {row} → {col}: you have {block.at[row, col]:g} "
            f"customers")


@q("q2_5", hidden=True, hint="use ck.transition_matrix: its '(new)' row counts the customers who first bought "
                              "after earlier_as_of")
def _migration_new_row(answer, ctx):
    frame = _square(answer)
    if "(new)" not in frame.index:
        return "the matrix has no '(new)' row for customers who first bought after earlier_as_of"
    mine = pd.to_numeric(frame.loc["(new)", TIERS], errors="coerce").astype(float)
    if not mine.equals(ctx["counts"].loc["(new)", TIERS].astype(float)):
        return "the '(new)' row (customers who first bought after earlier_as_of) has the wrong counts"
    return None
