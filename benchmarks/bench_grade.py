"""Benchmark: grade a class of N submissions of exercise 01_rfm (default 30) on this machine.

    .venv/bin/python benchmarks/bench_grade.py [--n 30] [--jobs CORES] [--exercise 01_rfm]

The class is made from the exercise notebook the way tests/test_grading.py makes submissions: a
third perfect, a third with one wrong answer (rows counted instead of orders), a third half done.
Prints the wall time of the whole `grade` call (kernels, checks, gradebook, HTML) and per
submission. Target in issue 5: 30 submissions in at most 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_grading import GOOD, ROWS_NOT_ORDERS, make_submission  # noqa: E402

from coursekit.grading.grader import grade  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "class"
        for k in range(args.n):
            answers = [GOOD, {**GOOD, "q1_1": ROWS_NOT_ORDERS}, {"q1_1": GOOD["q1_1"], "q1_3": GOOD["q1_3"]}][k % 3]
            make_submission(subs, f"trainee{k:02d}.ipynb", answers)
        start = time.perf_counter()
        report = grade("01_rfm", [subs], Path(tmp) / "grades", jobs=args.jobs)
        seconds = time.perf_counter() - start
    totals = report.totals()
    print(f"graded {len(totals)} submissions in {seconds:.1f} s "
          f"({seconds / len(totals):.2f} s each, {args.jobs or os.cpu_count()} at once, "
          f"{os.cpu_count()} cores); mean score {totals.mean():.2f}")
    print(report.gradebook["status"].value_counts().to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
