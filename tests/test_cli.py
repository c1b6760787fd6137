"""The coursekit command, run as a real subprocess (the installed console script)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import coursekit as ck

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "datasets" / "retail" / "transactions.csv"


def _coursekit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "coursekit"
    command = [str(exe)] if exe.exists() else [shutil.which("coursekit") or "coursekit"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help():
    run = _coursekit("--help")
    assert run.returncode == 0
    assert "usage: coursekit" in run.stdout
    assert "demo" in run.stdout and "tier" in run.stdout


def test_demo_prints_the_tier_summary_of_the_sample():
    run = _coursekit("demo")
    assert run.returncode == 0, run.stderr
    tiered = ck.assign_tiers(ck.rfm_table(pd.read_csv(SAMPLE), order_col="order_id"), "value4")
    summary = ck.tier_summary(tiered, "value4")
    assert f"{len(tiered):,} customers" in run.stdout
    assert "as of 2024-12-31" in run.stdout
    for tier in summary.index:
        line = next(l for l in run.stdout.splitlines() if l.startswith(tier + " "))
        expected = [str(summary.loc[tier, "customers"]), f"{summary.loc[tier, 'customer_share']:.4f}"]
        assert line.split()[1:3] == expected


def test_tier_writes_a_table(tmp_path):
    out = tmp_path / "tiers.csv"
    run = _coursekit("tier", str(SAMPLE), "--scheme", "segments", "--as-of", "2025-01-31", "--out", str(out))
    assert run.returncode == 0, run.stderr
    written = pd.read_csv(out, index_col="customer_id")
    assert len(written) == 2000
    assert written["recency_days"].min() >= 32  # last order 2024-12-30 → at least 32 days to 2025-01-31
    assert set(written["tier"]) <= set(ck.load_scheme("segments").tiers)


def test_tier_never_overwrites(tmp_path):
    out = tmp_path / "mine.csv"
    out.write_text("a trainer's own file\n")
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    run = _coursekit("tier", str(SAMPLE), "--out", str(out))
    assert run.returncode == 2
    assert "already exists" in run.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before


def test_bad_file_gives_a_clear_error_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,order_date,amount\nA,2024-01-01,10\nB,someday,5\n")
    run = _coursekit("tier", str(bad))
    assert run.returncode == 2
    assert "coursekit: error: column 'order_date' has values that are not dates" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args", [["tier", "missing.csv"], ["demo", "--scheme", "nope"]], ids=["no-file", "no-scheme"])
def test_errors_exit_2(args, tmp_path):
    run = _coursekit(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.startswith("coursekit: error:")
