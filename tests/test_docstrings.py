"""The house style of the loss docstrings (Google style), checked for every public loss.

Each loss of :mod:`lossnotes.functional` (``TORCH_LOSSES`` and ``EXTRA_LOSSES``) must have a
one-line summary, a ``.. math::`` block and the sections ``Args:``, ``Shape:``, ``Raises:``,
``Example:``, ``References:`` and ``See also:``, in that order (other sections, such as
``Notes:``, may sit between them). Enforced in detail:

* ``Args:`` names every parameter of the signature, as ``name:`` at the start of an entry.
* ``Shape:`` has an ``Input:`` line and an ``Output:`` line, and a ``Target:`` line exactly when
  the function takes a ``target`` argument.
* ``Raises:`` lists only exception types the losses raise (the three of
  :mod:`lossnotes._checks`, ``ValueError``, ``TypeError``), at least one.
* ``Example:`` holds a doctest, and the doctests pass.
* ``References:`` is not empty.

``ctc_loss`` is left out: its module is edited elsewhere and its ``Shape:`` section has no
``Input:`` / ``Target:`` lines yet.
"""

from __future__ import annotations

import doctest
import inspect
import re
import sys

import pytest

import lossnotes.functional as F

NOT_YET: set[str] = set()
LOSSES = [name for name in (*F.TORCH_LOSSES, *F.EXTRA_LOSSES) if name not in NOT_YET]
SECTIONS = ("Args", "Shape", "Raises", "Example", "References", "See also")
EXCEPTIONS = {"InputError", "InputIndexError", "InputDtypeError", "ValueError", "TypeError"}

_HEADER = re.compile(r"^    ([A-Z][A-Za-z ]*):$", re.M)


def _sections(doc: str) -> dict[str, str]:
    """The docstring's sections (4-space indented ``Name:`` headers), name -> body."""
    heads = list(_HEADER.finditer(doc))
    return {
        m.group(1): doc[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(doc)]
        for i, m in enumerate(heads)
    }


def _entries(body: str) -> list[str]:
    """The first word (before ':') of each 8-space indented entry of a section body."""
    return re.findall(r"^        (\S[^:\n]*):", body, re.M)


@pytest.mark.parametrize("name", LOSSES)
def test_sections_present_and_ordered(name):
    doc = getattr(F, name).__doc__
    assert doc and doc.splitlines()[0].strip(), f"{name}: no one-line summary"
    assert ".. math::" in doc, f"{name}: no math block"
    heads = [m.group(1) for m in _HEADER.finditer(doc)]
    missing = [s for s in SECTIONS if s not in heads]
    assert not missing, f"{name}: missing sections {missing}"
    order = [heads.index(s) for s in SECTIONS]
    assert order == sorted(order), f"{name}: sections out of order: {heads}"


@pytest.mark.parametrize("name", LOSSES)
def test_args_cover_signature(name):
    fn = getattr(F, name)
    documented = set(_entries(_sections(fn.__doc__)["Args"]))
    missing = [p for p in inspect.signature(fn).parameters if p not in documented]
    assert not missing, f"{name}: parameters not in Args: {missing}"


@pytest.mark.parametrize("name", LOSSES)
def test_shape_lines(name):
    fn = getattr(F, name)
    labels = set(_entries(_sections(fn.__doc__)["Shape"]))
    assert {"Input", "Output"} <= labels, f"{name}: Shape needs Input: and Output: lines, has {labels}"
    has_target = bool({"target", "targets"} & set(inspect.signature(fn).parameters))
    assert ("Target" in labels) == has_target, f"{name}: Target: line iff a target argument"


@pytest.mark.parametrize("name", LOSSES)
def test_raises_names_known_exceptions(name):
    raised = _entries(_sections(getattr(F, name).__doc__)["Raises"])
    assert raised, f"{name}: empty Raises section"
    assert set(raised) <= EXCEPTIONS, f"{name}: unknown exception types {set(raised) - EXCEPTIONS}"


@pytest.mark.parametrize("name", LOSSES)
def test_references_not_empty(name):
    assert _sections(getattr(F, name).__doc__)["References"].strip(), f"{name}: empty References"


@pytest.mark.parametrize("name", LOSSES)
def test_example_doctest_passes(name):
    fn = getattr(F, name)
    assert ">>>" in _sections(fn.__doc__)["Example"], f"{name}: Example without a doctest"
    globs = dict(vars(sys.modules[fn.__module__]))
    tests = doctest.DocTestFinder(recurse=False).find(fn, name, globs=globs)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"{name}: {result}"
