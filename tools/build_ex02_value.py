"""Write solutions/02_value.ipynb (the one source of exercise 02_value); execute it afterwards:

    cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 02_value.ipynb
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solbuild import build  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

cells = [
("md", """
# Exercise 2 · Value tiers, ABC, CLV and migration (价值分层)

Practise lesson 3: measure how unequal customer value is, class customers by value (ABC分析), put a
number on their lifetime value (客户终身价值), place them on the current × future value matrix, and
see how they move between tiers over time.

**Objectives** — after this exercise you can:
1. compute a concentration index (Gini) and ABC classes from net spend;
2. compute a simple CLV = historical profit + discounted future profit, and say what each part assumes;
3. summarise the value matrix (VIP / maintain / improve / abandon) by customers and value share;
4. compare two snapshots with a transition matrix.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the shop in `datasets/retail/` (or the data your trainer chose in the parameters cell).
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
data_dir = "../datasets" # the shipped data
size = 0                 # above 0: generate this many customers afresh with `seed`
seed = 42
as_of = "2025-01-01"     # analysis date 分析日期
earlier_as_of = "2024-06-30"  # the first snapshot, for migration
margin_rate = 0.3        # profit / revenue, for CLV
retention = 0.8          # yearly retention rate, for CLV
discount = 0.1           # yearly discount rate, for CLV
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", """
## Setup — just run this cell

It loads the shop and builds the RFM table as of `as_of` (exercise 1): one row per customer with
`recency_days`, `frequency`, `monetary` (net spend, returns included), `tenure_days` and the scores.
"""),
("code", """
import warnings
import pandas as pd
import coursekit as ck
from coursekit.grading import Exercise

warnings.simplefilter("ignore", ck.CoursekitWarning)  # return-only customers are reported, not needed here
ex = Exercise("02_value", data_dir=data_dir, size=size, seed=seed, as_of=as_of, earlier_as_of=earlier_as_of,
              margin_rate=margin_rate, retention=retention, discount=discount)
check = ex.check
tx = ex.data["transactions"]
rfm = ck.rfm_table(tx, as_of=as_of, order_col="order_id")
rfm.head()
"""),
("md", """
## Q2.1 · How unequal is customer value? (1 point)

**Compute the Gini coefficient of net spend per customer — `rfm["monetary"]`, with negative values
(customers whose returns exceed their purchases) counted as 0 — and store it, unrounded, in
`value_gini`.** 0 means every customer brings the same; close to 1 means a few bring almost everything.
"""),
("code", """
# QUESTION q2_1 · points: 1 · answer: value_gini
# BEGIN SOLUTION
value_gini = ck.gini(rfm["monetary"].clip(lower=0))
# END SOLUTION
value_gini
"""),
("code", 'check("q2_1", value_gini)'),
("md", """
## Q2.2 · ABC classes (ABC分析) (2 points)

**Give every customer of the RFM table an ABC class from net spend (clipped at 0) and store it in a
Series `abc` (index `customer_id`, values `"A"`, `"B"`, `"C"`).** `A` = the customers who together
bring the first 80% of value, including the customer who crosses 80%; `B` = those who bring it up to
95%; `C` = the rest.
"""),
("code", """
# QUESTION q2_2 · points: 2 · answer: abc
# BEGIN SOLUTION
abc = ck.assign_tiers(rfm, "abc")["tier"]
# END SOLUTION
abc.value_counts()
"""),
("code", 'check("q2_2", abc)'),
("md", """
## Q2.3 · Customer lifetime value (客户终身价值) (3 points)

**Compute each customer's CLV = historical profit + expected future profit, with `margin_rate`,
`retention` and `discount` from the parameters. Store a DataFrame `clv` (index `customer_id`) with the
columns `historical_value`, `future_value` and `clv`, in yuan (cents).** Definitions:

- historical profit = `monetary` × margin_rate;
- profit per year *m* = historical profit × 365 / max(`tenure_days`, 365) — at least one full year;
- future profit = *m*·*r* / (1 + *d* − *r*), with *m* counted as 0 when it is negative: the first margin
  comes at the end of the first year, and only if the customer is retained (*r*); *d* discounts it.
"""),
("code", """
# QUESTION q2_3 · points: 3 · answer: clv
# BEGIN SOLUTION
clv = ck.customer_value(rfm, margin_rate=margin_rate, retention=retention, discount=discount)
# END SOLUTION
clv.head()
"""),
("code", 'check("q2_3", clv)'),
("md", """
## Q2.4 · The value matrix: current × future (2 points)

**Place every customer on the value matrix with the built-in `value_matrix` scheme (VIP, maintain 维持,
improve 改进, abandon 放弃) and summarise it: a DataFrame `matrix` with one row per quadrant and the
columns `customers` and `value_share` (the quadrant's share of net revenue, a fraction).**
"""),
("code", """
# QUESTION q2_4 · points: 2 · answer: matrix
# BEGIN SOLUTION
matrix = ck.tier_summary(ck.assign_tiers(rfm, "value_matrix"), "value_matrix")[["customers", "value_share"]]
# END SOLUTION
matrix
"""),
("code", 'check("q2_4", matrix)'),
("md", """
## Q2.5 · Tiers move: migration (3 points)

**Tier the customers with `value4` twice: as they were on `earlier_as_of` (only the orders up to and
including that day, `as_of=earlier_as_of`) and as of `as_of` (all orders). Store the transition matrix
of counts in `moves`: rows = tier before, columns = tier after, as `ck.transition_matrix` returns it
(with its `(new)` row for customers who first bought later).**
"""),
("code", """
# QUESTION q2_5 · points: 3 · answer: moves
# BEGIN SOLUTION
before_tx = tx[tx["order_date"] <= earlier_as_of]
before = ck.assign_tiers(ck.rfm_table(before_tx, as_of=earlier_as_of, order_col="order_id"), "value4")
after = ck.assign_tiers(rfm, "value4")
moves = ck.transition_matrix(before, after, order=ck.load_scheme("value4").tiers)[0]
# END SOLUTION
moves
"""),
("code", 'check("q2_5", moves)'),
("md", """
## Think about it

Read the `high-value` row of your matrix. Who are the customers of the churn warning list (流失预警),
and which of them would you call first? Write two or three sentences (`ck.fallen_from` lists them).

<!-- BEGIN SOLUTION -->
*Model answer:* the customers in the high-value row who are no longer high-value — most of them moved
to `churning` (they were frequent and big, and have not bought recently). Call first those with the
highest net spend or CLV: losing one of them costs more than several general customers bring, and a
win-back call now is cheaper than winning a new customer later. Ask why they stopped (seed 000:
find the cause).
<!-- END SOLUTION -->
"""),
("md", """
## Recap

- Gini and ABC turn "a few customers bring most of the value" into numbers and classes.
- CLV adds the profit a customer is expected to bring to what they brought; its assumptions
  (margin, retention, discount) are stated and can be varied.
- The value matrix combines value now and value to come; the transition matrix shows how tiers move.
"""),
]

build(str(ROOT / "solutions" / "02_value.ipynb"), cells)
