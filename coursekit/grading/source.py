"""One source of truth: the solution notebooks in ``solutions/`` generate the exercise notebooks.

Markers in a solution notebook (in the style of otter-grader):

- a question's answer cell starts with ``# QUESTION q1_2 · points: 2 · answer: rfm``: the question
  id, its points, and the variable that holds the answer (what the grader collects);
- ``# BEGIN SOLUTION`` … ``# END SOLUTION`` in a code cell: the worked solution. In the exercise the
  block becomes ``# YOUR CODE HERE`` and, in an answer cell, ``<answer> = ...``;
- ``<!-- BEGIN SOLUTION -->`` … ``<!-- END SOLUTION -->`` in a markdown cell: a written answer
  (a justification), replaced by *Your answer here.*;
- hidden checks are not in the notebook at all: they live with the public checks in the exercise
  set's module (``coursekit/grading/sets/``), marked ``hidden=True``, and run only in the grader.

The generated exercise notebook has no outputs, no execution counts and no solution; each answer
cell carries ``metadata.coursekit.question``. ``exercises/.generated.json`` records the sha256 of
every generated file, so :func:`build_exercises` replaces only files it wrote and nobody changed
since — a trainee's edited copy is never overwritten.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from coursekit._errors import DataError

__all__ = ["Question", "ROOT", "build_exercises", "cell_source", "make_exercise", "questions"]

ROOT = Path(__file__).resolve().parents[2]
"""The repository: ``solutions/`` and ``exercises/`` live here."""

QUESTION = re.compile(r"^#\s*QUESTION\s+(?P<id>[A-Za-z]\w*)\s*·\s*points:\s*(?P<points>\d+(?:\.\d+)?)"
                      r"\s*·\s*answer:\s*(?P<answer>[A-Za-z_]\w*)\s*$")
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MANIFEST = ".generated.json"


@dataclass(frozen=True)
class Question:
    """A question of an exercise: id, points, the answer variable and the cell it is in."""

    id: str
    points: float
    answer: str
    cell: int


def cell_source(cell) -> str:
    """A cell's source as one string (notebook files store it as a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def questions(nb, *, where: str = "notebook") -> list[Question]:
    """The questions declared by ``# QUESTION`` lines, in notebook order; duplicates are an error."""
    found: list[Question] = []
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for line in cell_source(cell).splitlines():
            if line.lstrip().startswith("# QUESTION"):
                match = QUESTION.match(line.strip())
                if not match:
                    raise DataError(f"{where}, cell {k}: malformed question line {line.strip()!r}; "
                                    f"expected '# QUESTION q1_1 · points: 2 · answer: variable'")
                found.append(Question(match["id"], float(match["points"]), match["answer"], k))
    ids = [q.id for q in found]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise DataError(f"{where}: question ids used twice: {dupes}")
    return found


def _strip_code(src: str, answer: str | None, where: str) -> str:
    out, inside, assigned = [], False, False
    indent = ""
    for line in src.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise DataError(f"{where}: '{BEGIN}' inside another solution block")
            inside, assigned = True, False
            indent = line[: len(line) - len(line.lstrip())]
            continue
        if stripped == END:
            if not inside:
                raise DataError(f"{where}: '{END}' without '{BEGIN}'")
            inside = False
            out.append(f"{indent}# YOUR CODE HERE")
            if assigned and answer:
                out.append(f"{indent}{answer} = ...")
            continue
        if inside:
            if answer and re.match(rf"^\s*{re.escape(answer)}\s*=(?!=)", line):
                assigned = True
            continue
        out.append(line)
    if inside:
        raise DataError(f"{where}: '{BEGIN}' without '{END}'")
    return "\n".join(out)


def _strip_markdown(src: str, where: str) -> str:
    pattern = re.compile(re.escape(MD_BEGIN) + r".*?" + re.escape(MD_END), re.S)
    if src.count(MD_BEGIN) != src.count(MD_END):
        raise DataError(f"{where}: unbalanced {MD_BEGIN} / {MD_END}")
    return pattern.sub("*Your answer here.*", src)


def make_exercise(solution, name: str):
    """The exercise notebook generated from a solution notebook (a new object; input untouched)."""
    where = f"solutions/{name}.ipynb"
    nb = copy.deepcopy(solution)
    qs = {q.cell: q for q in questions(nb, where=where)}
    for k, cell in enumerate(nb["cells"]):
        cell_where = f"{where}, cell {k}"
        if cell["cell_type"] == "code":
            q = qs.get(k)
            cell["source"] = _strip_code(cell_source(cell), q.answer if q else None, cell_where)
            cell["outputs"] = []
            cell["execution_count"] = None
            if q:
                cell.setdefault("metadata", {})["coursekit"] = {"question": q.id}
        elif cell["cell_type"] == "markdown":
            cell["source"] = _strip_markdown(cell_source(cell), cell_where)
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop("papermill", None)
    meta = nb.setdefault("metadata", {})
    meta.pop("papermill", None)
    meta["coursekit"] = {"exercise": name, "generated_from": f"solutions/{name}.ipynb",
                         "questions": {q.id: {"points": q.points, "answer": q.answer} for q in qs.values()}}
    return nb


def notebook_text(nb) -> str:
    """The exact text a notebook is written as (nbformat's layout, one trailing newline)."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(nb), version=4) + "\n"


def build_exercises(solutions_dir: str | Path | None = None, exercises_dir: str | Path | None = None,
                    *, check: bool = False) -> list[str]:
    """Generate ``exercises/NAME.ipynb`` from every ``solutions/NAME.ipynb``.

    ``check=True`` writes nothing and returns the names whose exercise file is missing or differs
    from what would be generated (a test uses it). Otherwise returns the names written. A file that
    exists and is not the unchanged output of an earlier build is refused with a :class:`DataError`.
    """
    import nbformat

    solutions = Path(solutions_dir or ROOT / "solutions")
    exercises = Path(exercises_dir or ROOT / "exercises")
    books = sorted(solutions.glob("[!_.]*.ipynb"))
    if not books:
        raise DataError(f"no solution notebooks in {solutions}")
    manifest_path = exercises / MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    stale, written = [], []
    planned = {}
    for book in books:
        nb = nbformat.read(book, as_version=4)
        planned[book.stem] = notebook_text(make_exercise(nb, book.stem))
    for name, text in planned.items():
        target = exercises / f"{name}.ipynb"
        current = target.read_text("utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(name)
        if check:
            continue
        if current is not None:
            digest = hashlib.sha256(current.encode("utf-8")).hexdigest()
            if manifest.get(f"{name}.ipynb") != digest:
                raise DataError(f"{target} was changed since it was generated (a trainee's work?); "
                                f"coursekit never overwrites it: move it away and build again")
        exercises.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        manifest[f"{name}.ipynb"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        written.append(name)
    if not check and written:
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return stale if check else written
