"""Hygiene of the committed notebooks.

nbval re-executes every code cell and compares its text outputs, but it silently passes a cell
that has no stored execution. These tests close that hole: every notebook must have been executed
top to bottom by `make execute`, be listed in the table of contents, and store outputs that do not
depend on the machine that made them.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def _notebooks() -> list[Path]:
    return sorted(p for p in BOOK.rglob("*.ipynb")
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def _code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def _text_of(output: dict) -> str:
    if output["output_type"] == "stream":
        return "".join(output["text"])
    if output["output_type"] in ("execute_result", "display_data"):
        return "".join(output.get("data", {}).get("text/plain", ""))
    return ""


NOTEBOOKS = _notebooks()
IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7, IDS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_was_executed_in_order(path):
    counts = [c["execution_count"] for c in _code_cells(path)]
    assert counts, f"{path.name} has no code cells"
    assert None not in counts, f"{path.name}: cells without stored execution: run `make execute`"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n: re-execute top to bottom with `make execute`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_errors_warnings_or_machine_specific_text_in_outputs(path):
    bad = re.compile(r"(/work/|/home/|/root/|/tmp/|site-packages|\b0x[0-9a-fA-F]{6,}\b|device='(cuda|mps)"
                     r"|Warning:|it/s\])")
    for i, cell in enumerate(_code_cells(path)):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name} cell {i} stored an error"
            if out["output_type"] == "stream":
                assert out["name"] == "stdout", f"{path.name} cell {i} wrote to stderr: {_text_of(out)!r}"
            text = _text_of(out)
            match = bad.search(text)
            assert match is None, f"{path.name} cell {i}: machine-specific text {match.group(0)!r} in {text!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_the_standard_one(path):
    first = "".join(_code_cells(path)[0]["source"])
    for needed in ("import lossnotes", "lossnotes.seed_everything(0)", "device = lossnotes.device()"):
        assert needed in first, f"{path.name}: first code cell lacks {needed!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_timing_metadata_and_python3_kernel(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        assert "execution" not in cell.get("metadata", {}), f"{path.name} stores cell timings"


def test_every_notebook_is_in_the_toc_and_every_toc_entry_exists():
    listed = set(_toc_files())
    for path in NOTEBOOKS:
        key = str(path.relative_to(ROOT).with_suffix(""))
        assert key in listed, f"{key} is not in _toc.yml: it would be neither built nor read"
    for entry in listed:
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


def test_the_checker_refuses_an_unexecuted_cell(tmp_path):
    # The hole this file closes: build a notebook with one unexecuted cell and check the same
    # rule that guards the real notebooks finds it.
    nb = {"cells": [
        {"cell_type": "code", "source": ["import lossnotes\n"], "execution_count": 1, "outputs": [],
         "metadata": {}},
        {"cell_type": "code", "source": ["print(1)\n"], "execution_count": None, "outputs": [],
         "metadata": {}},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "unexecuted.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(AssertionError, match="without stored execution"):
        test_every_code_cell_was_executed_in_order(path)


def test_every_catalogued_book_page_exists_and_is_in_the_toc():
    from lossnotes.catalog import CATALOG

    listed = set(_toc_files())
    pages = {r.name: r.book_page for r in CATALOG if r.book_page is not None}
    assert pages, "the catalogue should point at least one loss to its page"
    for name, page in pages.items():
        assert page in listed, f"catalog: {name} points at {page}, which is not in _toc.yml"


PAGE_WIDTH = 88  # monospace characters in the book's code and output column


def _lines_wider_than_the_page(path: Path) -> list[str]:
    too_wide = []
    for i, cell in enumerate(_code_cells(path)):
        texts = [("source", "".join(cell["source"]))]
        texts += [("stdout", _text_of(out)) for out in cell["outputs"]
                  if out["output_type"] == "stream" and out["name"] == "stdout"]
        for kind, text in texts:
            too_wide += [f"cell {i} {kind} ({len(line)} chars): {line}"
                         for line in text.splitlines() if len(line) > PAGE_WIDTH]
    return too_wide


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_and_printed_output_fit_the_page_width(path):
    # A wider line scrolls sideways on the rendered page and the reader misses its end.
    too_wide = _lines_wider_than_the_page(path)
    assert not too_wide, f"{path.name}: lines over {PAGE_WIDTH} characters:\n" + "\n".join(too_wide)


def test_the_width_checker_finds_a_long_source_line_and_a_long_printed_line(tmp_path):
    long_line = "x" * (PAGE_WIDTH + 1)
    nb = {"cells": [
        {"cell_type": "code", "source": [f"# {'y' * (PAGE_WIDTH - 2)}\n", f"{long_line} = 1\n"],
         "execution_count": 1, "outputs": [
             {"output_type": "stream", "name": "stdout", "text": [f"{'z' * PAGE_WIDTH}\n", long_line]}],
         "metadata": {}},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "wide.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = _lines_wider_than_the_page(path)
    assert [line.split(" (")[0] for line in found] == ["cell 0 source", "cell 0 stdout"], found


# ----------------------------------------------------------------------------- figures and tabs

MIN_DPI = 150


def _png_dpi(png: bytes) -> float | None:
    """The resolution a PNG declares in its pHYs chunk (pixels per metre -> dots per inch)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i = 8
    while i < len(png):
        (length,) = struct.unpack(">I", png[i:i + 4])
        kind = png[i + 4:i + 8]
        if kind == b"pHYs":
            per_metre, _, unit = struct.unpack(">IIB", png[i + 8:i + 17])
            return per_metre * 0.0254 if unit == 1 else None
        i += 12 + length
    return None


def _figure_cells(path: Path) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(_code_cells(path))
            if any("image/png" in out.get("data", {}) for out in c["outputs"])]


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_stored_at_150_dpi_or_more(path):
    for i, cell in _figure_cells(path):
        for out in cell["outputs"]:
            if "image/png" in out.get("data", {}):
                dpi = _png_dpi(base64.b64decode(out["data"]["image/png"]))
                assert dpi is not None and dpi >= MIN_DPI - 0.5, f"{path.name} cell {i}: {dpi} dpi"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_figures_are_numbered_captioned_and_referred_to(path):
    # A figure is a cell whose metadata gives MyST-NB a caption and a name: the book numbers it
    # (numfig), and the text refers to it by number with {numref}.
    text = _markdown(path)
    for i, cell in _figure_cells(path):
        figure = cell["metadata"].get("mystnb", {}).get("figure", {})
        name, caption = figure.get("name", ""), figure.get("caption", "")
        assert name.startswith("fig-"), f"{path.name} cell {i}: a figure without a 'fig-' name"
        assert len(caption.split()) >= 8, f"{path.name} cell {i}: figure {name} has no real caption"
        assert f"`{name}`" in text, f"{path.name}: figure {name} is never referred to ({{numref}}`{name}`)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_figure_cell_outputs_one_image_and_nothing_else(path):
    # MyST-NB gives the figure's name to every output of the cell: a second output (a stray
    # `Text(...)` from a last line that returns a value, a printed line) becomes a second target
    # of the same name, and the -W build fails on the duplicate.
    for i, cell in _figure_cells(path):
        kinds = [(o["output_type"], "image/png" in o.get("data", {})) for o in cell["outputs"]]
        assert kinds == [("display_data", True)], f"{path.name} cell {i}: outputs {kinds}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_cell_relies_on_a_trailing_semicolon(path):
    # A trailing `;` hides the last value when the notebook is executed by the project's script,
    # but nbval's kernel shows it (the stored and the re-run outputs then differ): end a cell on a
    # statement instead.
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            assert not "".join(cell["source"]).rstrip().endswith(";"), f"{path.name} cell {i}"


TAB_TAGS = ("pytorch", "paddle")


def _tab_runs(path: Path) -> list[list[tuple[int, str]]]:
    """Runs of consecutive cells (of any type) tagged for the framework tabs."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    runs, run = [], []
    for i, cell in enumerate(cells):
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t in TAB_TAGS]
        if tags and cell["cell_type"] == "code":
            run.append((i, tags[0]))
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_paddle_code_sits_in_framework_tabs(path):
    # The text reads in one framework: every cell that runs Paddle is in the PaddlePaddle tab of
    # a tab set (consecutive cells tagged 'pytorch' then 'paddle'), beside its PyTorch twin.
    tagged = {i for run in _tab_runs(path) for i, _ in run}
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.search(r"\bpaddle\b|\bLP\.", source) and path.name != "catalogue.ipynb":
            assert i in tagged and "paddle" in cell["metadata"]["tags"], f"{path.name} cell {i} runs Paddle untagged"
    for run in _tab_runs(path):
        tags = [t for _, t in run]
        assert set(tags) == set(TAB_TAGS), f"{path.name} cells {run}: a tab set needs both tabs"
        assert tags == sorted(tags, key=TAB_TAGS.index), f"{path.name} cells {run}: PyTorch cells come first"


def test_the_dpi_reader_reads_what_matplotlib_writes():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    for dpi in (100, 150):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        assert _png_dpi(buffer.getvalue()) == pytest.approx(dpi, abs=0.5)
    plt.close(fig)
