"""Exercise 06_b2b — the B2B sales organisation case (B2B销售组织, curriculum module 6, lesson 08_b2b_case).

Questions
---------
q6_1  (2 points, Series)    every account's ABC class (ABC分析) by its revenue in the last 12 months
q6_2  (2 points, DataFrame) the open pipeline by stage: opportunities, estimated value and expected
      value (estimated_value × probability)
q6_3  (2 points, DataFrame) per ABC class: accounts, orphaned accounts (owner "(left)") and accounts
      overdue for contact by the ``abc`` playbook (客户归属, 沟通频次)
q6_4  (2 points, Series)    the monthly sales plan (月度销售计划) for ``plan_month``: target per class
q6_5  (3 points, dict)      which class-B account to grow first: the one with the largest expected
      value of open opportunities, its expected value and its owner, plus a written plan

Definitions (the same as in the lesson)
---------------------------------------
- ``as_of`` = the day after the last order. **Revenue** of an account = the sum of its order amounts
  with ``order_date >= as_of − 1 year`` (the last 12 months); every account that ever ordered is
  classified (0 revenue → C), prospects (never ordered) are not.
- **ABC** with the built-in ``abc`` scheme on that revenue: A while the share of revenue held by
  accounts strictly ahead is below 80%, B below 95%, else C (:func:`coursekit.abc_classes`).
- **Open** opportunities are those not ``won`` or ``lost``; expected value = ``estimated_value ×
  probability`` (the stage's win probability).
- **Overdue** for contact: days from the account's last contact to ``as_of`` greater than its class's
  ``contact_frequency_days`` in ``strategy.playbook("abc")`` (A 14, B 30, C 90), or never contacted.
  **Orphaned**: owned by ``"(left)"``, a rep who has left.
- **Sales plan**: :func:`coursekit.strategy.monthly_sales_plan` — per class (and owner) last year's
  same month × (1 + ``growth``), classes as now.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from coursekit.grading.answers import as_dict as _grow_answer
from coursekit.grading.answers import as_frame
from coursekit.grading.answers import as_series as _series
from coursekit.grading.answers import is_number as _is_number
from coursekit.grading.core import ExerciseSet, compare_number
from coursekit.grading.sets._common import case_tables
from coursekit.strategy import monthly_sales_plan, playbook
from coursekit.tiers import assign_tiers

CLASSES = ["A", "B", "C"]
OPEN_STAGES = ["lead", "qualified", "proposal", "negotiation"]
TABLES = ["accounts", "orders", "pipeline", "contacts"]
LEFT = "(left)"


# --- data and expected results --------------------------------------------------------------------

def analysis_date(orders: pd.DataFrame) -> pd.Timestamp:
    """The day after the last order (the lesson's ``as_of``)."""
    return pd.Timestamp(orders["order_date"].max()) + pd.Timedelta(days=1)


def abc_of(values: pd.Series) -> pd.DataFrame:
    """ABC classes of accounts from one value per account (the ``abc`` scheme, ``monetary`` column)."""
    return assign_tiers(values.rename("monetary").to_frame(), "abc")


def _revenue(orders: pd.DataFrame, as_of: pd.Timestamp, *, months12: bool = True, count: bool = False):
    buyers = sorted(orders["account_id"].unique())
    part = orders[orders["order_date"] >= as_of - pd.DateOffset(years=1)] if months12 else orders
    grouped = part.groupby("account_id")["amount"]
    values = grouped.size().astype(float) if count else grouped.sum()
    return values.reindex(buyers, fill_value=0.0).rename_axis("account_id")


def _pipeline_table(pipe: pd.DataFrame) -> pd.DataFrame:
    open_pipe = pipe[pipe["stage"].astype(str).isin(OPEN_STAGES)]
    out = pd.DataFrame({
        "opportunities": open_pipe.groupby("stage")["opportunity_id"].size(),
        "value": open_pipe.groupby("stage")["estimated_value"].sum(),
        "expected": (open_pipe["estimated_value"] * open_pipe["probability"]).groupby(open_pipe["stage"]).sum(),
    })
    out = out.reindex(OPEN_STAGES).fillna(0.0)
    out["opportunities"] = out["opportunities"].astype("int64")
    out.index.name = "stage"
    return out


def _contact_table(tiered: pd.DataFrame, contacts: pd.DataFrame, as_of, *, rule: str = "right",
                   days_by_class: dict | None = None) -> pd.DataFrame:
    target = days_by_class or playbook("abc")["contact_frequency_days"].to_dict()
    last = contacts.groupby("account_id")["contact_date"].max()
    days = (as_of - last.reindex(tiered.index)).dt.days
    limit = tiered["tier"].map(target)
    if rule == "right":
        overdue = ~(days <= limit)
    elif rule == "known_only":
        overdue = days > limit
    else:  # ">=": off by one
        overdue = ~(days < limit)
    out = pd.DataFrame({
        "accounts": tiered.groupby("tier").size(),
        "orphaned": (tiered["owner"] == LEFT).groupby(tiered["tier"]).sum(),
        "overdue": overdue.groupby(tiered["tier"]).sum(),
    }).reindex(CLASSES).fillna(0).astype("int64")
    out.index.name = "tier"
    return out


def _plan(orders, tiered, month, growth) -> pd.Series:
    plan = monthly_sales_plan(orders, tiered, month=month, growth=growth, customer_col="account_id")
    return plan.groupby(level="tier")["target"].sum().reindex(CLASSES).fillna(0.0)


def _grow(pipe: pd.DataFrame, tiered: pd.DataFrame, *, weighted: bool = True, stages=OPEN_STAGES,
          tier: str = "B") -> tuple[list[str], float | None, pd.Series]:
    """The accounts of ``tier`` with the largest expected (or raw) value of opportunities in ``stages``."""
    part = pipe[pipe["stage"].astype(str).isin(stages)]
    value = part["estimated_value"] * (part["probability"] if weighted else 1.0)
    per = value.groupby(part["account_id"]).sum()
    per = per[per.index.isin(tiered.index[tiered["tier"] == tier])]
    if per.empty:
        return [], None, per
    best = float(per.max())
    return sorted(per.index[np.isclose(per.to_numpy(), best, rtol=0, atol=0.005)]), best, per


def load(params: dict) -> dict:
    """The company's tables and every expected result, from the parameters alone."""
    data = case_tables(params, TABLES)  # categorical columns as plain text, as in the shipped files
    accounts, orders, pipe, contacts = (data[t] for t in TABLES)
    as_of = analysis_date(orders)
    owners = accounts.set_index("account_id")["owner"].astype(str)

    revenue = _revenue(orders, as_of)
    tiered = abc_of(revenue).join(owners)
    classes = tiered["tier"]

    growth, month = params["growth"], params["plan_month"]
    best, best_value, expected_per_account = _grow(pipe, tiered)
    return {
        "data": data,
        "as_of": as_of,
        "account_ids": set(map(str, accounts["account_id"])),
        "prospects": set(map(str, accounts.loc[~accounts["account_id"].isin(orders["account_id"]), "account_id"])),
        "owners": owners,
        "abc": classes,
        "abc_all_time": abc_of(_revenue(orders, as_of, months12=False))["tier"],
        "abc_by_orders": abc_of(_revenue(orders, as_of, count=True))["tier"],
        "pipeline": _pipeline_table(pipe),
        "pipeline_prospects": _pipeline_table(pipe[pipe["account_id"].isin(
            accounts.loc[accounts["status"] == "prospect", "account_id"])]),
        "contact": _contact_table(tiered, contacts, as_of),
        "contact_known_only": _contact_table(tiered, contacts, as_of, rule="known_only"),
        "contact_off_by_one": _contact_table(tiered, contacts, as_of, rule=">="),
        "contact_one_rhythm": _contact_table(tiered, contacts, as_of, days_by_class=dict.fromkeys(CLASSES, 14)),
        "plan": _plan(orders, tiered, month, growth),
        "plan_no_growth": _plan(orders, tiered, month, 0.0),
        "plan_percent": _plan(orders, tiered, month, growth * 100),
        "plan_last_month": _plan(orders, tiered, pd.Period(month, freq="M") + 11, growth),
        "grow": best,
        "grow_value": best_value,
        "grow_expected": expected_per_account,
        "grow_raw": _grow(pipe, tiered, weighted=False)[0],
        "grow_with_won": _grow(pipe, tiered, stages=[*OPEN_STAGES, "won"])[0],
        "grow_raw_value": _grow(pipe, tiered, weighted=False)[2],
    }


EXERCISE = ExerciseSet(
    "06_b2b",
    defaults={"data_dir": "../datasets", "size": 0, "seed": 42, "case": "b2b-distributor", "growth": 0.10,
              "plan_month": "2025-01"},
    load=load,
)
q = EXERCISE.check


# --- reading answers -------------------------------------------------------------------------------

def _frame(answer, index_col: str) -> pd.DataFrame | None:
    frame = as_frame(answer, index_col)
    return None if frame is None else frame.rename(index=str)


def _same(mine: pd.Series, expected: pd.Series) -> bool:
    mine = mine.rename(index=str).reindex(expected.index.astype(str))
    return bool((mine.astype(str).to_numpy() == expected.astype(str).to_numpy()).all())


# --- q6_1 ABC classes ------------------------------------------------------------------------------

def _classes(answer) -> pd.Series | None:
    if isinstance(answer, pd.DataFrame):
        answer = as_frame(answer, "account_id")
    mine = _series(answer, ("tier", "abc_class", "class"))
    return None if mine is None else mine.rename(index=str).astype(str)


@q("q6_1", hint="one class per account that ordered, indexed by account_id: ck.assign_tiers(frame, 'abc')['tier'] "
                 "or ck.abc_classes(revenue)")
def _abc_one_per_account(answer, ctx):
    mine = _classes(answer)
    if mine is None:
        return f"the classes should be a Series (account_id → class), not {type(answer).__name__}"
    expected = ctx["abc"]
    extra = sorted(set(mine.index) - set(expected.index))
    prospects = [a for a in extra if a in ctx["prospects"]]
    if prospects:
        return (f"account {prospects[0]} is a prospect: it never ordered, so it has no revenue class — leave "
                f"prospects out (they are classified by pipeline stage)")
    if extra:
        return f"{extra[0]!r} is not an account that ordered: index the classes by account_id"
    lacking = sorted(set(expected.index) - set(mine.index))
    if lacking:
        return (f"your classes lack {len(lacking)} of the {len(expected)} accounts that ordered, e.g. {lacking[0]}: "
                f"an account with no order in the last 12 months has revenue 0 and is class C")
    if mine.index.has_duplicates:
        return f"account {mine.index[mine.index.duplicated()][0]} has more than one class"
    unknown = sorted(set(mine) - set(CLASSES))
    if unknown:
        return f"{unknown[0]!r} is not a class: use A, B and C"
    return None


@q("q6_1", hint="revenue = the sum of amount over the orders of the last 12 months (order_date >= as_of − 1 year)")
def _abc_right_revenue(answer, ctx):
    mine, expected = _classes(answer), ctx["abc"]
    if _same(mine, expected):
        return None
    if _same(mine, ctx["abc_all_time"]):
        return ("you used the revenue of all three years: classify by the last 12 months (order_date >= as_of − "
                "1 year), so that an account that stopped buying long ago is not class A")
    if _same(mine, ctx["abc_by_orders"]):
        return "you classified by the number of orders: ABC is by revenue (the sum of amount)"
    biggest = expected.index[expected == "A"]
    if len(biggest) and (mine.reindex(biggest) == "C").mean() > 0.5:
        return "your classes are upside down: A is the class of the largest accounts (the first 80% of revenue)"
    return None


@q("q6_1", hint="A = the accounts that together bring the first 80% of revenue, including the one that crosses 80%")
def _abc_class_a(answer, ctx):
    mine, expected = _classes(answer).reindex(ctx["abc"].index), ctx["abc"]
    wrong = (mine == "A") != (expected == "A")
    if wrong.any():
        who = wrong[wrong].index[0]
        return (f"class A differs for {int(wrong.sum())} accounts, e.g. account {who}: you have {mine[who]!r}")
    return None


@q("q6_1", hidden=True, hint="B = up to 95% of revenue, C = the rest (and every account with no revenue)")
def _abc_every_class(answer, ctx):
    mine, expected = _classes(answer).reindex(ctx["abc"].index), ctx["abc"]
    wrong = mine != expected
    if wrong.any():
        who = wrong[wrong].index[0]
        return f"the class differs for {int(wrong.sum())} accounts, e.g. account {who}: you have {mine[who]!r}"
    return None


# --- q6_2 the open pipeline by stage ---------------------------------------------------------------

PIPE_COLUMNS = ["opportunities", "value", "expected"]


def _pipe(answer) -> pd.DataFrame | None:
    frame = _frame(answer, "stage")
    if frame is not None and "expected" not in frame.columns and "weighted" in frame.columns:
        frame = frame.rename(columns={"weighted": "expected"})
    return frame


@q("q6_2", hint="a DataFrame indexed by stage with the columns opportunities, value and expected")
def _pipe_shape(answer, ctx):
    frame = _pipe(answer)
    if frame is None:
        return f"the pipeline table should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in PIPE_COLUMNS if c not in frame.columns]
    if missing:
        return (f"your table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"it needs {PIPE_COLUMNS}")
    closed = [s for s in ("won", "lost") if s in frame.index]
    if closed:
        return f"stage {closed[0]!r} is closed: keep the open opportunities only (not won, not lost)"
    unknown = sorted(set(frame.index) - set(OPEN_STAGES))
    if unknown:
        return f"{unknown[0]!r} is not an open stage (those are {OPEN_STAGES}): index the table by stage"
    expected = ctx["pipeline"]
    lacking = [s for s in OPEN_STAGES if s not in frame.index and expected.at[s, "opportunities"] > 0]
    if lacking:
        return f"stage {lacking[0]!r} is missing: it has open opportunities"
    return None


def _pipe_col(answer, ctx, col) -> pd.Series:
    return pd.to_numeric(_pipe(answer)[col], errors="coerce").reindex(OPEN_STAGES).fillna(0.0)


@q("q6_2", hint="count every open opportunity (of customers and prospects alike) per stage")
def _pipe_counts(answer, ctx):
    mine, expected = _pipe_col(answer, ctx, "opportunities"), ctx["pipeline"]["opportunities"]
    if np.array_equal(mine.to_numpy(), expected.to_numpy(float)):
        return None
    if np.array_equal(mine.to_numpy(), ctx["pipeline_prospects"]["opportunities"].to_numpy(float)):
        return ("you counted the prospects' opportunities only: the pipeline holds every open opportunity, "
                "existing customers' too")
    stage = next(s for s in OPEN_STAGES if mine[s] != expected[s])
    return f"the number of open opportunities at stage {stage!r} is wrong (you have {mine[stage]:g})"


@q("q6_2", hint="expected value = estimated_value × probability, summed per stage")
def _pipe_expected(answer, ctx):
    mine, expected = _pipe_col(answer, ctx, "expected"), ctx["pipeline"]
    if np.allclose(mine.to_numpy(), expected["expected"].to_numpy(float), rtol=1e-6, atol=0.01):
        return None
    if np.allclose(mine.to_numpy(), expected["value"].to_numpy(float), rtol=1e-6, atol=0.01):
        return ("your expected value equals the estimated value: weigh each opportunity by its win probability "
                "(estimated_value × probability)")
    stage = next(s for s in OPEN_STAGES if not math.isclose(mine[s], expected.at[s, "expected"], abs_tol=0.01))
    side = "high" if mine[stage] > expected.at[stage, "expected"] else "low"
    return f"the expected value at stage {stage!r} is too {side} (you have {mine[stage]:,.2f})"


@q("q6_2", hidden=True, hint="value = the sum of estimated_value of the open opportunities per stage")
def _pipe_value(answer, ctx):
    mine, expected = _pipe_col(answer, ctx, "value"), ctx["pipeline"]["value"]
    for stage in OPEN_STAGES:
        if not math.isclose(mine[stage], expected[stage], abs_tol=0.01):
            return f"the estimated value at stage {stage!r} is wrong (you have {mine[stage]:,.2f})"
    return None


# --- q6_3 ownership and contact rhythm per class ----------------------------------------------------

CONTACT_COLUMNS = ["accounts", "orphaned", "overdue"]


def _contact_frame(answer) -> pd.DataFrame | None:
    """The per-class table, indexed by ``tier`` (or by a ``class`` column), labels as text."""
    frame = _frame(answer, "tier")
    if frame is not None and frame.index.name != "tier" and "class" in frame.columns:
        frame = frame.set_index("class").rename(index=str)
    return frame


def _contact_col(answer, col) -> pd.Series:
    return pd.to_numeric(_contact_frame(answer)[col], errors="coerce").reindex(CLASSES).fillna(0)


@q("q6_3", hint="a DataFrame indexed by class (A, B, C) with the columns accounts, orphaned and overdue")
def _contact_shape(answer, ctx):
    frame = _contact_frame(answer)
    if frame is None:
        return f"the table should be a pandas DataFrame, not {type(answer).__name__}"
    missing = [c for c in CONTACT_COLUMNS if c not in frame.columns]
    if missing:
        return (f"your table has no column {missing[0]!r} (it has {list(map(str, frame.columns))[:8]}); "
                f"it needs {CONTACT_COLUMNS}")
    unknown = sorted(set(frame.index) - set(CLASSES))
    if unknown:
        return f"{unknown[0]!r} is not a class: one row per class A, B, C"
    return None


@q("q6_3", hint="accounts per class as in Q6.1; orphaned = accounts whose owner is '(left)'")
def _contact_accounts(answer, ctx):
    expected = ctx["contact"]
    mine = _contact_col(answer, "accounts")
    if not np.array_equal(mine.to_numpy(float), expected["accounts"].to_numpy(float)):
        cls = next(c for c in CLASSES if mine[c] != expected.at[c, "accounts"])
        return f"class {cls} has the wrong number of accounts (you have {mine[cls]:g}): use the classes of Q6.1"
    mine = _contact_col(answer, "orphaned")
    if not np.array_equal(mine.to_numpy(float), expected["orphaned"].to_numpy(float)):
        cls = next(c for c in CLASSES if mine[c] != expected.at[c, "orphaned"])
        return (f"class {cls} has the wrong number of orphaned accounts (you have {mine[cls]:g}): count the "
                f"accounts whose owner in the accounts table is '(left)'")
    return None


@q("q6_3", hint="overdue = days from the last contact to as_of above the class's contact_frequency_days of "
                 "strategy.playbook('abc'), or never contacted")
def _contact_overdue(answer, ctx):
    mine = _contact_col(answer, "overdue").to_numpy(float)
    expected = ctx["contact"]["overdue"]
    if np.array_equal(mine, expected.to_numpy(float)):
        return None
    if np.array_equal(mine, ctx["contact_known_only"]["overdue"].to_numpy(float)):
        return ("accounts never contacted are the most overdue of all: a comparison with NaN is False, so count "
                "them explicitly (e.g. ~(days <= target))")
    if np.array_equal(mine, ctx["contact_one_rhythm"]["overdue"].to_numpy(float)):
        return "each class has its own rhythm: take contact_frequency_days per class from strategy.playbook('abc')"
    if np.array_equal(mine, ctx["contact_off_by_one"]["overdue"].to_numpy(float)):
        return ("an account contacted exactly contact_frequency_days ago is on time: overdue means more days than "
                "the rhythm (>, not >=)")
    cls = CLASSES[int(np.flatnonzero(mine != expected.to_numpy(float))[0])]
    return f"the number of overdue accounts in class {cls} is wrong (you have {mine[CLASSES.index(cls)]:g})"


@q("q6_3", hidden=True, hint="days since the last contact are counted to as_of, the day after the last order")
def _contact_whole_table(answer, ctx):
    expected = ctx["contact"]
    for col in CONTACT_COLUMNS:
        mine = _contact_col(answer, col)
        for cls in CLASSES:
            if mine[cls] != expected.at[cls, col]:
                return f"{col} of class {cls} is wrong (you have {mine[cls]:g})"
    return None


# --- q6_4 the monthly sales plan ----------------------------------------------------------------------

def _targets(answer) -> pd.Series | None:
    if isinstance(answer, pd.DataFrame) and isinstance(answer.index, pd.MultiIndex) and "target" in answer.columns:
        answer = answer.groupby(level=0)["target"].sum()
    elif isinstance(answer, pd.DataFrame) and "tier" in answer.columns and "target" in answer.columns:
        answer = answer.groupby("tier")["target"].sum()
    mine = _series(answer, ("target",))
    if mine is None:
        return None
    return pd.to_numeric(mine.rename(index=str), errors="coerce")


@q("q6_4", hint="a Series class → target, e.g. plan.groupby(level='tier')['target'].sum()")
def _plan_shape(answer, ctx):
    mine = _targets(answer)
    if mine is None:
        return f"the targets should be a Series (class → target in yuan), not {type(answer).__name__}"
    unknown = sorted(set(mine.index) - set(CLASSES))
    if unknown:
        return f"{unknown[0]!r} is not a class: one target per class A, B, C"
    if mine.isna().any():
        return "some targets are missing (NaN) or not numbers"
    return None


@q("q6_4", hint="target = the class's sales in the same month one year before plan_month × (1 + growth)")
def _plan_right_base(answer, ctx):
    mine = _targets(answer).reindex(CLASSES).fillna(0.0).to_numpy(float)

    def same(key):
        return bool(np.allclose(mine, ctx[key].to_numpy(float), rtol=1e-9, atol=0.011))

    if same("plan"):
        return None
    if same("plan_no_growth"):
        return "those are last year's sales: the target adds the planned growth, × (1 + growth)"
    if same("plan_percent"):
        return "growth is a fraction (0.10 = +10%): multiply by (1 + growth), not by (1 + 100 × growth)"
    if same("plan_last_month"):
        return ("you based the plan on the month before plan_month: the base is the same calendar month one year "
                "earlier (seasons repeat by the year)")
    return None


@q("q6_4", hint="strategy.monthly_sales_plan(orders, tiered, month=plan_month, growth=growth, "
                 "customer_col='account_id')")
def _plan_class_a(answer, ctx):
    mine = _targets(answer).reindex(CLASSES).fillna(0.0)
    return compare_number(float(mine["A"]), float(ctx["plan"]["A"]), what="the class A target", rel=1e-9,
                          abs_tol=0.011)


@q("q6_4", hidden=True, hint="classes as now (Q6.1), every class's sales of the base month")
def _plan_every_class(answer, ctx):
    mine = _targets(answer).reindex(CLASSES).fillna(0.0)
    for cls in CLASSES:
        problem = compare_number(float(mine[cls]), float(ctx["plan"][cls]), what=f"the class {cls} target",
                                 rel=1e-9, abs_tol=0.011)
        if problem:
            return problem
    return None


# --- q6_5 which account to grow -----------------------------------------------------------------------

GROW_KEYS = ("account_id", "expected_value", "owner")


@q("q6_5", hint="grow = {'account_id': ..., 'expected_value': ..., 'owner': ...}")
def _grow_keys(answer, ctx):
    found = _grow_answer(answer)
    if found is None:
        return f"the answer should be a dict with the keys {list(GROW_KEYS)}, not {type(answer).__name__}"
    missing = [k for k in GROW_KEYS if k not in found]
    if missing:
        return f"your answer has no key {missing[0]!r}; it needs {list(GROW_KEYS)}"
    if ctx["grow"] and not isinstance(found["account_id"], str):
        return f"account_id should be an account id (text), you have {found['account_id']!r}"
    if ctx["grow"] and (not _is_number(found["expected_value"]) or math.isnan(float(found["expected_value"]))):
        return f"expected_value should be a number in yuan, you have {found['expected_value']!r}"
    return None


@q("q6_5", hint="among class-B accounts, add up estimated_value × probability over each account's open "
                 "opportunities and take the largest")
def _grow_account(answer, ctx):
    found = _grow_answer(answer)
    account = found["account_id"]
    if not ctx["grow"]:
        return None if account is None else ("no class-B account has an open opportunity in this data: "
                                             "answer account_id None")
    account = str(account)
    if account not in ctx["account_ids"]:
        return f"{account!r} is not an account id"
    if account in ctx["grow"]:
        return None
    cls = ctx["abc"].get(account)
    if cls is None:
        return f"account {account} is a prospect with no revenue class: choose among the class-B accounts"
    if cls != "B":
        return (f"account {account} is class {cls}: grow a class-B account (the ones that can become A — seed 001's "
                f"'choose customers')")
    if account not in ctx["grow_expected"].index:
        return f"account {account} has no open opportunity (won and lost ones are closed)"
    if account in ctx["grow_raw"]:
        return ("you ranked by estimated value: weigh each opportunity by its probability — a big lead is worth "
                "less than a sure negotiation")
    if account in ctx["grow_with_won"]:
        return "a won opportunity is closed business, not an opportunity to grow: count open stages only"
    return f"another class-B account has a larger expected value of open opportunities than {account}"


@q("q6_5", hint="expected value of the account = the sum of estimated_value × probability of its open opportunities")
def _grow_value(answer, ctx):
    found = _grow_answer(answer)
    if not ctx["grow"]:
        return None
    value = found["expected_value"]
    if not _is_number(value):
        return f"expected_value should be a number, you have {value!r}"
    raw = ctx["grow_raw_value"]
    account = str(found["account_id"])
    if account in raw.index and math.isclose(float(value), float(raw[account]), abs_tol=0.01) and \
            not math.isclose(float(value), ctx["grow_value"], abs_tol=0.01):
        return "that is the estimated value: the expected value weighs it by the probability"
    return compare_number(float(value), ctx["grow_value"], what="the expected value", rel=1e-9, abs_tol=0.01)


@q("q6_5", hint="the owner comes from the accounts table; '(left)' means the account needs a new owner")
def _grow_owner(answer, ctx):
    found = _grow_answer(answer)
    if not ctx["grow"]:
        return None
    account = str(found["account_id"])
    owner = ctx["owners"].get(account)
    if str(found["owner"]) != str(owner):
        return f"{found['owner']!r} is not the owner of account {account} in the accounts table"
    return None


@q("q6_5", hidden=True, hint="account, expected value and owner all belong to the same class-B account")
def _grow_whole(answer, ctx):
    found = _grow_answer(answer)
    if not ctx["grow"]:
        return None if found["account_id"] is None else "no class-B account has an open opportunity"
    account = str(found["account_id"])
    if account not in ctx["grow"]:
        return f"account {account} is not the class-B account with the largest expected value"
    if not math.isclose(float(found["expected_value"]), ctx["grow_value"], abs_tol=0.01):
        return "the expected value does not belong to that account"
    if str(found["owner"]) != str(ctx["owners"].get(account)):
        return "the owner does not belong to that account"
    return None
