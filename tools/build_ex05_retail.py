"""Write solutions/05_retail.ipynb (the one source of exercise 05_retail); execute it afterwards with
`cd solutions && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 05_retail.ipynb`."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from solbuild import build  # noqa: E402

cells = [
("md", """
# Exercise 5 · Case: a retailer (零售案例)

Practise lesson 7: tier the shop's customers, see where the high-value customers buy, and check the
campaign's "+15% sales" claim against its control group.

**Objectives** — you can:
1. turn transactions into RFM and value4 tiers and count the customers per tier;
2. measure how much of the sales the high-value tier brings, and through which channels;
3. build each campaign customer's outcome in the window after the send date;
4. estimate the campaign's uplift with a 95% interval and judge the claim.

**How this works.** Answer each question in the cell below it (replace the `...`), then run the
**check cell** after it: it tells you at once what is right or what to look at — it never gives the
answer away. The grader runs the same checks (and a few hidden ones) on your saved notebook.

**Data:** the synthetic shop in `datasets/retail/` — `transactions` (one row per order line; negative
amounts are returns), `customers` and `campaign` (one row per customer in the campaign, with the
send date and the randomised group) — or the data your trainer chose in the parameters cell.
"""),
("params", """
# Parameters — your trainer may change these (papermill: -p NAME VALUE)
data_dir = "../datasets" # the shipped data
size = 0                 # above 0: generate this many customers afresh with `seed`
seed = 42
campaign_effect = 0.15   # true effect built into generated data (used only when size is above 0)
window_days = 60         # days after the send date in which purchases count
claimed_uplift = 0.15    # the claim to check: "+15% sales"
"""),
("md", "Write your name between the quotes: it goes on your feedback sheet."),
("code", 'trainee_name = ""'),
("md", "## Setup — just run this cell"),
("code", """
import warnings
import pandas as pd
import coursekit as ck
from coursekit.strategy import campaign_outcomes, uplift
from coursekit.grading import Exercise

warnings.simplefilter("ignore", ck.CoursekitWarning)
ex = Exercise("05_retail", data_dir=data_dir, size=size, seed=seed, campaign_effect=campaign_effect,
              window_days=window_days, claimed_uplift=claimed_uplift)
check = ex.check
tx, campaign = ex.data["transactions"], ex.data["campaign"]
print(f"{len(tx):,} order lines of {tx['customer_id'].nunique():,} customers; {len(campaign):,} in the campaign")
tx.head(3)
"""),
("md", """
## Q5.1 · Tier the customers (2 points)

**Compute the RFM table of the transactions (one order has several lines; use the default analysis
date, the day after the last order) and tier it with the built-in `value4` scheme. Store the number
of customers per tier in `tier_sizes` (a Series: tier → customers).** Keep the tiered table: the next
questions use it.
"""),
("code", """
# QUESTION q5_1 · points: 2 · answer: tier_sizes
# BEGIN SOLUTION
rfm = ck.rfm_table(tx, order_col="order_id")
tiered = ck.assign_tiers(rfm, "value4")
tier_sizes = tiered["tier"].value_counts()
# END SOLUTION
tier_sizes
"""),
("code", 'check("q5_1", tier_sizes)'),
("md", """
## Q5.2 · Where the value is (1 point)

**What share of the shop's net sales (`monetary`, returns included) do the high-value customers
bring? Store it in `high_share` as a fraction between 0 and 1 (keep at least 4 decimals).**
"""),
("code", """
# QUESTION q5_2 · points: 1 · answer: high_share
# BEGIN SOLUTION
high = tiered["tier"] == "high-value"
high_share = float(tiered.loc[high, "monetary"].sum() / tiered["monetary"].sum())
# END SOLUTION
high_share
"""),
("code", 'check("q5_2", high_share)'),
("md", """
## Q5.3 · How the high-value customers buy (1 point)

Tailored service needs the tier's habits. **For the high-value tier, compute each channel's share of
the tier's net sales (the shares add up to 1). Store it in `high_mix` (a Series: channel → share).**
"""),
("code", """
# QUESTION q5_3 · points: 1 · answer: high_mix
# BEGIN SOLUTION
lines = tx.join(tiered["tier"], on="customer_id")
mix = pd.crosstab(lines["tier"], lines["channel"], values=lines["amount"], aggfunc="sum", normalize="index")
high_mix = mix.loc["high-value"]
# END SOLUTION
high_mix
"""),
("code", 'check("q5_3", high_mix)'),
("md", """
## Q5.4 · The campaign's outcomes (2 points)

Each eligible customer was put at random in the *treatment* group (got the exclusive offer) or the
*control* group (not contacted). **Build `outcomes`: one row per campaign customer (index
`customer_id`) with the columns `group`, `orders_after` (orders with a positive net amount from the
send date up to, not including, send date + `window_days`) and `sales_after` (net sales in that
window). Customers who bought nothing get 0.**
"""),
("code", """
# QUESTION q5_4 · points: 2 · answer: outcomes
# BEGIN SOLUTION
outcomes = campaign_outcomes(tx, campaign, window_days=window_days)
# END SOLUTION
outcomes
"""),
("code", 'check("q5_4", outcomes)'),
("md", """
## Q5.5 · Is the "+15% sales" claim supported? (3 points)

**Estimate the campaign's relative uplift on sales — mean `sales_after` of the treatment group /
mean of the control group − 1, without a covariate — with its 95% confidence interval. Decide whether
the claim `claimed_uplift` is supported: the interval must exclude 0 *and* contain the claimed value.
Store `claim = {"uplift": ..., "ci_low": ..., "ci_high": ..., "supported": True or False}`.**
"""),
("code", """
# QUESTION q5_5 · points: 3 · answer: claim
# BEGIN SOLUTION
sales = uplift(outcomes["sales_after"], outcomes["group"])
low, high_end = sales["relative_ci_low"], sales["relative_ci_high"]
claim = {"uplift": sales["relative_uplift"], "ci_low": low, "ci_high": high_end,
         "supported": bool(low > 0 and low <= claimed_uplift <= high_end)}
# END SOLUTION
claim
"""),
("code", 'check("q5_5", claim)'),
("md", """
**What would you tell the retailer's manager about the "+15% sales" headline? Three sentences: what
the estimate and the interval say, and what would make the answer clearer next time.**

<!-- BEGIN SOLUTION -->
*Model answer:* in the shipped data the estimate is about +11% but the 95% interval runs from about
−17% to +40%: it contains +15%, and it also contains 0, so the data are *consistent* with the claim
but do not *show* any effect — "sales +15%" is not proven. Only the randomised control group makes
this comparison fair; comparing the treatment group with its own past would count seasons and trends
as campaign effect. Sales are heavy-tailed, so next time use a larger test, a longer window, or a
pre-period covariate (CUPED) to narrow the interval — and report the interval with the headline.
<!-- END SOLUTION -->
"""),
("md", """
## Recap

- RFM counts orders, not lines; value4 tiers show that a quarter of the customers bring most of the sales.
- A tier's channel mix is a share of *its own* sales: normalise by row.
- Campaign outcomes need a row for every campaign customer, buyers or not, in a window counted from
  the send date.
- A claim is supported when its interval excludes 0 and contains the claimed value; "consistent
  with" is not "proven".
"""),
]
build(str(ROOT / "solutions" / "05_retail.ipynb"), cells)
