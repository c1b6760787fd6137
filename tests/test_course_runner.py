"""``coursekit run`` / :func:`coursekit.course.run_course`: real papermill runs on tiny notebooks.

The fixture course (``tests/fixtures/notebooks/``, see its README) has three notebooks and a
draft: ``01_params`` declares ``case``, ``top`` and ``pause`` and prints them; ``02_fails`` fails
in its second cell; ``03_widgets`` declares ``start`` and shows an ``IntSlider(value=start)``;
``_draft`` would fail but is skipped. Four notebook runs in all (two module-scoped), about 25 s.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from _helpers import _Loads, _tree_hash

from coursekit import DataError
from coursekit.cli import main
from coursekit.course import MARKER, CellError, external_references, parse_value, run_course

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
NAMES = ["01_params", "02_fails", "03_widgets"]


def _coursekit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "coursekit"
    command = [str(exe)] if exe.exists() else [shutil.which("coursekit") or "coursekit"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


def _stdout_of(notebook: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")


def _injected(notebook: nbformat.NotebookNode) -> str | None:
    cells = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    return cells[0].source if cells else None


def _parse(page: Path) -> _Loads:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _is_local(ref: str) -> bool:
    return ref.startswith(("data:", "#")) or not re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)", ref)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """The whole fixture course through the console script, with --case and two -p parameters."""
    out = tmp_path_factory.mktemp("cli") / "course"
    before = _tree_hash(FIXTURES)
    run = _coursekit("run", "--notebooks", str(FIXTURES), "--out", str(out),
                     "--case", "bank", "-p", "top", "5", "-p", "start", "7")
    return run, out, before


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """01_params alone with its defaults, through the Python API."""
    out = tmp_path_factory.mktemp("api") / "course"
    lines: list[str] = []
    results = run_course(FIXTURES, out, only="01", log=lines.append)
    return results, out, lines


class TestParameters:
    def test_values_parse_as_yaml_scalars(self):
        assert parse_value("5") == 5 and parse_value("0.5") == 0.5
        assert parse_value("true") is True and parse_value("bank") == "bank"
        assert parse_value("2024-01-31") == "2024-01-31"  # not a date: papermill would write 2024-01-31 = 1992

    def test_injected_parameters_change_the_output(self, cli_run, default_run):
        _, out, _ = cli_run
        results, default_out, _ = default_run
        assert [r.status for r in results] == ["ok"]
        ran = nbformat.read(out / "01_params.ipynb", as_version=4)
        default = nbformat.read(default_out / "01_params.ipynb", as_version=4)
        assert "case=bank top=5" in _stdout_of(ran)
        assert "case=retail top=3" in _stdout_of(default)
        assert _injected(default) is None  # nothing asked, nothing injected

    def test_relative_paths_resolve_in_the_notebooks_folder(self, default_run):
        _, out, lines = default_run
        assert re.fullmatch(r"\[1/1\] 01_params\.ipynb … \d+\.\d s", lines[0])
        assert lines[-1].startswith("1 of 1 notebooks ran in ")
        assert "hello from the notebooks folder" in _stdout_of(nbformat.read(out / "01_params.ipynb", as_version=4))

    def test_only_declared_parameters_are_injected(self, cli_run):
        run, out, _ = cli_run
        params = _injected(nbformat.read(out / "01_params.ipynb", as_version=4))
        widgets = _injected(nbformat.read(out / "03_widgets.ipynb", as_version=4))
        assert "case = \"bank\"" in params and "top = 5" in params and "start" not in params
        assert "start = 7" in widgets and "case" not in widgets and "top" not in widgets
        assert _injected(nbformat.read(out / "02_fails.ipynb", as_version=4)) is None
        # the log says which notebooks took which parameter
        assert "parameter case='bank' → 01_params.ipynb\n" in run.stdout
        assert "parameter start=7 → 03_widgets.ipynb\n" in run.stdout

    def test_a_parameter_no_notebook_declares_is_refused(self, tmp_path):
        with pytest.raises(DataError, match=r"parameter 'topp' is declared in the parameters cell of none"):
            run_course(FIXTURES, tmp_path / "out", {"topp": 5})
        assert not (tmp_path / "out").exists()


class TestFailure:
    def test_exit_code_and_message_name_notebook_and_cell(self, cli_run):
        run, _, _ = cli_run
        assert run.returncode == 1
        assert ("coursekit: error: 02_fails.ipynb failed at cell 2 ('# this cell fails on purpose'): "
                "ValueError: broken on purpose (total=2)") in run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert "[2/3] 02_fails.ipynb" in run.stdout

    def test_the_run_goes_on_and_keeps_the_failed_notebook(self, cli_run):
        run, out, _ = cli_run
        assert "[3/3] 03_widgets.ipynb" in run.stdout  # a failure does not stop the run
        failed = nbformat.read(out / "02_fails.ipynb", as_version=4)
        errors = [o for c in failed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert errors and errors[0].ename == "ValueError" and errors[0].traceback  # full traceback kept
        assert "never reached" not in _stdout_of(failed)
        assert not (out / "_draft.ipynb").exists()

    def test_a_cell_that_runs_too_long_fails_its_notebook(self, default_run, tmp_path):
        # into a copy of an earlier run's folder: its contents are replaced, not refused
        out = shutil.copytree(default_run[1], tmp_path / "out")
        results = run_course(FIXTURES, out, {"pause": 30}, only="01_*", timeout=1, html=False)
        [result] = results
        assert result.status == "failed" and result.seconds < 20
        assert result.error == CellError("TimeoutError", "the cell was still running after 1 s (raise --timeout)",
                                         3, "import time")
        assert "pause = 30" in _injected(nbformat.read(out / "01_params.ipynb", as_version=4))
        assert sorted(p.name for p in out.iterdir()) == [MARKER, "01_params.ipynb"]  # old HTML gone


class TestFolders:
    def test_the_notebooks_folder_is_unchanged(self, cli_run, default_run):
        _, _, before = cli_run
        assert _tree_hash(FIXTURES) == before

    def test_writes_only_its_own_files(self, cli_run):
        _, out, _ = cli_run
        names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
        assert {f"{n}.ipynb" for n in NAMES} | {f"{n}.html" for n in NAMES} | {"index.html", MARKER} <= names
        manifest = json.loads((out / MARKER).read_text())
        assert set(manifest["files"]) == names - {MARKER}

    def test_a_folder_with_foreign_files_is_refused(self, tmp_path):
        out = tmp_path / "mine"
        out.mkdir()
        (out / "notes.txt").write_text("a trainee's notes\n")
        before = _tree_hash(out)
        with pytest.raises(DataError, match=r"not empty and was not made by coursekit run \(it holds notes.txt\)"):
            run_course(FIXTURES, out, only="01")
        assert main(["run", "--notebooks", str(FIXTURES), "--out", str(out)]) == 2
        assert _tree_hash(out) == before

    def test_an_earlier_run_with_a_file_added_or_edited_is_refused(self, default_run, tmp_path):
        out = shutil.copytree(default_run[1], tmp_path / "out")
        (out / "extra.txt").write_text("added by a trainee\n")
        with pytest.raises(DataError, match=r"files coursekit run did not make: extra.txt"):
            run_course(FIXTURES, out, only="01")
        (out / "extra.txt").unlink()
        page = out / "01_params.html"
        page.write_text(page.read_text(encoding="utf-8") + "<!-- my edit -->", encoding="utf-8")
        before = _tree_hash(out)
        with pytest.raises(DataError, match=r"files changed since coursekit run wrote them: 01_params.html"):
            run_course(FIXTURES, out, only="01")
        assert _tree_hash(out) == before

    def test_output_inside_the_notebooks_folder_is_refused(self):
        with pytest.raises(DataError, match="inside the notebooks folder"):
            run_course(FIXTURES, FIXTURES / "build", only="01")
        assert not (FIXTURES / "build").exists()


class TestHtml:
    def test_every_page_loads_only_local_files(self, cli_run):
        _, out, _ = cli_run
        for page in [out / f"{n}.html" for n in NAMES] + [out / "index.html"]:
            parsed = _parse(page)
            outside = [ref for ref in parsed.loads if not _is_local(ref)]
            assert outside == [], f"{page.name} loads {outside}"
            assert [ref for ref in parsed.anchors if not _is_local(ref)] == [], page.name
            for ref in parsed.loads:
                if not ref.startswith(("data:", "#")):
                    assert (out / ref).is_file(), f"{page.name} refers to missing {ref}"
            assert external_references(page.read_text(encoding="utf-8")) == []

    def test_scripts_come_from_the_static_folder(self, cli_run):
        _, out, _ = cli_run
        loads = _parse(out / "01_params.html").loads
        assert "static/require.js" in loads and "static/tex-svg-full.js" in loads
        assert "$s = 1 + \\lfloor" in (out / "01_params.html").read_text(encoding="utf-8")  # math left to MathJax

    def test_widget_state_is_embedded_with_a_local_renderer(self, cli_run):
        _, out, _ = cli_run
        page = (out / "03_widgets.html").read_text(encoding="utf-8")
        state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', page, re.S)
        assert state, "no saved widget state"
        models = json.loads(state.group(1))["state"].values()
        [slider] = [m for m in models if m["model_name"] == "IntSliderModel"]
        assert slider["state"]["value"] == 7  # the injected start=7
        renderers = set(re.findall(r"widgetRendererSrc = '([^']*)'", page))
        assert renderers == {"static/embed-amd.js"}
        assert (out / "static" / "embed-amd.js").stat().st_size > 1_000_000

    def test_index_links_every_notebook_with_status_and_time(self, cli_run):
        _, out, _ = cli_run
        index = out / "index.html"
        assert set(_parse(index).anchors) == {f"{n}.html" for n in NAMES} | {f"{n}.ipynb" for n in NAMES}
        text = index.read_text(encoding="utf-8")
        rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", text)
        assert [re.search(r'class="(ok|failed)"', r).group(1) for r in rows] == ["ok", "failed", "ok"]
        assert all(re.search(r'class="time">\d+\.\d s<', r) for r in rows)
        assert "broken on purpose" in rows[1]
        for name in NAMES:
            assert 'href="index.html"' in (out / f"{name}.html").read_text(encoding="utf-8")
