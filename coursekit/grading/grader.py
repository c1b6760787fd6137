"""Grade a class: run every submission of an exercise and write the gradebook and feedback.

``coursekit grade --exercise 01_rfm SUBMISSIONS... --out DIR`` (or :func:`grade`):

1. each submission (a notebook, or every ``*.ipynb`` in a folder) is copied into its own temporary
   working directory and run there by :mod:`coursekit.grading._worker` in a fresh kernel, with the
   exercise's parameters injected — the submissions themselves are never modified (their sha256 is
   checked before and after);
2. submissions run in parallel, one per core; each cell has a timeout (the kernel is interrupted and
   the next cell runs) and each notebook has one (the kernel is killed); the answers given until
   then are still graded;
3. answers come back as data (JSON / Parquet, never pickles) and are checked **in the grader's own
   process** against expected results computed from the same parameters, with every check of the
   question, hidden ones included — redefining ``check`` or monkeypatching a library inside the
   notebook changes nothing;
4. ``DIR/gradebook.csv`` gets one row per trainee × question (trainee, exercise, question, score,
   max_score, status, reason, file); ``DIR/summary.html`` the class summary (pass rate per
   question, score distribution); ``DIR/feedback/<trainee>.html`` each trainee's sheet. All HTML
   is self-contained (plots inlined), so it opens offline.

Status values: ``passed`` (every check passed), ``failed`` (an answer that fails a check; partial
score, see :mod:`coursekit.grading.core`), ``error`` (the answer cell raised, or the answer has a
type that cannot be graded), ``timeout`` (the answer cell, or the notebook, ran out of time),
``missing`` (no answer: the variable is never set or still ``...``).

The trainee is the name written in the notebook (``trainee_name = "..."``, or notebook metadata
``coursekit.trainee``), else the file name stem.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from coursekit._errors import DataError
from coursekit.course import _OutputFolder, _sha256
from coursekit.grading.core import exercise_set, run_checks
from coursekit.grading.source import ROOT, Question, cell_source, questions

__all__ = ["GradeReport", "STATUSES", "grade", "load_answers", "trainee_name"]

STATUSES = ("passed", "failed", "error", "timeout", "missing")
COLUMNS = ["trainee", "exercise", "question", "score", "max_score", "status", "reason", "file"]
MARKER = ".coursekit-grade"
_NAME = re.compile(r"""^\s*trainee_name\s*=\s*(['"])(?P<name>[^'"\n]*)\1""", re.M)


@dataclass
class GradeReport:
    """What :func:`grade` did: the gradebook rows and where the files went."""

    gradebook: pd.DataFrame
    out_dir: Path
    seconds: float
    files: list[Path] = field(default_factory=list)

    def totals(self) -> pd.Series:
        """Score per trainee (sum over questions)."""
        return self.gradebook.groupby("trainee")["score"].sum()



def _submissions(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise DataError(f"no such submission file or folder: {path}")
    if not found:
        raise DataError("no submissions (.ipynb files) found in " + ", ".join(map(str, paths)))
    unique: list[Path] = []
    for p in found:
        if p.resolve() not in {u.resolve() for u in unique}:
            unique.append(p)
    return unique


def trainee_name(path: Path) -> str:
    """The name written in the notebook (``trainee_name = "..."`` or metadata), else the file stem.

    Read from the file as text — the submission is not run for this.
    """
    try:
        nb = json.loads(path.read_text("utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                match = _NAME.search(cell_source(cell))
                if match and match["name"].strip():
                    return match["name"].strip()
        meta = nb.get("metadata", {}).get("coursekit", {})
        if isinstance(meta, dict) and str(meta.get("trainee", "")).strip():
            return str(meta["trainee"]).strip()
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    return path.stem


def load_answers(folder: Path, names: Sequence[str]) -> dict[str, object]:
    """Read back the answers a worker exported; a name not exported is absent from the result."""
    import pyarrow.parquet as pq

    answers: dict[str, object] = {}
    for name in names:
        meta_path = folder / f"{name}.json"
        if not meta_path.is_file():
            continue
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            kind = meta["kind"]
            if kind == "ellipsis":
                answers[name] = Ellipsis
            elif kind == "json":
                answers[name] = _restore(meta["value"])
            elif kind in ("frame", "series"):
                frame = pq.read_table(folder / f"{name}.parquet").to_pandas()
                if kind == "series":
                    answers[name] = frame["value"].rename(meta.get("series_name"))
                else:
                    frame.columns = meta["columns"]
                    answers[name] = frame
            else:
                answers[name] = _Unsupported(meta.get("type", "?"), meta.get("error", ""))
        except Exception as exc:
            answers[name] = _Unsupported("unreadable", f"{type(exc).__name__}: {exc}")
    return answers


def _restore(value):
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        if "__float__" in value:
            return float(value["__float__"])
        if "__dict__" in value:
            return {_hashable(_restore(k)): _restore(v) for k, v in value["__dict__"]}
    return value


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class _Unsupported:
    type: str
    error: str


# --- running one submission ---------------------------------------------------------------------


def _kill(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (or the process alone); gone already is fine."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _run_one(submission: Path, workdir: Path, parameters: dict, answers: list[str], *,
             cell_timeout: float, notebook_timeout: float) -> dict:
    """Run a copy of ``submission`` in ``workdir``; returns the log entries and whether it was killed."""
    shutil.copyfile(submission, workdir / "submission.ipynb")
    spec = {"workdir": str(workdir), "parameters": parameters, "answers": answers,
            "cell_timeout": cell_timeout}
    (workdir / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1", MPLBACKEND="Agg")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "coursekit.grading._worker", str(workdir / "spec.json")],
                            cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    killed = False
    try:
        _, err = proc.communicate(timeout=notebook_timeout)
    except subprocess.TimeoutExpired:
        killed = True
        _kill(proc.pid)
        _, err = proc.communicate()
    pid_file = workdir / "kernel.pid"
    if pid_file.is_file():  # the kernel runs in its own session: end it too
        try:
            _kill(int(pid_file.read_text()))
        except ValueError:
            pass
    log = []
    log_path = workdir / "log.jsonl"
    if log_path.is_file():
        for line in log_path.read_text("utf-8").splitlines():
            try:
                log.append(json.loads(line))
            except ValueError:
                pass
    return {"log": log, "killed": killed, "seconds": round(time.monotonic() - started, 2),
            "stderr": err.decode("utf-8", "replace")[-2000:] if err else "",
            "returncode": proc.returncode}


# --- from a run to gradebook rows ---------------------------------------------------------------


def _cells_of(path: Path) -> list[str]:
    try:
        nb = json.loads(path.read_text("utf-8"))
        return [cell_source(c) for c in nb.get("cells", [])]
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def _answer_cell(sources: list[str], q: Question) -> int | None:
    tag = re.compile(rf"#\s*QUESTION\s+{re.escape(q.id)}\b")
    assign = re.compile(rf"^\s*{re.escape(q.answer)}\s*=(?!=)", re.M)
    for k, src in enumerate(sources):
        if tag.search(src):
            return k
    for k, src in enumerate(sources):
        if assign.search(src):
            return k
    return None


def _first_line(text: str, limit: int = 200) -> str:
    line = next((s for s in str(text).splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _rows_for(exercise: str, qs: list[Question], ex, ctx, trainee: str, submission: Path,
              run: dict, answers: dict) -> list[dict]:
    log = run["log"]
    if not log:
        detail = _first_line(run["stderr"].strip().splitlines()[-1] if run["stderr"].strip() else "no output")
        reason = f"the grader could not run this notebook ({detail})"
        return [_row(trainee, exercise, q, 0.0, "error", reason, submission) for q in qs]
    if log and log[0].get("status") == "unreadable":
        reason = f"the notebook could not be read: {_first_line(log[0].get('evalue', ''))}"
        return [_row(trainee, exercise, q, 0.0, "error", reason, submission) for q in qs]
    by_cell: dict[int, dict] = {}
    for entry in log:
        if entry.get("cell") is not None:
            by_cell[entry["cell"]] = entry
    finished = any(e.get("status") == "finished" for e in log)
    sources = _cells_of(submission)
    rows = []
    for q in qs:
        value = answers.get(q.answer, _ABSENT)
        if value is not _ABSENT and value is not Ellipsis and not isinstance(value, _Unsupported):
            result = run_checks(ex, q.id, value, ctx, hidden=True)
            status = "passed" if result.ok else "failed"
            reason = "" if result.ok else (("hidden check: " if result.hidden_failed else "") + result.message)
            rows.append(_row(trainee, exercise, q, result.score(q.points), status, reason, submission))
            continue
        if isinstance(value, _Unsupported):
            rows.append(_row(trainee, exercise, q, 0.0, "error",
                             f"`{q.answer}` is a {value.type}, which cannot be graded ({value.error})", submission))
            continue
        cell = _answer_cell(sources, q)
        entry = by_cell.get(cell) if cell is not None else None
        if value is Ellipsis:
            status, reason = "missing", f"not answered: `{q.answer}` is still `...`"
        elif entry and entry.get("status") == "timeout":
            status, reason = "timeout", f"cell {cell}: {entry.get('evalue', '')}"
        elif entry and entry.get("status") == "started" and not finished:
            status, reason = "timeout", f"cell {cell} was still running when the notebook ran out of time"
        elif entry and entry.get("status") == "error":
            status = "error"
            reason = f"cell {cell} raised {entry.get('ename', '')}: {_first_line(entry.get('evalue', ''))}"
        elif cell is not None and entry is None and not finished:
            status = "timeout" if run["killed"] else "error"
            reason = (f"cell {cell} never ran: the notebook ran out of time before it" if run["killed"]
                      else f"cell {cell} never ran: the kernel stopped before it")
        else:
            status, reason = "missing", f"no answer: the variable `{q.answer}` is never set"
        rows.append(_row(trainee, exercise, q, 0.0, status, reason, submission))
    return rows


_ABSENT = object()


def _row(trainee, exercise, q: Question, score, status, reason, submission: Path) -> dict:
    return {"trainee": trainee, "exercise": exercise, "question": q.id, "score": float(score),
            "max_score": float(q.points), "status": status, "reason": reason, "file": submission.name}


# --- output -------------------------------------------------------------------------------------


class _GradeFolder(_OutputFolder):
    """The grades folder, claimed and protected like ``coursekit run``'s output (see its marker)."""

    marker = MARKER
    made_by = "coursekit grade"


def _slug(name: str) -> str:
    slug = re.sub(r"[^\w\-.]+", "_", name, flags=re.UNICODE).strip("._") or "trainee"
    return slug[:80]


def _page(title: str, body: str) -> str:
    style = ("body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:60rem;margin:2rem auto;"
             "padding:0 1rem;color:#222}table{border-collapse:collapse;margin:1rem 0}"
             "th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}"
             "th{background:#f3f3f3}.passed{color:#1b7f3b}.failed,.error,.timeout,.missing{color:#b00020}"
             "img{max-width:100%}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n{body}\n</body></html>\n")


def _score_plot(totals: pd.Series, max_total: float) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(6, 3))
    sns.histplot(x=totals.to_numpy(dtype=float), bins=min(10, max(3, len(totals))), binrange=(0, max_total),
                 ax=ax, color="#3b6ea5")
    ax.set_xlabel(f"total score (out of {max_total:g})")
    ax.set_ylabel("trainees")
    ax.set_title("Score distribution")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _slugs(trainees) -> dict[str, str]:
    """A distinct feedback file name per trainee."""
    used: dict[str, str] = {}
    for t in sorted(set(map(str, trainees))):
        base = slug = _slug(t)
        k = 2
        while slug in used.values():
            slug, k = f"{base}-{k}", k + 1
        used[t] = slug
    return used


def _summary_html(book: pd.DataFrame, exercise: str, qs: list[Question], params: dict) -> str:
    totals = book.groupby("trainee")["score"].sum().sort_index()
    slugs = _slugs(totals.index)
    max_total = sum(q.points for q in qs)
    per_q = book.groupby("question", sort=False).agg(
        passed=("status", lambda s: int((s == "passed").sum())),
        mean_score=("score", "mean"), max_score=("max_score", "first"))
    per_q["pass_rate"] = per_q["passed"] / max(len(totals), 1)
    statuses = book.pivot_table(index="question", columns="status", values="score", aggfunc="size", fill_value=0)
    rows = "".join(
        f"<tr><td>{html.escape(q.id)}</td><td>{q.points:g}</td><td>{per_q.at[q.id, 'pass_rate']:.0%}</td>"
        f"<td>{per_q.at[q.id, 'mean_score']:.2f}</td><td>"
        + ", ".join(f"{s} {int(statuses.at[q.id, s])}" for s in STATUSES if s in statuses.columns
                    and statuses.at[q.id, s]) + "</td></tr>"
        for q in qs)
    trainees = "".join(
        f"<tr><td><a href=\"feedback/{slugs[t]}.html\">{html.escape(t)}</a></td><td>{s:g} / {max_total:g}</td></tr>"
        for t, s in totals.items())
    plot = _score_plot(totals, max_total)
    body = (f"<h1>Class summary · exercise {html.escape(exercise)}</h1>"
            f"<p>{len(totals)} submissions · mean score {totals.mean():.2f} / {max_total:g} · "
            f"median {totals.median():.2f}</p>"
            f"<p>Parameters: {html.escape(', '.join(f'{k}={v!r}' for k, v in params.items()))}</p>"
            f"<h2>Questions</h2><table><tr><th>question</th><th>points</th><th>pass rate</th>"
            f"<th>mean score</th><th>statuses</th></tr>{rows}</table>"
            f"<h2>Scores</h2><img alt=\"score distribution\" src=\"data:image/png;base64,{plot}\">"
            f"<table><tr><th>trainee</th><th>score</th></tr>{trainees}</table>")
    return _page(f"{exercise} · class summary", body)


def _feedback_html(trainee: str, rows: pd.DataFrame, exercise: str) -> str:
    total, max_total = rows["score"].sum(), rows["max_score"].sum()
    lines = "".join(
        f"<tr><td>{html.escape(r.question)}</td><td class=\"{r.status}\">{r.status}</td>"
        f"<td>{r.score:g} / {r.max_score:g}</td><td>{html.escape(r.reason)}</td></tr>"
        for r in rows.itertuples())
    body = (f"<h1>{html.escape(trainee)} · exercise {html.escape(exercise)}</h1>"
            f"<p><strong>Score: {total:g} / {max_total:g}</strong> (file {html.escape(rows['file'].iloc[0])})</p>"
            f"<table><tr><th>question</th><th>status</th><th>score</th><th>what to look at</th></tr>{lines}</table>"
            "<p>A failed question shows the first check your answer did not pass; fix it, run the "
            "check cell again, and look at the next one.</p>")
    return _page(f"{trainee} · {exercise}", body)


# --- the entry point ----------------------------------------------------------------------------


def grade(exercise: str, submissions: Iterable[str | Path], out_dir: str | Path, *,
          parameters: Mapping | None = None, solutions_dir: str | Path | None = None,
          cell_timeout: float = 60, notebook_timeout: float = 300, jobs: int | None = None,
          progress=None) -> GradeReport:
    """Grade every submission of ``exercise`` and write the gradebook, summary and feedback to ``out_dir``.

    Parameters
    ----------
    exercise : str
        Exercise name, e.g. ``"01_rfm"``.
    submissions : paths
        Notebooks, or folders searched for ``*.ipynb``.
    out_dir : path
        New or empty folder, or the output of an earlier ``grade`` (its files are replaced).
    parameters : mapping, optional
        Exercise parameters (dataset case, size, seed, ...) given to the trainees; the defaults of
        the exercise otherwise. ``data_dir`` defaults to the repository's ``datasets/``.
    cell_timeout, notebook_timeout : float
        Seconds a cell / a whole submission may run.
    jobs : int, optional
        Submissions run at once (default: the number of cores).

    Returns
    -------
    GradeReport
        ``gradebook`` (one row per trainee × question) and the files written.
    """
    started = time.monotonic()
    ex = exercise_set(exercise)
    solutions = Path(solutions_dir or ROOT / "solutions")
    solution = solutions / f"{exercise}.ipynb"
    if not solution.is_file():
        raise DataError(f"no solution notebook {solution} for exercise {exercise!r}")
    qs = questions(json.loads(solution.read_text("utf-8")), where=str(solution))
    params = ex.parameters(parameters)
    if "data_dir" in params:
        data_dir = Path(str(params["data_dir"]))
        if not data_dir.is_absolute():
            data_dir = (ROOT / "exercises" / data_dir).resolve()
        params["data_dir"] = str(data_dir)
    for name, value in (("cell_timeout", cell_timeout), ("notebook_timeout", notebook_timeout)):
        if not isinstance(value, (int, float)) or value <= 0:
            raise DataError(f"{name} must be a positive number of seconds, not {value!r}")
    files = _submissions(submissions)
    out = Path(out_dir)
    if any(out.resolve() == f.resolve().parent or out.resolve() in f.resolve().parents for f in files):
        raise DataError(f"--out {out} holds submissions; write the grades to another folder")
    before = {f: _sha256(f) for f in files}
    outputs = _GradeFolder(out)
    outputs.claim()
    ctx = ex.load(params)
    names = [q.answer for q in qs]
    trainees = [trainee_name(f) for f in files]
    seen: dict[str, int] = {}
    for t in trainees:
        seen[t] = seen.get(t, 0) + 1
    trainees = [t if seen[t] == 1 else f"{t} ({f.parent.name}/{f.name})" for t, f in zip(trainees, files)]
    workers = max(1, int(jobs or os.cpu_count() or 1))

    with tempfile.TemporaryDirectory(prefix="coursekit-grade-") as tmp:
        workdirs = []
        for k, _ in enumerate(files):
            folder = Path(tmp) / f"s{k:04d}"
            folder.mkdir()
            workdirs.append(folder)

        def one(k: int) -> dict:
            run = _run_one(files[k], workdirs[k], params, names, cell_timeout=cell_timeout,
                           notebook_timeout=notebook_timeout)
            if progress:
                progress(files[k], run)
            return run

        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(one, range(len(files))))
        rows = []
        for k, (f, run) in enumerate(zip(files, runs)):
            answers = load_answers(workdirs[k] / "answers", names)
            rows += _rows_for(exercise, qs, ex, ctx, trainees[k], f, run, answers)

    changed = [str(f) for f in files if _sha256(f) != before[f]]
    if changed:  # cannot happen: we only read them; say so loudly if it ever does
        raise DataError(f"submissions changed while grading: {changed}")
    book = pd.DataFrame(rows, columns=COLUMNS)
    slugs = _slugs(book["trainee"])
    pages = {"summary.html": _summary_html(book, exercise, qs, params)}
    for trainee, part in book.groupby("trainee", sort=True):
        pages[f"feedback/{slugs[str(trainee)]}.html"] = _feedback_html(str(trainee), part, exercise)
    outputs.expect("gradebook.csv", *pages)
    book.to_csv(out / "gradebook.csv", index=False)
    (out / "feedback").mkdir(exist_ok=True)
    for rel, page in pages.items():
        (out / rel).write_text(page, encoding="utf-8")
    outputs.written("gradebook.csv", *pages)
    written = [out / "gradebook.csv", *(out / rel for rel in pages)]
    return GradeReport(book, out, round(time.monotonic() - started, 2), written)
