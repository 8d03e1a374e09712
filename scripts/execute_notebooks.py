"""Re-execute the book's notebooks in place, top to bottom, deterministically.

Usage: python scripts/execute_notebooks.py [NOTEBOOK_OR_FOLDER ...]   (default: every notebook in book/)

Each notebook runs in a fresh kernel with its own folder as the working directory, on the CPU
(LOSSNOTES_DEVICE=cpu, so what is stored does not depend on the machine that ran it), with fixed
hash seeds. Cell timing metadata is not recorded, so a re-run that prints the same changes nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 600


def notebooks(args: list[str]) -> list[Path]:
    targets = [Path(a) for a in args] or [ROOT / "book"]
    found: list[Path] = []
    for t in targets:
        if t.is_dir():
            found += sorted(p for p in t.rglob("*.ipynb")
                            if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)
        elif t.suffix == ".ipynb" and t.exists():
            found.append(t)
        else:
            raise SystemExit(f"not a notebook or folder: {t}")
    return found


def coalesce_streams(cell) -> None:
    """Merge consecutive stdout (or stderr) outputs of a cell into one.

    How the kernel splits a cell's printed text into chunks depends on timing, so without this
    a re-run that prints the same text could store it differently.
    """
    merged = []
    for out in cell.get("outputs", []):
        if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == out.name):
            merged[-1].text += out.text
        else:
            merged.append(out)
    cell.outputs = merged


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            coalesce_streams(cell)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    os.environ["LOSSNOTES_DEVICE"] = "cpu"
    os.environ["PYTHONHASHSEED"] = "0"
    # Small tensors: one thread is faster than many fighting over two cores, and it takes
    # thread-count-dependent summation orders out of the printed numbers.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # Figures are stored through the kernel's inline backend; a non-interactive MPLBACKEND
    # inherited from the shell would silently drop every figure from the outputs.
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for path in notebooks(argv):
        rel = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        print(f"executing {rel}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
