"""Packaging: pyproject and environment.yml agree, the README's two commands, CI runs them."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"duckdb": "python-duckdb", "playwright": "playwright-python"}  # PyPI name → conda-forge name where they differ


def _requirement(spec: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9][^,;\s]*)?\s*", spec)
    assert match, f"unexpected requirement format: {spec!r}"
    return match.group(1).lower(), (match.group(2) or "").replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return dict(_requirement(s) for s in specs)


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python>", "python=", "pip"))]
    return dict(_requirement(d) for d in deps)


def test_pyproject_and_environment_list_the_same_dependencies():
    pypi = {CONDA_NAMES.get(name, name): bound for name, bound in _pyproject_requirements().items()}
    assert pypi == _conda_requirements()


def test_every_dependency_has_a_lower_bound():
    assert all(bound.startswith(">=") for bound in _pyproject_requirements().values())


def test_required_stack_is_declared():
    names = set(_pyproject_requirements())
    assert {"pandas", "seaborn", "jupyterlab", "ipywidgets", "papermill", "nbval"} <= names


def test_python_version_floor():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.10"
    assert project["scripts"]["coursekit"] == "coursekit.cli:main"
    assert sys.version_info >= (3, 10)


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    lines = [l for l in (ROOT / "README.md").read_text().splitlines() if l.strip()]
    assert lines[0].startswith("# ")
    assert lines[1] == "```bash"
    assert lines[2].split("#")[0].strip() == "make course"
    assert lines[3].split("#")[0].strip() == "make test"
    assert lines[4] == "```"
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_makefile_builds_its_own_environment():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^course: \$\(STAMP\)", makefile, re.M)
    assert re.search(r"^test: \$\(STAMP\)", makefile, re.M)
    assert "-m venv" in makefile and 'pip install --quiet -e ".[test,bench]"' in makefile
