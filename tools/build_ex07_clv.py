"""Write solutions/07_clv.ipynb (the one source of exercise 07_clv); execute it afterwards with
`cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 07_clv.ipynb`."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from solbuild import build  # noqa: E402

cells = [
("md", """
# Exercise 7 · Probabilistic CLV (概率客户终身价值) — advanced track

Practise lesson 10: summarise each customer the way the "buy till you die" models need it, fit
BG/NBD, test it on a holdout period, and turn predicted value into decisions.

**Objectives** — you can:
1. build the BTYD summary (frequency, recency, T) and keep it apart from RFM's quantities;
2. fit BG/NBD and read P(alive);
3. check the model's predictions against what customers did next;
4. use the predicted CLV and P(alive) to pick customers for a call.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the synthetic shop in `datasets/retail/` (one row per order line; negative amounts are
returns) — or, with `dataset = "cdnow"`, the real CDNOW sample of lesson 10. Your trainer may give
your group its own `size` and `seed`.
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
dataset = "retail"       # "retail" (synthetic shop) or "cdnow" (real CDNOW sample)
data_dir = "../datasets" # the shipped data
size = 0                 # retail: above 0 generates this many customers afresh with `seed`
seed = 42
calibration_end = ""     # empty: 2024-06-30 for retail, 1997-09-30 for cdnow
holdout_end = ""         # empty: 2024-12-31 for retail, 1998-06-30 for cdnow
horizon_months = 12      # CLV horizon in months
monthly_discount_rate = 0.01  # discount rate per month
churn_p_alive = 0.5      # call list: valuable customers with P(alive) below this
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", "## Setup — just run this cell"),
("code", """
import warnings
import pandas as pd
import coursekit as ck
from coursekit import clv
from coursekit.grading import Exercise

warnings.simplefilter("ignore", ck.CoursekitWarning)  # returns are left out of BTYD purchases
ex = Exercise("07_clv", dataset=dataset, data_dir=data_dir, size=size, seed=seed, calibration_end=calibration_end,
              holdout_end=holdout_end, horizon_months=horizon_months, monthly_discount_rate=monthly_discount_rate,
              churn_p_alive=churn_p_alive)
check = ex.check
tx = ex.data["transactions"]
calibration_end, holdout_end = ex.ctx["calibration_end"], ex.ctx["holdout_end"]
print(f"{len(tx):,} lines of {tx['customer_id'].nunique():,} customers; calibration to {calibration_end}, "
      f"holdout to {holdout_end}")
tx.head(3)
"""),
("md", """
## Q7.1 · The BTYD summary (2 points)

**Build `summary`: one row per customer who bought up to `calibration_end` (index `customer_id`) with
`frequency` = repeat purchases (purchase *days* after the first one), `recency` = weeks from the first
to the last purchase day, and `T` = weeks from the first purchase day to `calibration_end`.** Returns
are not purchases. Careful: these are not RFM's frequency and recency.
"""),
("code", """
# QUESTION q7_1 · points: 2 · answer: summary
# BEGIN SOLUTION
summary = clv.summary_from_transactions(tx, observation_end=calibration_end, time_unit="W")
# END SOLUTION
summary.head()
"""),
("code", 'check("q7_1", summary)'),
("md", """
## Q7.2 · Fit BG/NBD (2 points)

**Fit the BG/NBD model to `summary` and store its parameters in `params`: a dict with the keys `r`,
`alpha`, `a` and `b`, unrounded.** Keep the fitted model as `bg` for the next questions.
"""),
("code", """
# QUESTION q7_2 · points: 2 · answer: params
# BEGIN SOLUTION
bg = clv.fit_bg_nbd(summary)
params = bg.params
# END SOLUTION
print(bg)
"""),
("code", 'check("q7_2", params)'),
("md", """
## Q7.3 · Who is still a customer? (2 points)

**Store every customer's P(alive) at `calibration_end` in `p_alive`, a Series indexed by
`customer_id`.** The cell then counts the customers who have more likely left than not.
"""),
("code", """
# QUESTION q7_3 · points: 2 · answer: p_alive
# BEGIN SOLUTION
p_alive = bg.p_alive(summary)
# END SOLUTION
print(f"{(p_alive < 0.5).sum()} of {len(p_alive)} customers have P(alive) below 0.5")
"""),
("code", 'check("q7_3", p_alive)'),
("md", """
## Q7.4 · Does the model predict? (2 points)

**Take the customers of `summary` and the holdout period after `calibration_end` up to `holdout_end`.
Store in `holdout` a dict with `predicted` — the total number of repeat purchases the model of Q7.2
expects from them in the holdout period — and `actual` — the number of purchases (purchase days) they
made in it.**
"""),
("code", """
# QUESTION q7_4 · points: 2 · answer: holdout
# BEGIN SOLUTION
data = clv.calibration_holdout(tx, calibration_end=calibration_end, holdout_end=holdout_end)
predicted = bg.expected_purchases(data, data["holdout_length"].iloc[0])
holdout = {"predicted": float(predicted.sum()), "actual": int(data["holdout_purchases"].sum())}
# END SOLUTION
holdout
"""),
("code", 'check("q7_4", holdout)'),
("md", """
## Q7.5 · From prediction to decision (3 points)

Now act as of `holdout_end`, with **all** the data up to then.

**Store in `plan` a dict with**
- **`top_customer`: the customer with the highest predicted CLV over the next `horizon_months`
  months (revenue, discounted monthly at `monthly_discount_rate`), and `top_clv`: that CLV;**
- **`call_list`: the churn-warning list — the customers whose current value (net spend up to
  `holdout_end`, RFM `monetary`) is at least the median and whose P(alive) is below `churn_p_alive`,
  as a list of customer ids.**
"""),
("code", """
# QUESTION q7_5 · points: 3 · answer: plan
# BEGIN SOLUTION
future = clv.predicted_value(tx, as_of=holdout_end, horizon_months=horizon_months,
                             monthly_discount_rate=monthly_discount_rate)
now = ck.rfm_table(tx[tx["order_date"] <= holdout_end], as_of=holdout_end, duplicates="keep")[["monetary"]]
now = now.join(future, how="inner")
at_risk = (now["monetary"] >= now["monetary"].median()) & (now["p_alive"] < churn_p_alive)
plan = {"top_customer": now["predicted_clv"].idxmax(), "top_clv": float(now["predicted_clv"].max()),
        "call_list": sorted(now.index[at_risk])}
# END SOLUTION
print(f"top customer {plan['top_customer']}: CLV {plan['top_clv']:,.2f}; {len(plan['call_list'])} customers to call")
"""),
("code", 'check("q7_5", plan)'),
("md", """
## Think about it

Why call the customers on `call_list` and not the customers with the highest predicted CLV? And what
would you check before trusting the list? Write two or three sentences.

<!-- BEGIN SOLUTION -->
*Model answer:* the top-CLV customers are almost surely still active and will buy anyway, so a call
adds little. The customers on the call list spent a lot but have been silent for much longer than
their own buying rate makes likely, so the model thinks they have probably left — their predicted CLV
is near zero unless someone wins them back, which is where a call can change the outcome. Before
acting, check the holdout fit (Q7.4) for frequent buyers, read a few of the customers' histories
(a move, a complaint?), and measure the calls' effect with a control group (lesson 7).
<!-- END SOLUTION -->
"""),
("md", """
## Recap

- BTYD frequency counts repeat purchase days, recency is the age at the last purchase, T the age at
  the end of calibration — in weeks.
- BG/NBD gives P(alive) and expected purchases; test it on a holdout period before you trust it.
- Predicted CLV shows who is worth most tomorrow; P(alive) shows whom you are about to lose.
"""),
]
build(str(ROOT / "solutions" / "07_clv.ipynb"), cells)
