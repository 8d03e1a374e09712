"""The book's prose and reference pages agree with themselves: one Chinese term per concept, and
an errata table whose every row says where the book shows (or will show) the correction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lossnotes.catalog import CATALOG

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def _glossary() -> dict[str, tuple[str, str]]:
    """English term (normalised) -> (Chinese term, abbreviation), from the glossary's table."""
    rows = {}
    for line in (BOOK / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "") and not set(cells[0]) <= set("-"):
            rows[_norm(cells[0])] = (cells[1], cells[2])
    return rows


def _norm(term: str) -> str:
    return re.sub(r"[\s_\-]+", " ", term.lower()).strip()


def _prose() -> dict[str, str]:
    """Every page's text: markdown files and the markdown cells of notebooks."""
    texts = {}
    for path in sorted(BOOK.rglob("*")):
        if "_build" in path.parts or "_static" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        if path.suffix == ".md":
            texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts[str(path.relative_to(ROOT))] = "\n".join(
                "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return texts


def test_the_glossary_parses():
    glossary = _glossary()
    assert len(glossary) > 30
    assert glossary["mean squared error"] == ("均方误差", "MSE")


@pytest.mark.parametrize("record", CATALOG, ids=lambda r: r.name)
def test_catalogue_and_glossary_give_a_loss_the_same_chinese_term(record):
    glossary = _glossary()
    english = _norm(record.name)
    by_abbreviation = {f"{abbr.lower()} loss": chinese for chinese, abbr in glossary.values() if abbr}
    matches = [glossary[e][0] for e in (english, english.removesuffix(" loss"), english + " loss")
               if e in glossary]
    matches += [by_abbreviation[english]] if english in by_abbreviation else []
    for chinese in matches:  # the concept's term, or the concept's term + 损失 (loss) for the loss
        assert record.chinese_name in (chinese, chinese + "损失"), (record.name, record.chinese_name, chinese)


# Variants the book once used beside the glossary's term; each concept keeps one Chinese name.
REPLACED_TERMS = {
    "最大似然估计": "极大似然估计",
    "边际排序损失": "间隔排序损失",
    "Log-Cosh 损失": "对数双曲余弦损失",
}


@pytest.mark.parametrize("variant", REPLACED_TERMS)
def test_one_chinese_term_per_concept(variant):
    used = [page for page, text in _prose().items() if variant in text]
    catalog = (ROOT / "lossnotes" / "catalog.py").read_text(encoding="utf-8")
    used += ["lossnotes/catalog.py"] if variant in catalog else []
    assert used == [], f"{variant!r} in {used}: the book's term is {REPLACED_TERMS[variant]!r}"
    assert any(REPLACED_TERMS[variant] in text for text in _prose().values())


def test_every_errata_row_says_where_it_is_shown():
    text = (BOOK / "errata.md").read_text(encoding="utf-8")
    shown = text.split("## Shown in the book")[1].split("## In preparation")[0]
    later = text.split("## In preparation")[1] if "## In preparation" in text else ""
    rows = lambda part: [r for r in part.splitlines() if r.startswith("| 0")]  # noqa: E731
    assert len(rows(shown)) >= 10  # the rows of the landed chapters; 'later' shrinks as chapters land
    for row in rows(shown):
        where = row.rstrip(" |").rsplit("|", 1)[1]
        assert re.search(r"\{(doc|ref)\}`", where), f"a shown correction without a link: {row}"
        assert "in preparation" not in where
    for row in rows(later):
        assert "(in preparation)" in row.rstrip(" |").rsplit("|", 1)[1], row
