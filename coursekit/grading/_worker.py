"""Run one submission in its own kernel: ``python -m coursekit.grading._worker SPEC.json``.

The grader starts one such process per submission, in a fresh temporary working directory that
holds a *copy* of the submission. The worker

1. reads the copy, drops its outputs, and injects the grading parameters after the cell tagged
   ``parameters`` (at the top when the trainee deleted it);
2. executes the cells in the trainee's order with a per-cell timeout (the kernel is interrupted and
   the next cell runs);
3. after every cell writes the answer variables as data (:mod:`coursekit.grading._export`) and one
   line of ``log.jsonl`` (cell index, status, error name and message, seconds).

The whole-notebook timeout is enforced by the grader, which kills this process and the kernel (its
pid is in ``kernel.pid``); what was logged and exported until then is still graded.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path


def _log(folder: Path, **entry) -> None:
    with (folder / "log.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def _error_of(outputs) -> tuple[str, str]:
    for out in outputs:
        if out.get("output_type") == "error":
            return str(out.get("ename", "")), str(out.get("evalue", ""))[:500]
    return "", ""


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    folder = Path(spec["workdir"])
    # jsonschema (imported by nbformat) builds the optional `rfc3987_syntax` IRI grammar on import:
    # 2.3 s of a 3.7 s submission on this machine. Notebooks carry no IRIs to check; skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    try:
        nb = nbformat.read(folder / "submission.ipynb", as_version=4)
    except Exception as exc:
        _log(folder, cell=None, status="unreadable", ename=type(exc).__name__, evalue=str(exc)[:500], seconds=0)
        return 0
    code = [c for c in nb.cells if c.get("cell_type") == "code"]
    for cell in code:
        cell["outputs"], cell["execution_count"] = [], None
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    lines = [f"{k} = {v!r}" for k, v in spec["parameters"].items()]
    injected = nbformat.v4.new_code_cell("# Parameters injected by coursekit grade\n" + "\n".join(lines),
                                         metadata={"tags": ["injected-parameters"]})
    where = next((k + 1 for k, c in enumerate(nb.cells)
                  if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells.insert(where, injected)
    export = nbformat.v4.new_code_cell(
        "__import__('coursekit.grading._export', fromlist=['export']).export("
        f"globals(), {spec['answers']!r}, {str(folder / 'answers')!r})")

    nb.cells.append(export)  # nbclient writes results back by index: the export cell must be in the notebook
    export_index = len(nb.cells) - 1

    logging.getLogger("traitlets").setLevel(logging.CRITICAL)
    timeout = spec["cell_timeout"]
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            error_on_timeout={"ename": "Timeout", "evalue": f"the cell ran longer than {timeout} s",
                                              "traceback": []},
                            resources={"metadata": {"path": str(folder)}})
    client.log.setLevel(logging.CRITICAL)
    replies: dict[int, dict] = {}
    client.on_cell_executed = lambda cell, cell_index, execute_reply: replies.__setitem__(
        cell_index, (execute_reply or {}).get("content", {}))
    with client.setup_kernel():
        (folder / "kernel.pid").write_text(str(client.km.provisioner.pid), encoding="utf-8")
        for index, cell in enumerate(nb.cells[:export_index]):
            if cell.get("cell_type") != "code":
                continue
            source_index = index if index < where else index - 1  # position in the submission
            if index == where:
                source_index = None
            _log(folder, cell=source_index, status="started", seconds=0)
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                _log(folder, cell=source_index, status="error", ename="DeadKernel",
                     evalue="the kernel died (os._exit, a crash or out of memory)",
                     seconds=round(time.monotonic() - start, 2))
                return 0
            reply = replies.get(index, {})
            ename, evalue = _error_of(cell.get("outputs", []))
            status = "ok"
            if reply.get("status") == "error" or ename:
                status = "error"
                ename = reply.get("ename", ename) or ename
                evalue = str(reply.get("evalue", evalue) or evalue)[:500]
                if ename in ("Timeout", "KeyboardInterrupt") and time.monotonic() - start >= timeout * 0.95:
                    status, ename = "timeout", "Timeout"
                    evalue = f"the cell ran longer than {timeout} s and was interrupted"
            cell["outputs"] = []  # a submission printing megabytes costs nothing more
            _log(folder, cell=source_index, status=status, ename=ename, evalue=evalue,
                 seconds=round(time.monotonic() - start, 2))
            try:
                client.execute_cell(export, export_index, store_history=False)
            except DeadKernelError:
                return 0
            export["outputs"] = []
    _log(folder, cell=None, status="finished", seconds=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
