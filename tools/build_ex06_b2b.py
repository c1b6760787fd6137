"""Write solutions/06_b2b.ipynb (the one source of exercise 06_b2b); execute it afterwards with
`cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 06_b2b.ipynb`."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from solbuild import build  # noqa: E402

cells = [
("md", """
# Exercise 6 · Case: a B2B sales organisation (B2B销售组织)

Practise lesson 8: classify a company's accounts, read its pipeline, check who owns and contacts each
class, draw up the monthly sales plan and pick the account to grow — seed 001's workshop steps.

**Objectives** — you can:
1. classify accounts A / B / C by their revenue of the last 12 months (ABC分析);
2. summarise the open pipeline by stage with its expected value;
3. count orphaned and overdue accounts per class (客户归属, 沟通频次);
4. build the monthly sales plan (月度销售计划) per class;
5. choose a class-B account to grow and say how.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the synthetic B2B companies in `datasets/b2b-distributor/` and
`datasets/b2b-manufacturer/` — `accounts`, `orders`, `pipeline` (sales opportunities) and
`contacts` (the contact log) — or the data your trainer chose in the parameters cell.
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
data_dir = "../datasets"   # the shipped data
size = 0                   # above 0: generate this many accounts afresh with `seed`
seed = 42
case = "b2b-distributor"   # or "b2b-manufacturer"
growth = 0.10              # planned growth on last year's same month, 0.10 means +10%
plan_month = "2025-01"     # the month to plan, YYYY-MM
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", "## Setup — just run this cell"),
("code", """
import pandas as pd
import coursekit as ck
from coursekit import strategy
from coursekit.grading import Exercise

ex = Exercise("06_b2b", data_dir=data_dir, size=size, seed=seed, case=case, growth=growth,
              plan_month=plan_month)
check = ex.check
accounts = ex.data["accounts"].set_index("account_id")
orders, pipeline, contacts = ex.data["orders"], ex.data["pipeline"], ex.data["contacts"]
as_of = orders["order_date"].max() + pd.Timedelta(days=1)   # the analysis date: the day after the last order
print(f"{case}: {len(accounts)} accounts, {len(orders):,} orders, {len(pipeline)} opportunities, "
      f"{len(contacts):,} contacts; analysis date {as_of:%Y-%m-%d}")
"""),
("md", """
## Q6.1 · ABC classes by revenue (2 points)

**Compute each account's revenue in the last 12 months (orders with `order_date >= as_of − 1 year`)
for every account that has ever ordered (0 if it did not order in those 12 months), and classify the
accounts with the built-in `abc` scheme. Store the classes in `abc` (a Series: account_id → "A",
"B" or "C").** Prospects — accounts that never ordered — are left out. Keep a tiered table with the
accounts' `owner`: the next questions use it.
"""),
("code", """
# QUESTION q6_1 · points: 2 · answer: abc
# BEGIN SOLUTION
last12 = orders[orders["order_date"] >= as_of - pd.DateOffset(years=1)]
revenue = last12.groupby("account_id")["amount"].sum().reindex(orders["account_id"].unique(), fill_value=0.0)
tiered = ck.assign_tiers(revenue.rename("monetary").to_frame(), "abc").join(accounts[["owner"]])
abc = tiered["tier"]
# END SOLUTION
abc
"""),
("code", 'check("q6_1", abc)'),
("md", """
## Q6.2 · The pipeline by stage (2 points)

**Summarise the open opportunities (stage not "won" or "lost") per stage: the number of
opportunities, the sum of `estimated_value` and the expected value (the sum of `estimated_value ×
probability`). Store a DataFrame `by_stage` indexed by stage with the columns `opportunities`,
`value` and `expected`.**
"""),
("code", """
# QUESTION q6_2 · points: 2 · answer: by_stage
# BEGIN SOLUTION
pipe = pipeline.assign(expected=pipeline["estimated_value"] * pipeline["probability"])
open_pipe = pipe[~pipe["stage"].isin(["won", "lost"])]
by_stage = open_pipe.groupby("stage").agg(opportunities=("opportunity_id", "size"),
                                          value=("estimated_value", "sum"), expected=("expected", "sum"))
by_stage = by_stage.reindex(["lead", "qualified", "proposal", "negotiation"])   # the stages in order
# END SOLUTION
by_stage
"""),
("code", 'check("q6_2", by_stage)'),
("md", """
## Q6.3 · Ownership and contact rhythm per class (2 points)

The `abc` playbook says how often each class should be contacted (`contact_frequency_days`). **Per
class, count the accounts, the orphaned accounts (owner `"(left)"`: the rep has left) and the
overdue accounts — more days from the last contact to `as_of` than the class's rhythm, or never
contacted. Store a DataFrame `per_class` indexed by class with the columns `accounts`, `orphaned`
and `overdue`.**
"""),
("code", """
# QUESTION q6_3 · points: 2 · answer: per_class
# BEGIN SOLUTION
rhythm = strategy.playbook("abc")["contact_frequency_days"]
last_contact = contacts.groupby("account_id")["contact_date"].max()
days = (as_of - last_contact.reindex(tiered.index)).dt.days
flags = tiered.assign(orphaned=tiered["owner"] == "(left)",
                      overdue=~(days <= tiered["tier"].map(rhythm)))   # never contacted counts as overdue
per_class = flags.groupby("tier").agg(accounts=("owner", "size"), orphaned=("orphaned", "sum"),
                                      overdue=("overdue", "sum"))
# END SOLUTION
per_class.join(rhythm.rename("rhythm_days"))
"""),
("code", 'check("q6_3", per_class)'),
("md", """
## Q6.4 · The monthly sales plan (月度销售计划) (2 points)

**Plan `plan_month`: per class, last year's sales in the same calendar month × (1 + `growth`),
with the classes as they are now. Store the target per class in `targets` (a Series: class → yuan).**
`strategy.monthly_sales_plan` does it per class and owner.
"""),
("code", """
# QUESTION q6_4 · points: 2 · answer: targets
# BEGIN SOLUTION
plan = strategy.monthly_sales_plan(orders, tiered, month=plan_month, growth=growth, customer_col="account_id")
targets = plan.groupby(level="tier")["target"].sum()
# END SOLUTION
targets
"""),
("code", 'check("q6_4", targets)'),
("md", """
## Q6.5 · Which account do you grow first? (3 points)

Seed 001's first step is to *choose customers*: a class-B account can become class A. **Among the
class-B accounts, find the one with the largest expected value of open opportunities (the sum of
`estimated_value × probability` over its open opportunities). Store
`grow = {"account_id": ..., "expected_value": ..., "owner": ...}` with its owner from the accounts
table.**
"""),
("code", """
# QUESTION q6_5 · points: 3 · answer: grow
# BEGIN SOLUTION
expected_by_account = open_pipe.groupby("account_id")["expected"].sum()
class_b = expected_by_account[expected_by_account.index.isin(tiered.index[tiered["tier"] == "B"])]
best = class_b.idxmax()
grow = {"account_id": best, "expected_value": float(class_b.max()), "owner": accounts.at[best, "owner"]}
# END SOLUTION
grow
"""),
("code", 'check("q6_5", grow)'),
("md", """
**Write the first lines of the plan for this account, in the five steps (choose, find
opportunities, plan, execute, replicate): who calls, what is offered, by when — as a SMART target.
What changes if the owner is `"(left)"`?**

<!-- BEGIN SOLUTION -->
*Model answer:* the account is class B today and has the most weighted pipeline of its class, so it
is the best candidate to become A. Its owner calls this week to move the open opportunity one stage
on (the proposal or negotiation behind the expected value), offers the product lines it does not
buy yet, and logs every contact in the shared register at the B rhythm (every 30 days) or faster.
SMART: "close the open opportunity of this account by the end of `plan_month`, for at least its
expected value, with a visit by the 15th". If the owner is "(left)", the first step is to give the
account a new owner — and the history the old rep kept in their head is exactly what a shared
customer register would have saved.
<!-- END SOLUTION -->
"""),
("md", """
## Recap

- ABC by revenue needs a window: the last 12 months, or old accounts stay "A" for ever.
- Expected pipeline value = estimated value × probability: a forecast, not a wish list.
- Ownership and contact rhythm per class show the orphaned and the neglected accounts.
- The monthly sales plan starts from last year's same month plus growth; made SMART, it is the
  take-home task.
"""),
]
build(str(ROOT / "solutions" / "06_b2b.ipynb"), cells)
