"""Tiny builder for solution notebooks: build(path, cells) with ("md"|"code"|"params", source)."""
import nbformat
from nbformat.v4 import new_notebook, new_markdown_cell, new_code_cell

def build(path, cells):
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    for kind, src in cells:
        src = src.strip("\n")
        if kind == "md":
            nb.cells.append(new_markdown_cell(src))
        elif kind == "params":
            nb.cells.append(new_code_cell(src, metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(new_code_cell(src))
    nbformat.write(nb, path)
