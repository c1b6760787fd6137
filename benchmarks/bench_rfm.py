#!/usr/bin/env python
"""Benchmark coursekit.rfm_table + assign_tiers against the same computation in polars and DuckDB.

    python benchmarks/bench_rfm.py [--rows 1000000 10000000] [--repeat 3] [--out benchmarks/results/rfm.json]

For every size the script

1. generates synthetic order lines (numpy, seeded, vectorised; see :func:`make_transactions`);
2. runs each engine once in this process and checks that all three agree *exactly* on
   recency_days, frequency, monetary, tenure_days, r/f/m scores and tier for every customer
   (outside any timed region); any mismatch is printed customer by customer and the script exits 1;
3. for each engine in turn, starts a fresh worker process (multiprocessing, "spawn") that builds
   the same data from the seed, measures the peak extra resident memory of one run, times
   ``--repeat`` runs back to back on the data already in memory, and (coursekit only) takes the
   tracemalloc peak of one last run;
4. prints a table (best / median seconds, ratio to the fastest engine, peak memory relative to the
   input frame) and writes everything to ``--out`` as JSON.

See benchmarks/README.md for the method and the latest results.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

ENGINES = ("coursekit", "polars", "duckdb")
COLUMNS = ["recency_days", "frequency", "monetary", "tenure_days", "r_score", "f_score", "m_score", "tier"]
REQUIRED = ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"]
BINS = 5
START_DAY = np.datetime64("2024-01-01", "D")
N_DAYS = 731  # 2024-01-01 .. 2025-12-31
TARGET_TIME_RATIO = 1.5  # coursekit <= 1.5x the fastest engine (at 10M rows)
TARGET_MEMORY_RATIO = 3.0  # coursekit peak extra memory <= 3x the input frame

# value4, first match wins. Used when coursekit/schemes/value4.yaml cannot be read; otherwise the
# rules are read from there (see value4_rules) and a difference from this copy is reported.
VALUE4_BUILTIN = (
    [
        ("high-value", "r_score >= 3 and f_score >= 4 and m_score >= 4"),
        ("churning", "r_score <= 2 and f_score >= 3 and m_score >= 3"),
        ("potential", "r_score >= 4 or (r_score >= 3 and f_score + m_score >= 6)"),
    ],
    "general",
)
VALUE4_YAML = ROOT / "coursekit" / "schemes" / "value4.yaml"


@functools.lru_cache(maxsize=1)
def value4_rules():
    """(rules, default tier, where they came from); rules are SQL conditions (polars reads them
    with pl.sql_expr, DuckDB in a CASE)."""
    try:
        import yaml

        spec = yaml.safe_load(VALUE4_YAML.read_text(encoding="utf-8"))
        rules = [(str(r["tier"]), " ".join(str(r["when"]).split())) for r in spec["rules"]]
    except (OSError, ImportError, KeyError, TypeError):
        return (*VALUE4_BUILTIN, "built-in copy (value4.yaml not readable)")
    default = [tier for tier, when in rules if when == "otherwise"]
    rules = [(tier, when) for tier, when in rules if when != "otherwise"]
    if len(default) != 1:
        raise SystemExit(f"{VALUE4_YAML}: expected exactly one 'otherwise' rule")
    same = (rules, default[0]) == VALUE4_BUILTIN
    return rules, default[0], f"{VALUE4_YAML.relative_to(ROOT)}" + ("" if same else " (DIFFERS from the built-in copy)")


# ------------------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------------------

def make_transactions(n_rows: int, seed: int = 20261123) -> dict[str, np.ndarray]:
    """Synthetic order lines as numpy arrays: customer_id, order_id, order_date, amount.

    - ``n_rows // 10`` customers with random integer ids; 0.5% of them are return-only customers
      (only negative rows: coursekit drops them with a warning, the engines drop them too).
    - Orders first: every buying customer gets one order, the rest are shared out with a Pareto(1.3)
      customer weight (capped), so a few customers have thousands of orders. Each order has a date
      (uniform over the customer's active window inside 2024-01-01..2025-12-31, no time of day) and
      1-3 lines (2 on average). Order ids are unique per order and count up with the date.
    - Line amounts are lognormal, rounded to cents, ~0.1% exactly 0.00 (a free item is still an
      order); lines of one order never repeat an amount, so no row is an exact duplicate.
    - ~2% of rows are returns: negative amounts in separate rows with their own order id, mostly
      taking back part of an earlier line (same customer, 0-30 days later).
    - All rows are shuffled, so the data are not grouped by customer or order.
    """
    rng = np.random.default_rng(seed)
    n_rows = int(n_rows)
    n_cust = max(n_rows // 10, 4)
    n_ret_only = max(1, n_cust // 200)
    n_buyers = n_cust - n_ret_only
    n_ret = max(round(0.02 * n_rows), n_ret_only + 1)
    n_pur_rows = n_rows - n_ret
    if n_pur_rows < n_buyers:
        raise SystemExit(f"--rows {n_rows} is too small")

    # customers: ids, activity weight, active window
    cust_ids = 10_000_000 + 7 * rng.permutation(n_cust).astype(np.int64)
    weight = np.minimum(rng.pareto(1.3, n_buyers) + 1.0, 2_000.0)
    start = rng.integers(0, N_DAYS, n_buyers)
    end = np.minimum(start + rng.exponential(400.0, n_buyers).astype(np.int64), N_DAYS - 1)

    # orders: 1-3 lines each, cut so the purchase lines add up to n_pur_rows exactly
    lines = rng.integers(1, 4, n_pur_rows // 2 + 1000, dtype=np.int64)
    csum = np.cumsum(lines)
    n_orders = int(np.searchsorted(csum, n_pur_rows)) + 1
    lines = lines[:n_orders]
    lines[-1] -= int(csum[n_orders - 1]) - n_pur_rows
    if n_orders < n_buyers:
        raise SystemExit(f"--rows {n_rows} is too small")
    extra = rng.multinomial(n_orders - n_buyers, weight / weight.sum())
    order_cust = np.repeat(np.arange(n_buyers), 1 + extra)  # every buyer has at least one order
    span = end[order_cust] - start[order_cust] + 1
    order_day = start[order_cust] + (rng.random(n_orders) * span).astype(np.int64)
    # order ids count up with the date (as a shop's would); returns get the next ids
    order_ids = np.empty(n_orders + n_ret, dtype=np.int64)
    order_ids[np.argsort(order_day.astype(np.int16), kind="stable")] = 1_000_000_000 + np.arange(n_orders)
    order_ids[n_orders:] = 1_000_000_000 + n_orders + np.arange(n_ret)

    # purchase lines
    row_order = np.repeat(np.arange(n_orders), lines)
    cents = np.maximum(np.rint(rng.lognormal(3.4, 1.1, n_pur_rows) * 100.0).astype(np.int64), 1)
    cents[rng.random(n_pur_rows) < 0.001] = 0
    line_no = np.arange(n_pur_rows) - np.repeat(csum[:n_orders] - lines, lines)
    for _ in range(4):  # lines of one order (contiguous here) must not repeat an amount
        clash = np.zeros(n_pur_rows, dtype=bool)
        for back in (1, 2):
            clash[back:] |= (line_no[back:] >= back) & (cents[back:] == cents[:-back])
        if not clash.any():
            break
        cents[clash] += 1
    else:  # pragma: no cover
        raise RuntimeError("could not make order lines distinct")
    p_cust = order_cust[row_order]
    p_day = order_day[row_order]

    # returns: the first n_ret_only go one to each return-only customer, the rest undo part of a line
    n_linked = n_ret - n_ret_only
    src = rng.integers(0, n_pur_rows, n_linked)
    r_cust = np.concatenate([np.arange(n_buyers, n_cust), p_cust[src]])
    r_day = np.concatenate([rng.integers(0, N_DAYS, n_ret_only),
                            np.minimum(p_day[src] + rng.integers(0, 31, n_linked), N_DAYS - 1)])
    r_cents = np.concatenate([
        np.maximum(np.rint(rng.lognormal(3.0, 1.0, n_ret_only) * 100.0).astype(np.int64), 1),
        np.maximum(np.rint(cents[src] * rng.uniform(0.1, 1.0, n_linked)).astype(np.int64), 1),
    ])

    perm = rng.permutation(n_rows)
    customer_id = cust_ids[np.concatenate([p_cust, r_cust])][perm]
    order_id = np.concatenate([order_ids[row_order], order_ids[n_orders:]])[perm]
    day = np.concatenate([p_day, r_day])[perm]
    amount = (np.concatenate([cents, -r_cents])[perm] / 100.0)
    order_date = (START_DAY + day).astype("datetime64[us]")
    return {"customer_id": customer_id, "order_id": order_id, "order_date": order_date, "amount": amount}


def to_pandas(arrays):
    import pandas as pd

    return pd.DataFrame(arrays)


def to_polars(arrays):
    import polars as pl

    return pl.DataFrame({name: arrays[name] for name in ("customer_id", "order_id", "order_date", "amount")})


def frame_bytes(arrays) -> int:
    """Size of the pandas input frame, ``tx.memory_usage(deep=True).sum()``."""
    return int(to_pandas(arrays).memory_usage(deep=True).sum())


# ------------------------------------------------------------------------------------------------
# Engines
# ------------------------------------------------------------------------------------------------

def coursekit_rfm(tx):
    import coursekit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", coursekit.CoursekitWarning)  # return-only customers dropped
        return coursekit.rfm_table(tx, order_col="order_id")


def coursekit_tiers(rfm):
    import coursekit

    return coursekit.assign_tiers(rfm, scheme="value4")


def polars_query(frame):
    """The RFM + value4 computation as one lazy polars query; returns a polars DataFrame."""
    import polars as pl

    purchase = pl.col("amount") >= 0
    day = pl.col("order_date").cast(pl.Date).cast(pl.Int32)  # days since 1970-01-01
    n = pl.len()

    def score(column, descending=False):
        worse = pl.col(column).rank("min", descending=descending).cast(pl.Int64) - 1
        return 1 + (BINS * worse) // n

    value4, default, _ = value4_rules()
    tiers = None
    for tier, rule in value4:
        cond = pl.sql_expr(rule)
        tiers = pl.when(cond).then(pl.lit(tier)) if tiers is None else tiers.when(cond).then(pl.lit(tier))
    tier_expr = tiers.otherwise(pl.lit(default))

    return (
        frame.lazy()
        .group_by("customer_id")
        .agg(
            latest=day.max(),  # over all rows, for as_of
            last=day.filter(purchase).max(),
            first=day.filter(purchase).min(),
            frequency=pl.col("order_id").filter(purchase).n_unique().cast(pl.Int64),
            cents=(pl.col("amount") * 100).round().cast(pl.Int64).sum(),
        )
        .with_columns(as_of=pl.col("latest").max() + 1)
        .filter(pl.col("frequency") > 0)
        .select(
            "customer_id",
            recency_days=(pl.col("as_of") - pl.col("last")).cast(pl.Int64),
            frequency="frequency",
            # polars' float division is not always correctly rounded (161.67000000000002 for
            # 16167 / 100); rounding to 2 decimals gives the same double as numpy's cents / 100
            monetary=(pl.col("cents") / 100).round(2),
            tenure_days=(pl.col("as_of") - pl.col("first")).cast(pl.Int64),
        )
        .with_columns(
            r_score=score("recency_days", descending=True),
            f_score=score("frequency"),
            m_score=score("monetary"),
        )
        .with_columns(tier=tier_expr)
        .collect()
    )


def duckdb_sql() -> str:
    value4, default, _ = value4_rules()
    cases = "\n".join(f"            WHEN {rule} THEN '{tier}'" for tier, rule in value4)
    return f"""
    WITH per_customer AS (
        SELECT customer_id,
               max(CAST(order_date AS DATE)) AS latest,
               max(CAST(order_date AS DATE)) FILTER (WHERE amount >= 0) AS last_day,
               min(CAST(order_date AS DATE)) FILTER (WHERE amount >= 0) AS first_day,
               count(DISTINCT order_id) FILTER (WHERE amount >= 0) AS frequency,
               sum(CAST(round(amount * 100) AS BIGINT)) AS cents
        FROM tx
        GROUP BY customer_id
    ),
    with_as_of AS (
        SELECT *, max(latest) OVER () + 1 AS as_of FROM per_customer
    ),
    rfm AS (
        SELECT customer_id,
               CAST(as_of - last_day AS BIGINT) AS recency_days,
               CAST(frequency AS BIGINT) AS frequency,
               CAST(cents AS DOUBLE) / 100 AS monetary,
               CAST(as_of - first_day AS BIGINT) AS tenure_days
        FROM with_as_of
        WHERE frequency > 0
    ),
    scored AS (
        SELECT *,
               1 + ({BINS} * (rank() OVER (ORDER BY recency_days DESC) - 1)) // count(*) OVER () AS r_score,
               1 + ({BINS} * (rank() OVER (ORDER BY frequency) - 1)) // count(*) OVER () AS f_score,
               1 + ({BINS} * (rank() OVER (ORDER BY monetary) - 1)) // count(*) OVER () AS m_score
        FROM rfm
    )
    SELECT *,
           CASE
{cases}
            ELSE '{default}'
           END AS tier
    FROM scored
    """


DUCKDB_INPUT = "pandas DataFrame registered with con.register('tx', df); result fetched with .df()"


def duckdb_connect(tx):
    import duckdb

    con = duckdb.connect()
    con.register("tx", tx)
    return con


def duckdb_query(con, sql):
    return con.sql(sql).df()


# ------------------------------------------------------------------------------------------------
# Agreement
# ------------------------------------------------------------------------------------------------

def normalise(result):
    """One pandas frame indexed by customer_id, sorted, with COLUMNS (engine results differ in form)."""
    import pandas as pd

    if hasattr(result, "to_pandas") and not isinstance(result, pd.DataFrame):  # polars
        result = pd.DataFrame({c: result[c].to_numpy() for c in result.columns})
    if "customer_id" in result.columns:
        result = result.set_index("customer_id")
    result = result.sort_index()
    out = pd.DataFrame(index=result.index)
    for c in COLUMNS:
        if c not in result.columns:
            continue
        col = result[c]
        out[c] = col.astype(object).astype(str).to_numpy() if c == "tier" else col.to_numpy()
    return out


def compare(name_a, a, name_b, b, show=10):
    """Count customers where a and b disagree (missing on one side counts); print the first few."""
    report = {"pair": f"{name_a} vs {name_b}"}
    only_a = a.index.difference(b.index)
    only_b = b.index.difference(a.index)
    common = a.index.intersection(b.index)
    aa, bb = a.loc[common], b.loc[common]
    bad_any = np.zeros(len(common), dtype=bool)
    bad_required = np.zeros(len(common), dtype=bool)
    per_column = {}
    for c in COLUMNS:
        if c not in aa.columns or c not in bb.columns:  # a column one side lacks differs everywhere
            print(f"  column {c!r} missing from {name_a if c not in aa.columns else name_b}")
            bad = np.ones(len(common), dtype=bool)
        else:
            x, y = aa[c].to_numpy(), bb[c].to_numpy()
            bad = x != y if c == "tier" else ~(x.astype(np.float64) == y.astype(np.float64))
        per_column[c] = int(bad.sum())
        bad_any |= bad
        if c in REQUIRED:
            bad_required |= bad
    report.update(
        only_in_first=len(only_a), only_in_second=len(only_b), per_column=per_column,
        mismatched_customers=int(bad_any.sum()) + len(only_a) + len(only_b),
        mismatched_required=int(bad_required.sum()) + len(only_a) + len(only_b),
    )
    if report["mismatched_customers"]:
        print(f"  MISMATCH {name_a} vs {name_b}: {report['mismatched_customers']} customers "
              f"(only in {name_a}: {len(only_a)}, only in {name_b}: {len(only_b)}; per column: "
              + ", ".join(f"{k}={v}" for k, v in per_column.items() if v) + ")")
        for label in list(only_a[:show]):
            print(f"    customer {label}: only in {name_a}: {_plain_row(a.loc[label])}")
        for label in list(only_b[:show]):
            print(f"    customer {label}: only in {name_b}: {_plain_row(b.loc[label])}")
        for label in list(common[bad_any][:show]):
            cols = [c for c in COLUMNS if per_column.get(c) and c in aa.columns and c in bb.columns
                    and aa.at[label, c] != bb.at[label, c]]
            diffs = ", ".join(f"{c}: {name_a}={_plain(aa.at[label, c])!r} {name_b}={_plain(bb.at[label, c])!r}"
                              for c in cols)
            print(f"    customer {label}: {diffs}")
    return report


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _plain_row(row) -> dict:
    return {k: _plain(v) for k, v in row.to_dict().items()}


def verify(runners):
    """Run each engine once (untimed) and compare every pair; returns the reports and result sizes."""
    results = {}
    for engine, run in runners.items():
        out, _ = run()
        results[engine] = normalise(_join_tiers(*out) if engine == "coursekit" else out)
        del out
    names = list(results)
    reports = [compare(names[i], results[names[i]], names[j], results[names[j]])
               for i in range(len(names)) for j in range(i + 1, len(names))]
    return reports, {k: len(v) for k, v in results.items()}


def _join_tiers(rfm, tiers):
    """assign_tiers may return the rfm table with a tier column, or just the tiers."""
    import pandas as pd

    if isinstance(tiers, pd.DataFrame):
        if "tier" in tiers.columns:
            out = rfm.copy()
            out["tier"] = tiers["tier"].reindex(rfm.index).to_numpy()
            return out
        raise RuntimeError(f"assign_tiers returned a frame without a 'tier' column: {list(tiers.columns)}")
    out = rfm.copy()
    out["tier"] = pd.Series(tiers).reindex(rfm.index).to_numpy() if hasattr(tiers, "index") else np.asarray(tiers)
    return out


# ------------------------------------------------------------------------------------------------
# Memory and timing: one fresh worker process per engine
# ------------------------------------------------------------------------------------------------

def _status_kb() -> dict[str, int]:
    text = Path("/proc/self/status").read_text()
    return {k: int(re.search(rf"^{k}:\s+(\d+) kB", text, re.M).group(1)) for k in ("VmRSS", "VmHWM")}


def _malloc_trim() -> None:
    """Give memory freed while the data were built back to the OS (glibc), so that the run's
    allocations show up in RSS instead of silently reusing pages that are already resident."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); True if it took effect."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    s = _status_kb()
    return s["VmHWM"] <= s["VmRSS"] + 1024


def prepare(engine: str, arrays, tx=None):
    """Build the engine's input from the numpy arrays; return ``run() -> (result, {part: seconds})``."""
    if engine == "coursekit":
        data = to_pandas(arrays) if tx is None else tx

        def run():
            t0 = time.perf_counter()
            rfm = coursekit_rfm(data)
            t1 = time.perf_counter()
            tiers = coursekit_tiers(rfm)
            t2 = time.perf_counter()
            return (rfm, tiers), {"rfm_table": t1 - t0, "assign_tiers": t2 - t1, "total": t2 - t0}
    elif engine == "polars":
        frame = to_polars(arrays)

        def run():
            t0 = time.perf_counter()
            out = polars_query(frame)
            return out, {"total": time.perf_counter() - t0}
    elif engine == "duckdb":
        con = duckdb_connect(to_pandas(arrays) if tx is None else tx)
        sql = duckdb_sql()

        def run():
            t0 = time.perf_counter()
            out = duckdb_query(con, sql)
            return out, {"total": time.perf_counter() - t0}
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    return run


def measure_memory(engine: str, run) -> dict:
    """Peak extra resident memory of one run (the engine's first on this data)."""
    gc.collect()
    _malloc_trim()
    before = _status_kb()
    reset = _reset_hwm()
    base = _status_kb()
    out, first = run()
    after = _status_kb()
    if reset:
        peak_extra_kb = after["VmHWM"] - base["VmRSS"]
        method = "clear_refs reset: VmHWM after run - VmRSS before run"
    else:
        peak_extra_kb = after["VmHWM"] - max(before["VmHWM"], before["VmRSS"])
        method = "no reset: VmHWM after run - max(VmHWM, VmRSS) before run (a lower bound)"
    del out
    gc.collect()
    return {"first_run": first, "peak_extra_bytes": peak_extra_kb * 1024,
            "rss_baseline_bytes": base["VmRSS"] * 1024, "memory_method": method}


def traced_peak(run) -> int:
    """tracemalloc's peak during one run. Done last in a worker: after tracemalloc has run, the same
    process stays slower (by ~40% at 100k rows), so no timed run may follow it."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out, _ = run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return peak


def _worker(conn, engine: str, n_rows: int, seed: int) -> None:
    """One engine in a fresh process: build its data, measure memory, then run on request."""
    try:
        warm_up = prepare(engine, make_transactions(2_000, seed))  # imports, lazy set-up: not measured
        warm_up()
        del warm_up
        arrays = make_transactions(n_rows, seed)
        run = prepare(engine, arrays)
        del arrays
        conn.send(measure_memory(engine, run))
        while True:
            command = conn.recv()
            if command == "run":
                out, seconds = run()
                del out
                gc.collect()
                conn.send(seconds)
            elif command == "trace":
                conn.send(traced_peak(run))
            else:
                break
    except BaseException as exc:  # report instead of leaving the parent waiting
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
        raise
    finally:
        conn.close()


def run_workers(engines, n_rows: int, seed: int, repeat: int) -> dict:
    """For each engine in turn: a fresh worker process builds the data, measures memory on its first
    run, then runs ``repeat`` more times back to back; then it exits and the next engine starts.

    Runs are kept back to back on purpose: on this VM memory left idle for a few seconds is handed
    back to the host, and touching it again is slow, so interleaving engines (each process idle
    while the others run) made every engine 20-40% slower and noisier than back-to-back runs.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    runs = {}
    for engine in engines:
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(there, engine, n_rows, seed), daemon=True)
        proc.start()
        there.close()
        try:
            runs[engine] = _receive(engine, here)
            times: dict[str, list[float]] = {}
            for _ in range(repeat):
                here.send("run")
                for part, seconds in _receive(engine, here).items():
                    times.setdefault(part, []).append(seconds)
            runs[engine]["tracemalloc_peak_bytes"] = None
            if engine == "coursekit":  # numpy and pandas report to tracemalloc; polars and DuckDB do not
                here.send("trace")
                runs[engine]["tracemalloc_peak_bytes"] = _receive(engine, here)
            here.send("stop")
        finally:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        runs[engine].update(times=times, best={k: min(v) for k, v in times.items()},
                            median={k: statistics.median(v) for k, v in times.items()})
    return runs


def _receive(engine, conn):
    try:
        message = conn.recv()
    except EOFError:
        raise SystemExit(f"the {engine} worker process died") from None
    if isinstance(message, dict) and "error" in message:
        raise SystemExit(f"the {engine} worker failed: {message['error']}")
    return message


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------

def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for mod in ("numpy", "pandas", "polars", "duckdb", "coursekit"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception as exc:  # noqa: BLE001
            out[mod] = f"unavailable ({type(exc).__name__})"
    return out


def mb(x) -> str:
    return "-" if x is None else f"{x / 2**20:,.0f}"


def print_size(size: dict) -> None:
    rows, runs = size["rows"], size["runs"]
    in_b = size["input_bytes"]
    print(f"\n== {rows:,} rows, {size['customers']:,} customers in the result "
          f"({size['return_only_dropped']:,} return-only dropped); input frame {mb(in_b)} MiB; "
          f"data generated in {size['generate_seconds']:.1f} s")
    head = (f"  {'engine':<24}{'best s':>9}{'median s':>10}{'first s':>9}{'vs fastest':>12}"
            f"{'peak extra MiB':>15}{'peak/input':>12}{'tracemalloc MiB':>16}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    fastest = size["fastest_engine"]
    for engine in ENGINES:
        r = runs.get(engine)
        if r is None:
            continue
        parts = [("coursekit rfm_table", "rfm_table"), ("coursekit assign_tiers", "assign_tiers"),
                 ("coursekit total", "total")] if engine == "coursekit" else [(_label(engine), "total")]
        for label, key in parts:
            best, med, first = r["best"][key], r["median"][key], r["first_run"][key]
            ratio = f"{best / runs[fastest]['best']['total']:.2f}x" if fastest else "-"
            whole = key == "total"
            print(f"  {label:<24}{best:>9.3f}{med:>10.3f}{first:>9.3f}{ratio:>12}"
                  f"{(mb(r['peak_extra_bytes']) if whole else ''):>15}"
                  f"{(format(r['peak_extra_bytes'] / in_b, '.2f') + 'x' if whole else ''):>12}"
                  f"{(mb(r['tracemalloc_peak_bytes']) if whole and r['tracemalloc_peak_bytes'] else ''):>16}")
    if "coursekit" in runs and fastest:
        t = size["time_ratio"]
        m = size["memory_ratio"]
        tgt = "" if rows < 10_000_000 else (" OK" if t <= TARGET_TIME_RATIO else " MISSED")
        print(f"  coursekit / fastest engine ({fastest}): best {t:.2f}x, median {size['time_ratio_median']:.2f}x   "
              f"(target <= {TARGET_TIME_RATIO}x at 10M rows){tgt}")
        print(f"  coursekit peak extra memory / input frame: {m:.2f}x   "
              f"(target <= {TARGET_MEMORY_RATIO}x){' OK' if m <= TARGET_MEMORY_RATIO else ' MISSED'}")
    print(f"  agreement (recency_days, frequency, monetary, r/f/m scores; also tenure_days, tier): "
          + "; ".join(f"{v['pair']}: {v['mismatched_customers']} mismatches" for v in size["agreement"]))


def _label(engine):
    return {"polars": "polars (lazy)", "duckdb": "duckdb (pandas frame)"}.get(engine, engine)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "rfm.json"))
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES),
                        help="engines to run (default: all three)")
    parser.add_argument("--verify-only", action="store_true", help="check agreement, skip timing")
    args = parser.parse_args(argv)

    if "coursekit" in args.engines:
        try:
            from coursekit import assign_tiers, rfm_table  # noqa: F401
        except ImportError as exc:
            print(f"cannot import coursekit.rfm_table / assign_tiers ({exc}); "
                  f"run with --engines polars duckdb to benchmark the engines alone", file=sys.stderr)
            return 2
    print(f"bench_rfm: rows {args.rows}, repeat {args.repeat}, seed {args.seed}, "
          f"{os.cpu_count()} CPUs; versions {versions()}")
    print(f"duckdb input: {DUCKDB_INPUT}")
    print(f"value4 rules for polars and DuckDB: {value4_rules()[2]}")
    sizes, total_mismatch = [], 0
    for n_rows in args.rows:
        t0 = time.perf_counter()
        arrays = make_transactions(n_rows, args.seed)
        gen = time.perf_counter() - t0
        n_customers = len(np.unique(arrays["customer_id"]))
        input_bytes = frame_bytes(arrays)
        tx = to_pandas(arrays)
        runners = {engine: prepare(engine, arrays, tx) for engine in args.engines}
        reports, counts = verify(runners)
        total_mismatch += sum(r["mismatched_required"] for r in reports)
        kept = next(iter(counts.values()))
        size = {"rows": n_rows, "customers": kept, "return_only_dropped": n_customers - kept,
                "generate_seconds": gen, "input_bytes": input_bytes, "agreement": reports, "runs": {}}
        del runners, tx, arrays
        gc.collect()
        if not args.verify_only:
            size["runs"] = run_workers(args.engines, n_rows, args.seed, args.repeat)
        others = [e for e in ("polars", "duckdb") if e in size["runs"]]
        size["fastest_engine"] = min(others, key=lambda e: size["runs"][e]["best"]["total"]) if others else None
        if "coursekit" in size["runs"] and others:
            ck = size["runs"]["coursekit"]
            size["time_ratio"] = ck["best"]["total"] / size["runs"][size["fastest_engine"]]["best"]["total"]
            size["time_ratio_median"] = ck["median"]["total"] / min(size["runs"][e]["median"]["total"] for e in others)
            size["memory_ratio"] = ck["peak_extra_bytes"] / input_bytes
        if args.verify_only:
            print(f"\n== {n_rows:,} rows: " + "; ".join(
                f"{v['pair']}: {v['mismatched_customers']} mismatches" for v in reports))
        else:
            print_size(size)
        sizes.append(size)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": _dt.date.today().isoformat(), "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(), "duckdb_input": DUCKDB_INPUT, "value4_rules": value4_rules()[2], "repeat": args.repeat, "seed": args.seed,
        "targets": {"time_ratio_at_10M": TARGET_TIME_RATIO, "memory_ratio": TARGET_MEMORY_RATIO},
        "sizes": sizes,
    }, indent=2))
    print(f"\nmismatches (required columns, all pairs, all sizes): {total_mismatch}")
    print(f"results written to {out}")
    return 1 if total_mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
