"""Write solutions/04_bank.ipynb (the one source of exercise 04_bank); execute it afterwards with
`cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 04_bank.ipynb`."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from solbuild import build  # noqa: E402

cells = [
("md", """
# Exercise 4 · Case: a retail bank (银行案例)

Practise lesson 6: tier the bank's customers by assets and by profit, read their channel use, judge
the branch's care plan and draw up the churn warning list.

**Objectives** — you can:
1. build AUM tiers from two thresholds and count the customers in each;
2. compute the off-counter rate (离柜率) per age band;
3. tier customers by profit contribution (Chase-style, 贡献度分层);
4. evaluate a randomised care plan with a confidence interval and say whether it worked;
5. list the customers who fell out of the top AUM tiers (流失预警).

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the synthetic bank in `datasets/bank/` — `customers` (one row per customer) and `monthly`
(one row per customer and month-end) — or the data your trainer chose in the parameters cell.
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
data_dir = "../datasets"   # the shipped data
size = 0                   # above 0: generate this many customers afresh with `seed`
seed = 42
aum_wealth = 500000        # AUM in yuan from which a customer is a wealth customer
aum_private = 6000000      # AUM in yuan from which a customer is a private-banking customer
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", "## Setup — just run this cell"),
("code", """
import pandas as pd
import coursekit as ck
from coursekit import strategy
from coursekit.grading import Exercise

ex = Exercise("04_bank", data_dir=data_dir, size=size, seed=seed, aum_wealth=aum_wealth,
              aum_private=aum_private)
check = ex.check
customers = ex.data["customers"].set_index("customer_id")
monthly = ex.data["monthly"]
print(f"{len(customers):,} customers, {monthly['month'].nunique()} month-ends "
      f"{monthly['month'].min():%Y-%m} to {monthly['month'].max():%Y-%m}")
monthly.head(3)
"""),
("md", """
## Q4.1 · AUM tiers (资产分层) (2 points)

**Tier every customer by AUM at the last month-end: "private banking" from `aum_private`, "wealth"
from `aum_wealth`, "mass" for the rest. Store the number of customers per tier in `aum_sizes` (a
Series: tier → customers).** A threshold is included (AUM equal to `aum_wealth` is wealth).
"""),
("code", """
# QUESTION q4_1 · points: 2 · answer: aum_sizes
# BEGIN SOLUTION
last = monthly[monthly["month"] == monthly["month"].max()].set_index("customer_id")
aum_scheme = {"name": "aum", "kind": "thresholds", "column": "aum", "levels": [
    {"tier": "private banking", "min": aum_private},
    {"tier": "wealth", "min": aum_wealth},
    {"tier": "mass"}]}
after = ck.assign_tiers(last, aum_scheme)
aum_sizes = after["tier"].value_counts()
# END SOLUTION
aum_sizes
"""),
("code", 'check("q4_1", aum_sizes)'),
("md", """
## Q4.2 · Counter vs digital (离柜率) (2 points)

**Compute the off-counter rate — digital transactions / all transactions (counter + digital) — per
age band over all months. Store it in `off_counter` (a Series: age band → rate, a fraction between
0 and 1).**
"""),
("code", """
# QUESTION q4_2 · points: 2 · answer: off_counter
# BEGIN SOLUTION
txns = monthly.groupby("customer_id")[["counter_txns", "digital_txns"]].sum()
by_band = txns.join(customers["age_band"]).groupby("age_band")[["counter_txns", "digital_txns"]].sum()
off_counter = by_band["digital_txns"] / (by_band["counter_txns"] + by_band["digital_txns"])
# END SOLUTION
off_counter
"""),
("code", 'check("q4_2", off_counter)'),
("md", """
## Q4.3 · Contribution tiers, Chase-style (贡献度分层) (2 points)

**Tier every customer by their average monthly profit (the mean of `profit` over all months): blue
from the 90th percentile, green from the 60th percentile, red from 0, transfer (转移) from the median
of the negative averages, clear-out (清退) the rest. Store each customer's tier in `chase` (a Series:
customer_id → tier).** Use pandas' `quantile` for the percentiles.
"""),
("code", """
# QUESTION q4_3 · points: 2 · answer: chase
# BEGIN SOLUTION
avg_profit = monthly.groupby("customer_id")["profit"].mean().rename("avg_profit").to_frame()
losses = avg_profit.loc[avg_profit["avg_profit"] < 0, "avg_profit"]
cuts = {"blue": avg_profit["avg_profit"].quantile(0.9), "green": avg_profit["avg_profit"].quantile(0.6),
        "red": 0.0, "transfer": losses.median() if len(losses) else -1.0}
chase_scheme = {"name": "chase", "kind": "thresholds", "column": "avg_profit", "levels": [
    *({"tier": tier, "min": float(cut)} for tier, cut in cuts.items()), {"tier": "clear-out"}]}
chase = ck.assign_tiers(avg_profit, chase_scheme)["tier"]
# END SOLUTION
chase
"""),
("code", 'check("q4_3", chase)'),
("md", """
## Q4.4 · Did the care plan work? (3 points)

The branch sent birthday and holiday greetings to a random half of its customers (`care_plan`).
**Estimate the plan's effect on satisfaction: the difference in mean satisfaction (plan − no plan,
in points of the 1–5 scale) among the customers who answered the survey, with its 95% confidence
interval, and say whether the plan raised satisfaction. Store
`care = {"difference": ..., "ci_low": ..., "ci_high": ..., "plan_works": True or False}`.**
"""),
("code", """
# QUESTION q4_4 · points: 3 · answer: care
# BEGIN SOLUTION
respondents = customers.dropna(subset=["satisfaction"])
group = respondents["care_plan"].map({True: "care plan", False: "no plan"})
sat = strategy.uplift(respondents["satisfaction"], group, treatment="care plan", control="no plan",
                      relative=False)
care = {"difference": sat["difference"], "ci_low": sat["ci_low"], "ci_high": sat["ci_high"],
        "plan_works": sat["ci_low"] > 0}
# END SOLUTION
care
"""),
("code", 'check("q4_4", care)'),
("md", """
**In two or three sentences: would you roll the care plan out to every customer? Say what the
interval tells you, and why leaving out the customers who did not answer does not bias the result.**

<!-- BEGIN SOLUTION -->
*Model answer:* the plan was assigned at random, so the difference in satisfaction between the two
groups is its effect; in the shipped data the whole 95% interval lies above 0, so the plan raised
satisfaction (by about 0.4 points on the 1–5 scale). Leaving out non-respondents is fair because
answering the survey did not depend on the plan; counting them as 0 would mix "no answer" with "very
unhappy". Before rolling it out, weigh the gain against the cost of the greetings — and keep a small
control group to keep measuring.
<!-- END SOLUTION -->
"""),
("md", """
## Q4.5 · The churn warning (流失预警) (2 points)

**Tier every customer by AUM at the first month-end too (the same scheme as in Q4.1). List the
customers who were private banking or wealth at the first month-end and are mass at the last one.
Store their ids in `fallen` (a list of customer ids).**
"""),
("code", """
# QUESTION q4_5 · points: 2 · answer: fallen
# BEGIN SOLUTION
first = monthly[monthly["month"] == monthly["month"].min()].set_index("customer_id")
before = ck.assign_tiers(first, aum_scheme)
fallen = list(ck.fallen_from(before, after, high=["private banking", "wealth"]).index)
# END SOLUTION
fallen
"""),
("code", 'check("q4_5", fallen)'),
("md", """
## Recap

- AUM tiers follow assets, contribution tiers follow profit: the same customer can be "wealth" and
  "transfer" at once.
- The off-counter rate pools transactions: sum(digital) / sum(all), not an average of rates.
- A randomised care plan is judged by the difference with a 95% interval — respondents only.
- Two snapshots tiered the same way give the churn warning list: call those customers first.
"""),
]
build(str(ROOT / "solutions" / "04_bank.ipynb"), cells)
