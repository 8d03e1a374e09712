"""The shared numerics: compute dtypes, torch's type promotion spelt out for torch.compile, the
backward of ``reduce``, and the rule that no loss family imports another."""

from __future__ import annotations

import ast
import itertools
import pathlib

import pytest
import torch

from lossnotes import _numerics
from lossnotes._reduction import reduce, reduce_grad

PACKAGE = pathlib.Path(_numerics.__file__).parent
FAMILIES = {"regression", "classification", "embedding", "sequence", "detection", "segmentation", "generative",
            "scale"}
# the modules that assemble the families (and paddle, which has its own)
ASSEMBLERS = {"functional.py", "nn.py", "catalog.py", "bench.py", "plotting.py", "__init__.py"}


def test_compute_dtype():
    assert _numerics.compute_dtype(torch.float16) == torch.float32
    assert _numerics.compute_dtype(torch.bfloat16) == torch.float32
    assert _numerics.compute_dtype(torch.float64) == torch.float64
    assert _numerics.is_low_precision(torch.bfloat16) and _numerics.is_low_precision("paddle.float16")
    assert not _numerics.is_low_precision(torch.float32)


DTYPES = [torch.bool, torch.uint8, torch.int32, torch.int64, torch.float16, torch.bfloat16, torch.float32,
          torch.float64, torch.complex64]


@pytest.mark.parametrize(("da", "db"), list(itertools.product(DTYPES, DTYPES)))
def test_result_dtype_rule_is_torchs(da, db, monkeypatch):
    monkeypatch.setattr(torch.compiler, "is_compiling", lambda: True)  # the spelt-out rule
    for shape_a, shape_b in [((2,), (2,)), ((), (2,)), ((2,), ()), ((), ())]:
        a, b = torch.zeros(shape_a, dtype=da), torch.zeros(shape_b, dtype=db)
        assert _numerics.result_dtype(a, b) == torch.result_type(a, b), (da, db, shape_a, shape_b)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_reduce_grad_is_the_backward_of_reduce(reduction):
    x = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    out = reduce(x * x, reduction)
    grad = torch.randn_like(out)
    (want,) = torch.autograd.grad(out, x, grad)
    assert torch.allclose(2 * x.detach() * reduce_grad(grad, reduction, x.numel()), want)
    assert torch.allclose(x.detach() * reduce_grad(grad, reduction, x.numel(), factor=2.0), want)


def test_reduce_grad_of_an_empty_mean():
    grad = torch.tensor(1.5)
    assert reduce_grad(grad, "mean", 0) is grad


def test_no_family_imports_another():
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in ASSEMBLERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] == "lossnotes" and len(parts) > 1 and parts[1] in FAMILIES:
                    offenders.append(f"{path.name}: from {node.module}")
    assert not offenders, offenders
