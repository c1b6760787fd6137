"""The ``coursekit`` command line: ``demo``, ``tier FILE`` and ``data list`` / ``data make``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from coursekit._errors import DataError

SAMPLE = Path(__file__).resolve().parent.parent / "datasets" / "retail" / "transactions.csv"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursekit",
        description="Customer tiering (客户分层管理) course kit: RFM scores and value tiers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="tier the shipped sample shop data and print a tier summary")
    demo.add_argument("--scheme", default="value4", help="tiering scheme (default: value4)")
    demo.add_argument("--data", type=Path, default=SAMPLE, help="transactions CSV (default: the shipped sample)")

    tier = sub.add_parser("tier", help="tier the customers of a transactions CSV file")
    tier.add_argument("file", type=Path, help="CSV with customer_id, order_date, amount (and order_id)")
    tier.add_argument("--scheme", default="value4", help="built-in scheme name or a .yaml file")
    tier.add_argument("--as-of", default=None, help="analysis date (default: day after the last order)")
    tier.add_argument("--bins", type=int, default=5, help="score levels (default: 5)")
    tier.add_argument("--order-col", default=None, help="order id column (default: order_id if present)")
    tier.add_argument("--out", type=Path, default=None,
                      help="write the per-customer table here (CSV); refuses to overwrite a file")
    data = sub.add_parser("data", help="make the course's synthetic datasets")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    data_sub.add_parser("list", help="list the datasets and their default size and seed")
    make = data_sub.add_parser("make", help="generate a dataset as CSV files (never overwrites)")
    make.add_argument("case", help="dataset name (see: coursekit data list)")
    make.add_argument("--out", type=Path, required=True, help="folder to write <table>.csv files into")
    make.add_argument("--size", type=int, default=None, help="number of customers / accounts / members")
    make.add_argument("--seed", type=int, default=None, help="random seed (same seed, same bytes)")
    _add_run_parser(sub)
    _add_slides_parser(sub)
    _add_grading_parsers(sub)
    return parser


def _add_slides_parser(sub) -> None:
    slides = sub.add_parser(
        "slides", help="write an offline reveal.js slide deck per lesson notebook",
        description="Write NN_topic.slides.html for every lesson notebook, and index.html, to --out. "
                    "A markdown heading starts a new slide; parameters and setup cells are left out. "
                    "The decks load nothing from the internet (reveal.js is copied next to them).")
    slides.add_argument("--out", type=Path, default=Path("build/slides"), metavar="DIR",
                        help="output folder (default: build/slides); must be new, empty or earlier slides")
    slides.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                        help="folder of notebooks (default: the executed notebooks of the last "
                             "`coursekit run` in build/course, else the repository's notebooks/)")
    slides.add_argument("--only", default=None, metavar="PATTERN",
                        help="only notebooks whose file name matches: a glob ('0[1-3]_*') or a substring ('03')")


def _slides(args) -> int:
    """``coursekit slides``: 0 when the decks were written (DataError: 2, from main)."""
    from coursekit.slides import default_source, write_slides

    source = args.notebooks if args.notebooks is not None else default_source()
    print(f"slides from {source}")
    write_slides(source, args.out, only=args.only, log=print)
    return 0


def _add_run_parser(sub) -> None:
    run = sub.add_parser(
        "run", help="execute the course notebooks (papermill) and export them as offline HTML",
        description="Execute every notebook of the course folder in name order (names starting with _ "
                    "are skipped) and write the executed notebooks, offline HTML and index.html to --out. "
                    "A failing notebook does not stop the run. Exit code: 0 all ran, 1 a notebook failed "
                    "(named with its cell and error), 2 nothing ran (bad option or --out folder).")
    run.add_argument("--out", type=Path, default=Path("build/course"), metavar="DIR",
                     help="output folder (default: build/course); must be new, empty or an earlier run's output")
    run.add_argument("--case", default=None,
                     help="dataset case, injected as parameter `case` into the notebooks that declare it")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], dest="parameters",
                     metavar=("NAME", "VALUE"),
                     help="inject a parameter into the notebooks that declare it; VALUE is read as a YAML "
                          "scalar (5, 0.25, true, text); repeatable")
    run.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                     help="folder of notebooks to run (default: the repository's notebooks/)")
    run.add_argument("--only", default=None, metavar="PATTERN",
                     help="run only notebooks whose file name matches: a glob ('0[1-3]_*') or a substring ('03')")
    run.add_argument("--timeout", type=float, default=300, metavar="SECONDS",
                     help="seconds a single cell may run before its notebook fails (default: 300; 0: no limit)")
    run.add_argument("--no-html", action="store_true", help="skip the HTML export and index.html")


def _add_grading_parsers(sub) -> None:
    grade = sub.add_parser(
        "grade", help="grade a class's exercise notebooks: gradebook.csv, class summary, feedback per trainee",
        description="Run every submission (notebooks, or folders of them) in its own kernel and temporary "
                    "folder, with the exercise's parameters injected, and check the answers in this process. "
                    "Writes DIR/gradebook.csv (trainee x question), DIR/summary.html and DIR/feedback/*.html. "
                    "Submissions are never modified. Exit code: 0 graded, 2 bad option or input.")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="a submitted .ipynb, or a folder searched for .ipynb files")
    grade.add_argument("--exercise", required=True, help="exercise name, e.g. 01_rfm (see exercises/)")
    grade.add_argument("--out", type=Path, required=True, metavar="DIR",
                       help="output folder: new, empty, or an earlier grade's output")
    grade.add_argument("-p", "--parameter", nargs=2, action="append", default=[], dest="parameters",
                       metavar=("NAME", "VALUE"),
                       help="an exercise parameter the trainees used (e.g. -p seed 7); VALUE is read as YAML")
    grade.add_argument("--cell-timeout", type=float, default=60, metavar="SECONDS",
                       help="seconds one cell may run (default 60)")
    grade.add_argument("--timeout", type=float, default=300, metavar="SECONDS",
                       help="seconds one submission may run (default 300)")
    grade.add_argument("--jobs", type=int, default=None, help="submissions run at once (default: cores)")
    exercises = sub.add_parser("exercises", help="generate exercises/ from the solution notebooks")
    exercises_sub = exercises.add_subparsers(dest="exercises_command", metavar="ACTION")
    build = exercises_sub.add_parser("build", help="write exercises/NAME.ipynb from solutions/NAME.ipynb "
                                                   "(never overwrites a changed exercise file)")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 if an exercise is stale")


def _parameters(args) -> dict[str, object]:
    """The ``-p NAME VALUE`` pairs of ``run`` and ``grade``, values read as YAML scalars; a name twice is an error."""
    from coursekit.course import parse_value

    parameters: dict[str, object] = {}
    for name, value in args.parameters:
        if name in parameters:
            raise DataError(f"parameter {name!r} given twice with -p")
        parameters[name] = parse_value(value)
    return parameters


def _grade(args) -> int:
    from coursekit.grading.grader import grade

    params = _parameters(args)

    def progress(path, run) -> None:
        state = "killed at the time limit" if run["killed"] else "done"
        print(f"  {path}: {state} in {run['seconds']:.1f} s", flush=True)

    report = grade(args.exercise, args.submissions, args.out, parameters=params,
                   cell_timeout=args.cell_timeout, notebook_timeout=args.timeout, jobs=args.jobs,
                   progress=progress)
    book = report.gradebook
    totals = report.totals()
    max_total = book.groupby("trainee")["max_score"].sum().max()
    print(f"graded {len(totals)} submissions of {args.exercise} in {report.seconds:.1f} s; "
          f"mean {totals.mean():.2f} / {max_total:g}")
    print(f"wrote {args.out / 'gradebook.csv'}, {args.out / 'summary.html'} and {len(totals)} feedback pages")
    return 0


def _exercises(args) -> int:
    from coursekit.grading.source import build_exercises

    if args.exercises_command != "build":
        print("usage: coursekit exercises build [--check]", file=sys.stderr)
        return 2
    names = build_exercises(check=args.check)
    if args.check:
        if names:
            print("stale exercise notebooks (run: coursekit exercises build): " + ", ".join(names))
            return 1
        print("exercises/ matches solutions/")
        return 0
    print(f"wrote {len(names)} exercise notebooks" + (": " + ", ".join(names) if names else " (all up to date)"))
    return 0


def _run(args) -> int:
    """``coursekit run``: 0 when every notebook ran, 1 when one failed (DataError: 2, from main)."""
    from coursekit.course import NOTEBOOKS, run_course

    parameters = _parameters(args)
    try:
        results = run_course(args.notebooks if args.notebooks is not None else NOTEBOOKS, args.out,
                             parameters, args.case, only=args.only, timeout=args.timeout,
                             html=not args.no_html, log=print, progress=True)
    except KeyboardInterrupt:
        print("coursekit: interrupted; the notebooks run so far are in " + str(args.out), file=sys.stderr)
        return 130
    failed = [r for r in results if not r.ok]
    for r in failed:
        kept = "" if r.notebook is None else f" (see {r.notebook})"
        print(f"coursekit: error: {r.message}{kept}", file=sys.stderr)
    return 1 if failed else 0


def _data(args, parser) -> None:
    from coursekit.datasets.shipped import CASES, write_case

    if args.data_command == "list":
        for name, case in CASES.items():
            print(f"{name:22s} {case.description}  (default {case.defaults})")
    elif args.data_command == "make":
        for path, rows, digest in write_case(args.case, args.out, size=args.size, seed=args.seed):
            print(f"wrote {path}  {rows:,} rows  sha256 {digest}")
    else:
        parser.parse_args(["data", "--help"])


def _tier_file(path: Path, scheme: str, *, as_of=None, bins: int = 5, order_col=None):
    from coursekit.rfm import rfm_table
    from coursekit.tiers import assign_tiers, tier_summary

    if not path.is_file():
        raise DataError(f"no such file: {path}")
    tx = pd.read_csv(path)
    if order_col is None and "order_id" in tx.columns:
        order_col = "order_id"
    rfm = rfm_table(tx, as_of=as_of, bins=bins, order_col=order_col)
    tiered = assign_tiers(rfm, scheme)
    return tiered, tier_summary(tiered, scheme)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "slides":
            return _slides(args)
        if args.command == "grade":
            return _grade(args)
        if args.command == "exercises":
            return _exercises(args)
        if args.command == "data":
            _data(args, parser)
            return 0
        if args.command == "demo":
            tiered, summary = _tier_file(args.data, args.scheme, order_col="order_id")
            as_of = tiered.attrs["as_of"].date()
            print(f"coursekit demo: {len(tiered):,} customers of {args.data.name}, "
                  f"scheme {args.scheme!r}, as of {as_of}\n")
        else:
            if args.out is not None and args.out.exists():
                raise DataError(f"{args.out} already exists; choose another --out (coursekit never overwrites your files)")
            tiered, summary = _tier_file(args.file, args.scheme, as_of=args.as_of, bins=args.bins,
                                         order_col=args.order_col)
            if args.out is not None:
                tiered.to_csv(args.out)
                print(f"wrote {len(tiered):,} customers to {args.out}")
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            print(summary.to_string())
    except DataError as exc:
        print(f"coursekit: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
