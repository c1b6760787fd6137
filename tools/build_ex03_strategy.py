"""Write solutions/03_strategy.ipynb (the one source of exercise 03_strategy); execute it afterwards:

    cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 03_strategy.ipynb
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solbuild import build  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

cells = [
("md", """
# Exercise 3 · Tier strategies (分层管理策略)

Practise lesson 5 (and the campaign of the retail case): split a fixed budget by tier, compare it with
spreading it evenly under stated assumptions, draft a monthly sales plan, measure a campaign against its
control group — and decide where a fixed budget should go.

**Objectives** — after this exercise you can:
1. split a budget by the playbook's tier weights (资源投放) and read what one customer gets;
2. compare an even and a by-tier split by expected incremental value, and name the assumptions;
3. build a monthly sales plan (月度销售计划) from last year's same month;
4. estimate a campaign's uplift with a confidence interval, and choose a target tier for a budget.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the shop in `datasets/retail/` — its transactions and its promotion campaign (customers put
at random in a treatment or a control group) — or the data your trainer chose in the parameters cell.
**The response rates, values and contact costs below are assumptions, not facts.**
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
data_dir = "../datasets" # the shipped data
size = 0                 # above 0: generate this many customers afresh with `seed`
seed = 42
as_of = "2025-01-01"     # analysis date 分析日期
budget = 30000           # the fixed budget to spend (yuan)
cost_per_contact = {     # ASSUMED cost of one contact per tier (yuan): a visit costs more than an e-mail
    "high-value": 500, "potential": 40, "general": 10, "churning": 60,
}
response = {             # ASSUMED response per value4 tier: rate, and incremental value of a responder (yuan)
    "high-value": {"response_rate": 0.30, "value_if_responds": 800},
    "potential": {"response_rate": 0.15, "value_if_responds": 400},
    "general": {"response_rate": 0.05, "value_if_responds": 150},
    "churning": {"response_rate": 0.08, "value_if_responds": 300},
}
plan_month = "2025-01"   # the month to plan
growth = 0.10            # planned growth over the same month last year (0.10 means +10%)
window_days = 60         # campaign: days after the send date in which orders count
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", """
## Setup — just run this cell

It loads the shop, tiers the customers with `value4` as of `as_of` (lesson 3) and shows the value4
playbook: its `budget_weight` says how much a customer of each tier gets relative to the others.
"""),
("code", """
import warnings
import pandas as pd
import coursekit as ck
from coursekit import strategy as st
from coursekit.grading import Exercise

warnings.simplefilter("ignore", ck.CoursekitWarning)  # return-only customers are reported, not needed here
ex = Exercise("03_strategy", data_dir=data_dir, size=size, seed=seed, as_of=as_of, budget=budget,
              cost_per_contact=cost_per_contact, response=response, plan_month=plan_month, growth=growth,
              window_days=window_days)
check = ex.check
tx, campaign = ex.data["transactions"], ex.data["campaign"]
tiered = ck.assign_tiers(ck.rfm_table(tx, as_of=as_of, order_col="order_id"), "value4")
pb = st.playbook("value4")
pb[["tier_zh", "owner", "contact_frequency_days", "budget_weight"]]
"""),
("md", """
## Q3.1 · What does one high-value customer get? (1 point)

**Split `budget` by tier with the playbook's weights (a customer of weight 4 gets four times what a
customer of weight 1 gets) and store in `per_high_value` the amount ONE high-value customer gets
(yuan, unrounded).**
"""),
("code", """
# QUESTION q3_1 · points: 1 · answer: per_high_value
# BEGIN SOLUTION
split = st.allocate_budget(tiered, budget, method="by_tier", playbook=pb)
per_high_value = float(split.loc["high-value", "budget_per_customer"])
# END SOLUTION
per_high_value
"""),
("code", 'check("q3_1", per_high_value)'),
("md", """
## Q3.2 · Even vs by tier, under stated assumptions (2 points)

**Spend `budget` evenly (every customer the same amount) and by tier. Under the assumptions of the
parameters cell — each tier buys whole contacts at its `cost_per_contact`, at most one per customer;
a contacted customer responds with the tier's `response_rate` and then brings `value_if_responds` of
incremental sales — compute the expected incremental value per tier for both splits. Store a DataFrame
`comparison` indexed by tier with the columns `value_even` and `value_by_tier`.**
"""),
("code", """
# QUESTION q3_2 · points: 2 · answer: comparison
# BEGIN SOLUTION
comparison = st.compare_allocations(tiered, budget, response=response, cost_per_contact=cost_per_contact,
                                    playbook=pb)
# END SOLUTION
comparison
"""),
("code", 'check("q3_2", comparison)'),
("md", """
## Q3.3 · The monthly sales plan (月度销售计划) (2 points)

**Plan `plan_month`: per tier (customers' tiers as of `as_of`), last year's net sales in the same
calendar month and the target = last year × (1 + `growth`). Store a DataFrame `plan` indexed by tier with
the columns `sales_last_year` and `target`.**
"""),
("code", """
# QUESTION q3_3 · points: 2 · answer: plan
# BEGIN SOLUTION
plan = st.monthly_sales_plan(tx, tiered, month=plan_month, growth=growth, playbook=pb)
# END SOLUTION
plan
"""),
("code", 'check("q3_3", plan)'),
("md", """
## Q3.4 · Did the campaign work? (3 points)

The shop sent an offer to a random half of the eligible customers (treatment) and nothing to the other
half (control). **Count each campaign customer's orders in the `window_days` from their send date, and
compare the groups: store the relative uplift on orders, mean(treatment) / mean(control) − 1 (a
fraction), and its 95% confidence interval in a dict `orders_uplift` with the keys `uplift`, `ci_low`,
`ci_high`.** Plain comparison, no covariate.
"""),
("code", """
# QUESTION q3_4 · points: 3 · answer: orders_uplift
# BEGIN SOLUTION
outcomes = st.campaign_outcomes(tx, campaign, window_days=window_days)
result = st.uplift(outcomes["orders_after"], outcomes["group"])
orders_uplift = {"uplift": result["relative_uplift"], "ci_low": result["relative_ci_low"],
                 "ci_high": result["relative_ci_high"]}
# END SOLUTION
orders_uplift
"""),
("code", 'check("q3_4", orders_uplift)'),
("md", """
## Q3.5 · With a fixed budget, which tier do you target, and what uplift do you expect? (3 points)

You may spend the whole `budget` on **one** tier. Under the stated assumptions, the budget buys
contacts = min(customers in the tier, floor(budget / the tier's cost_per_contact)), and the expected
uplift (incremental sales, yuan) = contacts × response_rate × value_if_responds. **Store your choice in
`target = {"tier": ..., "expected_uplift": ...}` — the tier where the budget brings the most, and that
expected uplift — then justify it in the cell below.**
"""),
("code", """
# QUESTION q3_5 · points: 3 · answer: target
# BEGIN SOLUTION
per_tier = pd.DataFrame(response).T
per_tier["cost"] = pd.Series(cost_per_contact)
per_tier["customers"] = tiered["tier"].value_counts().reindex(per_tier.index, fill_value=0)
per_tier["contacts"] = (budget // per_tier["cost"]).clip(upper=per_tier["customers"])
per_tier["expected_uplift"] = per_tier["contacts"] * per_tier["response_rate"] * per_tier["value_if_responds"]
best = per_tier["expected_uplift"].idxmax()
target = {"tier": best, "expected_uplift": float(per_tier.loc[best, "expected_uplift"])}
# END SOLUTION
target
"""),
("code", 'check("q3_5", target)'),
("md", """
**Justify your choice** in two or three sentences: why this tier and not the one with the best response
rate, and how much would you trust the expected uplift?

<!-- BEGIN SOLUTION -->
*Model answer (shipped data, default assumptions):* the potential tier. High-value customers respond
best and bring the most per response, but a visit costs 500 yuan, so the budget reaches only 60 of them;
the same money buys a cheap contact for every potential customer, and their expected incremental sales
add up to about twice as much. The number is only as good as the assumed response rates and values: before
committing, test the offer on a random half of the tier with a control group (as in Q3.4) — the
campaign's wide interval shows how uncertain a measured uplift is.
<!-- END SOLUTION -->
"""),
("md", """
## Recap

- The playbook's weights turn a fixed budget into an amount per customer and tier.
- Even vs by tier — and which tier to target — can be compared only under stated assumptions (response,
  value, cost); the answer changes when they change, so vary them before trusting it.
- A monthly plan starts from last year's same month; a campaign is judged against its control group,
  with a confidence interval, not by a headline number.
"""),
]

build(str(ROOT / "solutions" / "03_strategy.ipynb"), cells)
