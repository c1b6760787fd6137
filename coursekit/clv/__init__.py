"""Probabilistic customer lifetime value (客户终身价值): BG/NBD and Gamma-Gamma, fitted by maximum likelihood.

The "buy till you die" (BTYD) models predict what each customer will do next from a few numbers
of their past. On the CDNOW sample they give the published parameters to the printed precision
(Fader, Hardie & Lee 2005; Fader & Hardie 2013; see ``tests/test_clv.py``):

====================================================  ==============================================
:func:`summary_from_transactions`                     transaction log → frequency, recency, T,
                                                      monetary_value per customer
:func:`fit_bg_nbd` → :class:`BGNBDModel`              purchases: ``p_alive``, ``expected_purchases``
:func:`fit_gamma_gamma` → :class:`GammaGammaModel`    spend: ``expected_average_spend``; with a
                                                      BG/NBD model, ``customer_lifetime_value``
:func:`calibration_holdout`                           split the log in time: calibration summary +
                                                      actual purchases afterwards
:func:`holdout_comparison`, :func:`holdout_plot`      predicted vs actual in the holdout period
:func:`simulate_summary`                              customers drawn from known parameters
====================================================  ==============================================

BTYD words are not RFM words (say it in class):

- **frequency** = *repeat* purchases (distinct purchase days after the first), not the number of
  orders of :func:`coursekit.rfm_table`: a customer who bought once has frequency 0.
- **recency** = the customer's *age at the last purchase* (first → last purchase), not "days since
  the last purchase": the later the last purchase, the *larger* it is (RFM recency gets smaller).
- **T** = the customer's age at the observation end (first purchase → ``observation_end``).
- **monetary_value** = mean value of the repeat purchases (the first purchase left out).

Time unit: ``recency``, ``T``, the parameter ``alpha`` and every horizon ``t`` are in one unit,
weeks (``"W"``, days / 7, the unit of the papers) or days (``"D"``), kept in
``summary.attrs["time_unit"]`` and in the fitted model. CLV horizons are in months of 365.25 / 12
days, discounted monthly (see :mod:`coursekit.clv.gamma_gamma`).

The formulas (log-likelihoods, P(alive), conditional expectations) are stated in
:mod:`coursekit.clv.bg_nbd` and :mod:`coursekit.clv.gamma_gamma`.

A worked example on simulated customers:

>>> import pandas as pd
>>> from coursekit.clv import fit_bg_nbd, fit_gamma_gamma, simulate_summary
>>> summary = simulate_summary({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}, n_customers=1000,
...                            T=39, seed=7, gamma_gamma_params={"p": 6.0, "q": 4.0, "v": 15.0})
>>> bg, gg = fit_bg_nbd(summary), fit_gamma_gamma(summary)
>>> result = pd.DataFrame({
...     "frequency": summary["frequency"],
...     "p_alive": bg.p_alive(summary),
...     "next_year": bg.expected_purchases(summary, 52),     # weeks
...     "spend": gg.expected_average_spend(summary),
...     "clv": gg.customer_lifetime_value(bg, summary, months=12, monthly_discount_rate=0.01),
... })
>>> result.sort_values("clv", ascending=False).head(3).round(2)
             frequency  p_alive  next_year   spend      clv
customer_id
419                 19     0.95      15.08  124.95  1784.27
561                  4     0.76       2.95  318.38   887.54
433                 24     0.91      17.96   35.65   606.38

Customer 561 buys less often than 433 but spends far more per purchase; the model shrinks their
spend towards the population mean, more so the fewer purchases it has seen.

References
----------
- Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an
  alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.
- Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves for
  customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
- Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
  http://brucehardie.com/notes/025/
"""

from coursekit.clv._summary import calibration_holdout, summary_from_transactions
from coursekit.clv.bg_nbd import BGNBDModel, fit_bg_nbd
from coursekit.clv.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from coursekit.clv.holdout import holdout_comparison, holdout_plot
from coursekit.clv.predict import predicted_value
from coursekit.clv.simulate import simulate_summary

__all__ = [
    "BGNBDModel",
    "GammaGammaModel",
    "calibration_holdout",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "holdout_comparison",
    "holdout_plot",
    "predicted_value",
    "simulate_summary",
    "summary_from_transactions",
]
