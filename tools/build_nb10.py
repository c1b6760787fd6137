"""Build notebooks/10_clv_advanced.ipynb (unexecuted) from the cells below.

    .venv/bin/python tools/build_nb10.py
    cd notebooks && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace 10_clv_advanced.ipynb

Each cell is ("md" | "code" | "params", source). Keep the parameters cell free of "=" in comments
(papermill would silently skip the line).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks" / "10_clv_advanced.ipynb"

CELLS = [
("md", """
# 10 · Advanced: probabilistic CLV (BG/NBD + Gamma-Gamma) (概率客户终身价值)

Lesson 3 put a number on future value with the retention formula: one retention rate, assumed, the
same for everyone. Here the data speak for each customer. The **BG/NBD** model ("buy till you die")
learns from a customer's own history how often they buy and how likely it is that they have quietly
left; the **Gamma-Gamma** model learns how much they spend per purchase. Together they give a
discounted 12-month CLV (客户终身价值) per customer — the "future value" axis of the value matrix, and
a probability for the churn warning (流失预警).

**Objectives** — by the end you can:
1. build the BTYD summary (frequency, recency, T) and tell it apart from RFM's quantities of the same name;
2. fit BG/NBD, read its four parameters and reproduce the published CDNOW values;
3. explain P(alive), and why a frequent buyer who went quiet is likely gone;
4. check a model on a holdout period: predicted vs actual purchases;
5. compute a discounted CLV with Gamma-Gamma and use it in the current × future value matrix and the churn warning.

**Prerequisites:** lessons 2–3 (RFM, value tiers, CLV, value matrix). **Data:** by default the
**CDNOW** sample — real purchases of 2,357 customers of an online music shop, 1997–1998, published by
Fader & Hardie (copied from lifetimes 0.11.3, see `datasets/cdnow/README.md`); or the course's
synthetic shop (`dataset = "retail"`).
"""),
("params", """
# Parameters — a trainer may change any of these (papermill: coursekit run -p NAME VALUE)
dataset = "cdnow"        # "cdnow" (real, Fader and Hardie) or "retail" (synthetic shop); also "b2b-distributor"
data_dir = "../datasets" # the shipped data
size = 0                 # retail only: above 0 generates this many customers afresh (with seed)
seed = 42
calibration_end = ""     # last day the model learns from; empty: 1997-09-30 for cdnow, 2024-06-30 otherwise
holdout_end = ""         # last day of the holdout period; empty: 1998-06-30 for cdnow, 2024-12-31 otherwise
time_unit = "W"          # "W" weeks (as in the papers) or "D" days
horizon_months = 12      # CLV horizon in months
monthly_discount_rate = 0.01  # 0.01 a month is about 12.7% a year
margin_rate = 1.0        # profit as a share of revenue; 1.0 gives revenue
churn_p_alive = 0.5      # churn warning: valuable customers with P(alive) below this
"""),
("code", """
# Setup — just run this cell
import warnings
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
import coursekit as ck
from coursekit import clv, plots
from coursekit.datasets import course_transactions, load_cdnow

pd.set_option("display.precision", 3)
warnings.simplefilter("ignore", ck.CoursekitWarning)  # returns are left out of BTYD purchases (a warning says so)
PERIODS = {"cdnow": ("1997-09-30", "1998-06-30"), "retail": ("2024-06-30", "2024-12-31"),
           "b2b-distributor": ("2023-12-31", "2024-12-31"), "b2b-manufacturer": ("2023-12-31", "2024-12-31")}
if dataset not in PERIODS:
    raise ck.DataError(f"dataset must be one of {sorted(PERIODS)}, got {dataset!r}")
if dataset == "cdnow":
    tx = load_cdnow(f"{data_dir}/cdnow/CDNOW_sample.txt").data
else:
    tx = course_transactions(dataset, data_dir=data_dir, size=size or None, seed=seed if size else None)
calibration_end = calibration_end or PERIODS[dataset][0]
holdout_end = holdout_end or PERIODS[dataset][1]
order_col = "order_id" if "order_id" in tx.columns else None   # CDNOW: one line is one order
unit_days = {"W": 7, "D": 1}[time_unit]
unit = {"W": "weeks", "D": "days"}[time_unit]
print(f"{dataset}: {len(tx):,} lines of {tx['customer_id'].nunique():,} customers, "
      f"{tx['order_date'].min():%Y-%m-%d} to {tx['order_date'].max():%Y-%m-%d}; "
      f"calibration to {calibration_end}, holdout to {holdout_end}")
"""),
("md", """
## 1 · Same letters, different quantities: BTYD summary vs RFM
BTYD models need three numbers per customer, measured from the **first purchase** and up to the end
of the calibration period. Two of them share a name with RFM (lesson 2) and mean something else:

| | RFM (lesson 2) | BTYD (this lesson) |
| --- | --- | --- |
| frequency | number of orders | **repeat** purchases: purchase *days* after the first |
| recency | days since the last purchase (small is good) | **age at the last purchase**: first → last purchase (large is good) |
| age | `tenure_days`: first purchase → as_of | `T`: first purchase → end of calibration |
"""),
("code", """
cal_tx = tx[tx["order_date"] <= calibration_end]
summary = clv.summary_from_transactions(cal_tx, observation_end=calibration_end, time_unit=time_unit)
rfm = ck.rfm_table(cal_tx, as_of=calibration_end, order_col=order_col, duplicates="keep")
pd.concat({"RFM": rfm[["frequency", "recency_days", "tenure_days"]],
           f"BTYD ({unit})": summary[["frequency", "recency", "T"]]}, axis=1).head(5).round(2)
"""),
("md", """
The pandas behind it, once: BTYD recency is RFM's tenure minus RFM's recency (first → last purchase),
and BTYD frequency is RFM frequency − 1 — except for customers with two orders on one day, which
count as one purchase. Check it on every customer:
"""),
("code", """
same_recency = ((rfm["tenure_days"] - rfm["recency_days"]) / unit_days - summary["recency"]).abs() < 1e-9
same_frequency = rfm["frequency"] - 1 == summary["frequency"]
print(f"recency: (tenure_days − recency_days) / {unit_days} holds for {same_recency.mean():.0%} of customers")
print(f"frequency: RFM frequency − 1 holds for {same_frequency.mean():.1%}; the others ordered twice on a day")
"""),
("md", """
## 2 · Fit BG/NBD: four numbers for the whole customer base
Each customer buys at their own rate λ while active; rates vary across customers as a gamma
distribution (**r**, **alpha**). After each repeat purchase a customer drops out for good with their
own probability p, which varies as a beta distribution (**a**, **b**). Maximum likelihood finds the
four numbers that make the observed summaries most likely.
"""),
("code", """
bg = clv.fit_bg_nbd(summary)
print(bg)
"""),
("md", """
Fader, Hardie & Lee (2005) published the fit on the CDNOW calibration period (39 weeks). `alpha` is a
time (its unit is the summary's), so in days it is 7 times the value in weeks; r, a and b have no unit.
"""),
("code", """
published = {"r": 0.243, "alpha": 4.414 * 7 / unit_days, "a": 0.793, "b": 2.426}
pd.DataFrame({"fitted": bg.params, "published (CDNOW)": published}).round(3)
"""),
("md", "What the parameters say, in words a manager understands:"),
("code", """
r, alpha, a, b = bg.params.values()
print(f"mean purchase rate while active: {r / alpha * 365.25 / unit_days:.1f} purchases a year")
print(f"mean chance of dropping out after a purchase: {a / (a + b):.0%}")
"""),
("md", """
## 3 · P(alive): who is still a customer?
Nobody announces that they have left. BG/NBD infers it: P(alive) is the probability that the
customer is still active at the end of the calibration period, given how often they bought and how
long they have been silent (`silence` = T − recency).
"""),
("code", """
alive = summary.assign(silence=summary["T"] - summary["recency"], p_alive=bg.p_alive(summary))
regulars = alive[alive["frequency"] >= 5].sort_values("p_alive")
pd.concat([regulars.head(2), regulars.tail(2), alive[alive["frequency"] == 0].head(1)]).round(3)
"""),
("md", """
**Why a frequent buyer who went quiet has a low P(alive).** The first two rows bought often, so the
model has learnt that their rate is high. For such a customer a long silence is very unlikely *if they
were still active* — it is much better explained by their having left. The next two bought just as
often and bought recently: almost surely active. The last row bought once: BG/NBD lets customers drop
out only after a repeat purchase, so a one-time buyer always has P(alive) = 1 — a known quirk of the
model (their *expected purchases* are still low, because one purchase says their rate is probably low).
"""),
("md", """
## 4 · Does it predict? Calibration and holdout
A model is judged on data it has not seen. Fit on the calibration period, predict the repeat purchases
of the same customers in the holdout period, and compare with what they actually did — group by
group (calibration frequency 0, 1, …, 7+), not only in total.
"""),
("code", """
data = clv.calibration_holdout(tx, calibration_end=calibration_end, holdout_end=holdout_end, time_unit=time_unit)
comparison = clv.holdout_comparison(bg, data)
comparison.round(3)
"""),
("code", """
predicted_total = (comparison["customers"] * comparison["predicted"]).sum()
actual_total = data["holdout_purchases"].sum()
print(f"holdout of {data['holdout_length'].iloc[0]:.1f} {unit}: predicted {predicted_total:,.0f} repeat purchases, "
      f"actual {actual_total:,} ({predicted_total / actual_total - 1:+.1%})")
"""),
("md", "The same comparison as a chart: the closer the lines, the better the model describes each group."),
("code", "ax = clv.holdout_plot(comparison)"),
("md", """
## 5 · Spend per purchase: Gamma-Gamma
BG/NBD counts purchases, not money. Gamma-Gamma gives each customer their own mean spend per purchase,
estimated from their repeat purchases and **shrunk towards the population mean** — the more purchases
seen, the more the customer's own average counts. It assumes spend does not depend on how often a
customer buys; check that first (a correlation near 0 is what we want):
"""),
("code", """
repeat = summary[summary["frequency"] > 0]
print(f"{len(repeat):,} repeat buyers; correlation of frequency and mean spend: "
      f"{repeat['frequency'].corr(repeat['monetary_value']):.2f}")
"""),
("code", """
gg = clv.fit_gamma_gamma(summary)
print(gg)
pd.DataFrame({"fitted": gg.params, "published (CDNOW)": {"p": 6.25, "q": 3.74, "v": 15.44}}).round(2)
"""),
("md", "Shrinkage at work: the biggest average spenders, and what the model expects them to spend next time."),
("code", """
spend = summary.assign(expected_spend=gg.expected_average_spend(summary))
spend[spend["frequency"] > 0].sort_values("monetary_value", ascending=False).head(4).round(2)
"""),
("md", """
## 6 · CLV over the next `horizon_months`, discounted
CLV = margin × expected spend × Σ over months i of (purchases expected in month i) / (1 + d)^i, with
d = `monthly_discount_rate` (money of month i is worth less today). Future purchases only: past spend
is not in it.
"""),
("code", """
value = spend.assign(p_alive=bg.p_alive(summary), clv=gg.customer_lifetime_value(
    bg, summary, months=horizon_months, monthly_discount_rate=monthly_discount_rate, margin_rate=margin_rate))
value.sort_values("clv", ascending=False).head(5).round(2)
"""),
("md", "Predicted value is even more concentrated than past value (lesson 1's Pareto view):"),
("code", """
print(f"the top 10% of customers hold {ck.concentration(value['clv'], 0.1):.0%} of the predicted "
      f"{horizon_months}-month value, the top 20% hold {ck.concentration(value['clv'], 0.2):.0%}")
"""),
("md", """
## 7 · The value matrix with a predicted future
For decisions today, fit on **all** the data up to `holdout_end`: `clv.predicted_value` does the whole
pipeline (summary → BG/NBD → Gamma-Gamma → CLV) in one call and returns one row per customer.
"""),
("code", """
future = clv.predicted_value(tx, as_of=holdout_end, time_unit=time_unit, horizon_months=horizon_months,
                             monthly_discount_rate=monthly_discount_rate, margin_rate=margin_rate)
future.describe().loc[["mean", "50%", "max"]]
"""),
("md", """
Lesson 3's value matrix used r_score + f_score as a stand-in for future value. Now the future axis is
the predicted CLV and the current axis the money spent so far (RFM monetary); the lines are the medians.
"""),
("code", """
now = ck.rfm_table(tx[tx["order_date"] <= holdout_end], as_of=holdout_end, order_col=order_col,
                   duplicates="keep").join(future, how="inner")
lines = {"current_high": float(now["monetary"].median()), "future_high": float(now["predicted_clv"].median())}
clv_matrix = {"name": "clv_matrix", "params": lines, "rules": [
    {"tier": "VIP", "when": "monetary >= current_high and predicted_clv >= future_high"},
    {"tier": "maintain", "when": "monetary >= current_high"},
    {"tier": "improve", "when": "predicted_clv >= future_high"},
    {"tier": "abandon", "when": "otherwise"}]}
matrix = ck.assign_tiers(now, clv_matrix)
ck.tier_summary(matrix, clv_matrix, value_col="predicted_clv")[["customers", "customer_share", "value_share"]]
"""),
("code", """
ax = plots.value_matrix_scatter(matrix, current="monetary", future="predicted_clv", log=True, scheme=clv_matrix,
                                current_threshold=lines["current_high"], future_threshold=lines["future_high"])
sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1))  # the corner labels stay visible
"""),
("md", "How many customers change quadrant when lesson 3's proxy is replaced by the model? Rows: proxy; columns: model."),
("code", """
quadrants = ["VIP", "maintain", "improve", "abandon"]
proxy = ck.assign_tiers(now, "value_matrix")["tier"]
pd.crosstab(proxy.rename("proxy (lesson 3)"), matrix["tier"].rename("model")).reindex(
    index=quadrants, columns=quadrants, fill_value=0)
"""),
("md", """
## 8 · The churn warning with P(alive)
Lesson 3 warned about customers who fell from the high-value tier between two snapshots. The model
gives a probability today: valuable customers (current value above the median) whose P(alive) is
below `churn_p_alive` are the ones to call first.
"""),
("code", """
warning = matrix[(matrix["monetary"] >= lines["current_high"]) & (matrix["p_alive"] < churn_p_alive)]
print(f"{len(warning):,} of {len(matrix):,} customers: valuable, with P(alive) below {churn_p_alive}")
warning.sort_values("monetary", ascending=False)[["recency_days", "frequency", "monetary", "p_alive"]].head().round(3)
"""),
("md", """
### Try it
- Set `dataset = "retail"`: how do the fitted parameters differ from CDNOW's, and what does a small
  `a / (a + b)` say about this shop's customers?
- Set `time_unit = "D"`: `alpha` grows 7-fold — do P(alive) and the CLVs change?
- Set `calibration_end = "1997-06-30"` (CDNOW): a shorter calibration period. Does the holdout fit get worse?
- Set `monthly_discount_rate = 0` and then `0.03`, or `horizon_months = 36`: which customers' CLV moves most?
- Raise `churn_p_alive` to 0.7: how long does the call list get? Who decides the threshold?
"""),
("md", """
### Knowledge check (知识检查)
1. A customer ordered on 3 different days (one of them twice). What are their RFM frequency and their BTYD frequency?
2. Two customers both last bought 20 weeks ago; one had bought 15 times, the other twice. Who has the
   lower P(alive), and why?
3. Why does BG/NBD give every one-time buyer P(alive) = 1? Does that make their CLV high?
4. The total predicted holdout purchases are within 15% of the actual ones. Is that enough to trust the
   model for your best customers? What else do you look at?
5. A customer made one repeat purchase of 300. Why does Gamma-Gamma expect much less from their next purchase?
"""),
("md", """
### Recap
- BTYD frequency counts **repeat** purchase days, BTYD recency is the **age at the last purchase**, T the
  age now — not RFM's quantities; say which one you mean.
- BG/NBD (r, alpha, a, b) gives each customer P(alive) and expected purchases; on CDNOW it reproduces
  the published parameters. Check any model on a holdout period, group by group.
- Gamma-Gamma shrinks each customer's spend towards the population mean; with BG/NBD it gives a
  discounted CLV.
- `clv.predicted_value` puts the predicted CLV on the value matrix's future axis and P(alive) into the
  churn warning.
"""),
("md", "← [Training evaluation (培训效果评估)](09_training_evaluation.ipynb) | [Contents](00_contents.ipynb)"),
]


def build(path: Path = OUT) -> None:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    for kind, source in CELLS:
        source = source.strip("\n")
        if kind == "md":
            nb.cells.append(new_markdown_cell(source))
        elif kind == "params":
            nb.cells.append(new_code_cell(source, metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(new_code_cell(source))
    nbformat.write(nb, path)


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
