#!/usr/bin/env python
"""Time coursekit.clv: the CDNOW reference fits, CLV, and larger simulated data.

    python benchmarks/bench_clv.py [--repeat 5] [--customers 100000] [--rows 1000000]

Prints one line per step: best and median wall-clock seconds over ``--repeat`` runs (the first,
cold run — imports, scipy set-up — is reported separately) and the best CPU time of the process
(less disturbed by other programs on the machine), then the fitted numbers next to the published
ones, so a slower or different fit shows at once. Nothing is asserted: wall-clock timings on a
shared 2-core VM vary severalfold when other work runs; compare figures from the same run.

Steps
- CDNOW sample (datasets/cdnow, 6,919 lines, 2,357 customers): load_cdnow, summary_from_transactions
  (39 weeks to 1997-09-30), fit_bg_nbd, fit_gamma_gamma, 12-month CLV of every customer,
  calibration_holdout + holdout_comparison.
- ``--customers`` simulated customers (simulate_summary, ages spread over 1..52 weeks so few rows
  repeat): fit_bg_nbd, fit_gamma_gamma, CLV.
- ``--rows`` synthetic transaction lines (10 lines per customer on average, two years of days):
  summary_from_transactions.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scipy  # noqa: E402

import coursekit  # noqa: E402
from coursekit import clv  # noqa: E402
from coursekit.datasets import load_cdnow  # noqa: E402

PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}


def timed(label: str, func, repeat: int):
    """Run ``func`` once cold and ``repeat`` times warm; print and return the last result."""
    start = time.perf_counter()
    result = func()
    cold = time.perf_counter() - start
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"  {label:<42} cold {cold:7.3f} s  best {min(times):7.3f} s  median {statistics.median(times):7.3f} s"
          f"  (CPU best {min(cpu):7.3f} s)")
    return result


def cdnow(repeat: int) -> None:
    print("CDNOW sample (Fader, Hardie & Lee 2005): 2,357 customers, calibration to 1997-09-30, weeks")
    path = ROOT / "datasets" / "cdnow" / "CDNOW_sample.txt"
    tx = timed("load_cdnow", lambda: load_cdnow(path).data, repeat)
    summary = timed("summary_from_transactions", lambda: clv.summary_from_transactions(
        tx, observation_end="1997-09-30", time_unit="W"), repeat)
    bg = timed("fit_bg_nbd", lambda: clv.fit_bg_nbd(summary), repeat)
    gg = timed("fit_gamma_gamma", lambda: clv.fit_gamma_gamma(summary), repeat)
    clv12 = timed("customer_lifetime_value (12 months, all)", lambda: gg.customer_lifetime_value(bg, summary), repeat)
    data = timed("calibration_holdout (to 1998-06-30)", lambda: clv.calibration_holdout(
        tx, calibration_end="1997-09-30", holdout_end="1998-06-30"), repeat)
    table = timed("holdout_comparison", lambda: clv.holdout_comparison(bg, data), repeat)
    print(f"  BG/NBD      fitted {fmt(bg.params, 3)}  (published {fmt(PUBLISHED_BG, 3)}), "
          f"log-likelihood {bg.log_likelihood:.1f} (published -9582.4), {bg.iterations} iterations")
    print(f"  Gamma-Gamma fitted {fmt(gg.params, 2)}  (published {fmt(PUBLISHED_GG, 2)}), "
          f"{gg.n_customers} repeat buyers, {gg.iterations} iterations")
    print(f"  12-month CLV: mean {clv12.mean():.2f}, total {clv12.sum():,.0f} dollars; holdout purchases: "
          f"actual {int(data['holdout_purchases'].sum()):,}, BG/NBD "
          f"{(table['customers'] * table['predicted']).sum():,.0f}")


def simulated(n: int, repeat: int) -> None:
    print(f"simulated: {n:,} customers (simulate_summary, ages 1..52 weeks)")
    ages = np.random.default_rng(0).uniform(1, 52, n)
    summary = clv.simulate_summary(PUBLISHED_BG, n_customers=n, T=ages, seed=1, gamma_gamma_params=PUBLISHED_GG)
    distinct = len(summary[["frequency", "recency", "T"]].drop_duplicates())
    print(f"  distinct (frequency, recency, T) rows: {distinct:,}")
    bg = timed("fit_bg_nbd", lambda: clv.fit_bg_nbd(summary), repeat)
    gg = timed("fit_gamma_gamma", lambda: clv.fit_gamma_gamma(summary), repeat)
    timed("customer_lifetime_value (12 months, all)", lambda: gg.customer_lifetime_value(bg, summary), repeat)
    print(f"  BG/NBD {fmt(bg.params, 3)} (truth {fmt(PUBLISHED_BG, 3)}); Gamma-Gamma {fmt(gg.params, 2)}")


def transactions(rows: int, repeat: int) -> None:
    customers = max(rows // 10, 1)
    print(f"synthetic log: {rows:,} lines, {customers:,} customers, 2023-01-01..2024-12-31")
    rng = np.random.default_rng(2)
    tx = pd.DataFrame({
        "customer_id": rng.integers(0, customers, rows),
        "order_date": np.datetime64("2023-01-01") + rng.integers(0, 731, rows).astype("timedelta64[D]"),
        "amount": np.round(rng.lognormal(3.5, 0.8, rows), 2),
    })
    timed("summary_from_transactions", lambda: clv.summary_from_transactions(tx, observation_end="2024-12-31"),
          repeat)


def fmt(params: dict, digits: int) -> str:
    return ", ".join(f"{k}={v:.{digits}f}" for k, v in params.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per step (default 5)")
    parser.add_argument("--customers", type=int, default=100_000, help="simulated customers (0: skip)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic transaction lines (0: skip)")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"scipy {scipy.__version__}, coursekit {coursekit.__version__}; {platform.machine()}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", coursekit.CoursekitWarning)
        cdnow(args.repeat)
        if args.customers:
            simulated(args.customers, args.repeat)
        if args.rows:
            transactions(args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
