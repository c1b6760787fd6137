import sys; sys.path.insert(0, "/work/main/tools")
from solbuild import build
cells = [
("md", """
# Exercise 1 · RFM analysis (RFM分析)

Practise lesson 2: compute R, F and M per customer, score them, and read what they say.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the shop in `datasets/retail/` (or the data your trainer chose in the parameters cell).
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
case = "retail"          # "retail", "b2b-distributor" or "b2b-manufacturer"
data_dir = "../datasets" # the shipped data
size = 0                 # above 0: generate this many customers afresh with `seed`
seed = 42
as_of = "2025-01-01"     # analysis date 分析日期
bins = 5                 # score levels
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", "## Setup — just run this cell"),
("code", """
import pandas as pd
import coursekit as ck
from coursekit.grading import Exercise

ex = Exercise("01_rfm", case=case, data_dir=data_dir, size=size, seed=seed, as_of=as_of, bins=bins)
check = ex.check
tx = ex.data["transactions"]
tx.head()
"""),
("md", """
## Q1.1 · The RFM table (2 points)

**Build a DataFrame `rfm` with one row per customer (index `customer_id`) and the columns
`recency_days` (whole days from the last purchase to `as_of`), `frequency` (number of orders) and
`monetary` (net spend, returns included), as of the `as_of` parameter.** Careful: one order has
several lines.
"""),
("code", """
# QUESTION q1_1 · points: 2 · answer: rfm
# BEGIN SOLUTION
rfm = ck.rfm_table(tx, as_of=as_of, order_col="order_id", bins=bins)
# END SOLUTION
rfm.head()
"""),
("code", 'check("q1_1", rfm)'),
("md", """
## Q1.2 · Champions (1 point)

**How many customers score the top level (`bins`) on R, F and M at once — the "555" customers?
Store the count in `n555`.**
"""),
("code", """
# QUESTION q1_2 · points: 1 · answer: n555
# BEGIN SOLUTION
top = bins
n555 = int(((rfm["r_score"] == top) & (rfm["f_score"] == top) & (rfm["m_score"] == top)).sum())
# END SOLUTION
n555
"""),
("code", 'check("q1_2", n555)'),
("md", """
## Q1.3 · The 80/20 rule (2 points)

**What share of net revenue (`monetary`) comes from the top 20% of customers? Store it in
`top20_share` as a fraction between 0 and 1.**
"""),
("code", """
# QUESTION q1_3 · points: 2 · answer: top20_share
# BEGIN SOLUTION
top20_share = ck.concentration(rfm["monetary"], 0.2)
# END SOLUTION
round(top20_share, 3)
"""),
("code", 'check("q1_3", top20_share)'),
("md", """
## Q1.4 · Segments (2 points)

**Assign every customer a segment with the built-in `segments` scheme and store the number of
customers per segment in `segment_sizes` (a Series: segment → customers).**
"""),
("code", """
# QUESTION q1_4 · points: 2 · answer: segment_sizes
# BEGIN SOLUTION
segment_sizes = ck.assign_tiers(rfm, "segments")["tier"].value_counts()
# END SOLUTION
segment_sizes
"""),
("code", 'check("q1_4", segment_sizes)'),
("md", """
## Think about it

Which segment would you call first with a small budget, and why? Write two sentences.

<!-- BEGIN SOLUTION -->
*Model answer:* the "At risk" customers: they used to buy often and spend a lot (high F and M) but
have not bought for a while (low R); winning them back is worth more than a new customer.
<!-- END SOLUTION -->
"""),
]
build("/work/main/solutions/01_rfm.ipynb", cells)
